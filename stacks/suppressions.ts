import type { IConstruct } from "constructs";

/** A reason that explains, not a placeholder: suppressions and declared exceptions need this many characters. */
export const REASON_MIN_LENGTH = 10;

export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
  /** Only these finding details are suppressed. @default - every finding of the rule */
  readonly appliesTo?: readonly string[];
}

const suppressions = new WeakMap<IConstruct, Suppression[]>();

/**
 * Silences one rule on a construct and its children, with a reason that shows in the synth output
 * and the auth matrix: nothing is silenced silently.
 */
export function suppress(construct: IConstruct, suppression: Suppression): void {
  if (suppression.reason.trim().length < REASON_MIN_LENGTH) {
    throw new Error(
      `invalid suppression of '${suppression.ruleId}' on ${construct.node.path}: reason '${suppression.reason}' must be at least ${REASON_MIN_LENGTH} characters`,
    );
  }
  const list = suppressions.get(construct) ?? [];
  list.push(suppression);
  suppressions.set(construct, list);
}

/** The suppression that covers a finding on `construct`, looked up on it and its ancestors. */
export function findSuppression(construct: IConstruct, ruleId: string, details: readonly string[]): Suppression | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const found = (suppressions.get(scope) ?? []).find(
      (candidate) =>
        candidate.ruleId === ruleId && (candidate.appliesTo === undefined || details.every((detail) => candidate.appliesTo!.includes(detail))),
    );
    if (found) return found;
  }
  return undefined;
}

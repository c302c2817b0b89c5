import { createHash } from "node:crypto";
import type { Change, PlanJson } from "./offline-terraform";

const SENSITIVE = "(sensitive value)";
const UNKNOWN = "(known after apply)";

/**
 * What an approver approves: every planned change of a stack (address and actions) and a digest of
 * the whole change, values included, with sensitive values masked the way `terraform show` masks
 * them. It can be published (job summary, job outputs) where a saved plan file, which holds the
 * unmasked values, cannot.
 */
export interface ChangeSet {
  /** `sha256:<hex>` of the masked change: the same plan gives the same digest on any machine. */
  readonly digest: string;
  readonly changes: ReadonlyArray<{ readonly address: string; readonly actions: readonly string[] }>;
}

/** `value` with every part its `sensitive` mask marks replaced, and every part `unknown` marks as not known yet. */
function masked(value: unknown, sensitive: unknown, unknown: unknown = false): unknown {
  if (sensitive === true) return SENSITIVE;
  if (unknown === true) return UNKNOWN;
  if (Array.isArray(value)) {
    const length = Math.max(value.length, Array.isArray(unknown) ? unknown.length : 0);
    return Array.from({ length }, (_, index) => masked(value[index] ?? null, (sensitive as unknown[] | undefined)?.[index], (unknown as unknown[] | undefined)?.[index]));
  }
  if (value !== null && typeof value === "object") {
    const keys = new Set([...Object.keys(value), ...(unknown !== null && typeof unknown === "object" ? Object.keys(unknown) : [])]);
    return Object.fromEntries(
      [...keys].sort().map((key) => [key, masked((value as Record<string, unknown>)[key] ?? null, (sensitive as Record<string, unknown> | undefined)?.[key], (unknown as Record<string, unknown> | undefined)?.[key])]),
    );
  }
  return value;
}

const isNoOp = (change: Change) => change.actions.length === 1 && change.actions[0] === "no-op";
const maskedChange = (change: Change) => ({
  actions: change.actions,
  before: masked(change.before, change.before_sensitive),
  after: masked(change.after, change.after_sensitive, change.after_unknown),
});

/** The change set of a plan (`terraform show -json <plan>`): no-ops left out, addresses sorted. */
export function changeSetOf(plan: PlanJson): ChangeSet {
  const resources = (plan.resource_changes ?? []).filter((change) => !isNoOp(change.change)).sort((a, b) => a.address.localeCompare(b.address, "en"));
  const outputs = Object.entries(plan.output_changes ?? {})
    .filter(([, change]) => !isNoOp(change))
    .sort(([a], [b]) => a.localeCompare(b, "en"));
  const whole = {
    resources: resources.map((change) => ({ address: change.address, ...maskedChange(change.change) })),
    outputs: outputs.map(([name, change]) => ({ name, ...maskedChange(change) })),
  };
  return {
    digest: `sha256:${createHash("sha256").update(JSON.stringify(whole)).digest("hex")}`,
    changes: resources.map((change) => ({ address: change.address, actions: [...change.change.actions] })),
  };
}

/** Throws unless `current` is the change set the approver saw (`approvedDigest`), naming what differs where it can. */
export function checkApproved(stack: string, current: ChangeSet, approvedDigest: string): void {
  if (current.digest === approvedDigest) return;
  const listed = current.changes.length ? current.changes.map((change) => `  ${change.actions.join(",")} ${change.address}`).join("\n") : "  (no changes)";
  throw new Error(
    `${stack}: the plan now is not the one approved (approved ${approvedDigest}, now ${current.digest}): nothing was applied.\n` +
      `Something changed between the approval and this job (the configuration, the deployed resources, or an earlier stack's outputs): ` +
      `run the workflow again to plan and approve anew. The plan now holds:\n${listed}`,
  );
}

/** One synthesized resource as a rule sees it: snake_case configuration, references as `${...}` strings. */
export interface ResourceView {
  readonly type: string;
  /** Logical id in the Terraform JSON. */
  readonly name: string;
  /** Construct path, for messages and suppressions. */
  readonly path: string;
  readonly config: Readonly<Record<string, any>>;
}

/** Lookups across the stack, for rules that relate two resources (a stage and its method settings). */
export interface StackView {
  resources(type: string): readonly ResourceView[];
}

export const COMPLIANT = "compliant";
export const NOT_APPLICABLE = "not-applicable";

export interface NonCompliant {
  /** What exactly is wrong, for example `Resource::*`; a suppression may name these in `appliesTo`. */
  readonly details: readonly string[];
}

export type RuleOutcome = typeof COMPLIANT | typeof NOT_APPLICABLE | NonCompliant;

export function nonCompliant(...details: string[]): NonCompliant {
  return { details };
}

export type RuleLevel = "error" | "warning";

/** A rule is a pure function of one resource; shaped like a cdk-nag rule. */
export interface PolicyRule {
  readonly id: string;
  /** `error` fails synth; `warning` is printed and listed in the auth matrix. */
  readonly level: RuleLevel;
  /** The cdk-nag and Checkov rule ids this rule matches. */
  readonly matches: readonly string[];
  /** One line: what is wrong when the rule fails. */
  readonly cause: string;
  /** Why it matters and how to comply. */
  readonly explanation: string;
  check(resource: ResourceView, stack: StackView): RuleOutcome;
}

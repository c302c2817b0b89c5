import type { RuleLevel } from "./rule";

export interface PolicyFinding {
  readonly ruleId: string;
  readonly level: RuleLevel;
  readonly path: string;
  readonly resource: string;
  readonly cause: string;
  readonly details: readonly string[];
  /** Present when a suppression covers the finding. */
  readonly suppressedBecause?: string;
}

export function isBlocking(finding: PolicyFinding): boolean {
  return finding.level === "error" && finding.suppressedBecause === undefined;
}

export function formatPolicyFinding(finding: PolicyFinding): string {
  const details = finding.details.length ? ` [${finding.details.join(", ")}]` : "";
  if (finding.suppressedBecause !== undefined) {
    return `suppressed ${finding.ruleId}${details} at ${finding.path}: ${finding.suppressedBecause}`;
  }
  return `${finding.level} ${finding.ruleId} at ${finding.path}: ${finding.cause}${details}`;
}

/**
 * What a synth prints of its findings: warnings always; suppressions one by one when `verbose`,
 * else as one line with their count.
 */
export function policyReport(findings: readonly PolicyFinding[], verbose: boolean): string[] {
  const suppressed = findings.filter((finding) => finding.suppressedBecause !== undefined);
  const shown = verbose ? findings : findings.filter((finding) => finding.suppressedBecause === undefined);
  const lines = shown.map((finding) => `policy ${formatPolicyFinding(finding)}`);
  if (!verbose && suppressed.length) lines.push(`policy: ${suppressed.length} suppressed finding${suppressed.length === 1 ? "" : "s"}, each with its reason (--verbose lists them)`);
  return lines;
}

import { formatPolicyFinding, type PolicyFinding } from "./finding";

/** Every blocking policy finding of a synth, reported together. */
export class PolicyError extends Error {
  constructor(readonly findings: readonly PolicyFinding[]) {
    super(
      `policy: ${findings.length} unsuppressed error${findings.length === 1 ? "" : "s"}, nothing was synthesized\n` +
        findings.map((finding) => `  - ${formatPolicyFinding(finding)}`).join("\n"),
    );
    this.name = "PolicyError";
  }
}

/** One misconfiguration: where it is, which field, the bad value and what is wrong. */
export interface GuardFinding {
  readonly stack: string;
  /** A route (`route GET /notes`), a client (`client 'web'`) or a config path (`config.auth`). */
  readonly at: string;
  readonly field: string;
  readonly value: unknown;
  readonly message: string;
}

export function formatFinding(finding: GuardFinding): string {
  return `[${finding.stack}] ${finding.at}: ${finding.field} = ${JSON.stringify(finding.value)}: ${finding.message}`;
}

/** Every misconfiguration of a synth at once, so one run shows all there is to fix. */
export class GuardError extends Error {
  constructor(readonly findings: readonly GuardFinding[]) {
    super(
      `auth guard: ${findings.length} misconfiguration${findings.length === 1 ? "" : "s"}, nothing was synthesized\n` +
        findings.map((finding) => `  - ${formatFinding(finding)}`).join("\n"),
    );
    this.name = "GuardError";
  }
}

/**
 * The bench's budgets. A time is judged against a baseline measured in the same run on the same
 * machine, so the verdict does not depend on how fast the machine is (machines of one class
 * differ about 2x); bytes and file counts are absolute.
 */
export const BUDGETS = {
  /** Cold synth (no build cache) at 207 and 507 routes, as multiples of the example's (7 routes) cold synth. */
  synth207ColdRatio: 3.0,
  synth507ColdRatio: 6.0,
  /** A second synth with nothing changed, at 207 routes, against the example's cold synth. */
  synth207NoChangeRatio: 0.4,
  /** A handler's cold start (load and one call) against the AWS SDK alone (load it, send one GetItem). */
  coldStartToSdkRatio: 0.25,
  /** `npm test`'s wall time against the example's cold synth: 30 s on the 2-core machine class the README names. */
  npmTestToSynthRatio: 25,
  bundleBytes: 15_000,
  /**
   * A handler with table access carries its DynamoDB client: aws4 (8.2 KB minified), util-dynamodb
   * (5.1 KB) and the protocol code (2.3 KB), instead of loading the AWS SDK (60 ms of cold start).
   * Its shared.js holds each shared module it uses whole, not only the exports it calls (one
   * shared.js serves every handler with the same modules, and no handler's zip changes when
   * another is added): 33.1 KB where a bundle of its own was 26.9-28.6 KB.
   */
  dataBundleBytes: 34_000,
  differingFiles: 0,
} as const;

/** What the bench measured that the budgets judge. */
export interface BenchFigures {
  /**
   * Cold synth medians (and the no-change synth) per route count; 7 routes is the baseline. A grown
   * row may carry its own: the example's cold synths run in turn with the row's (`baselineColdMs`).
   */
  readonly scale: ReadonlyArray<{ readonly routes: number; readonly coldMs: number; readonly noChangeMs: number; readonly differingFiles: number; readonly baselineColdMs?: number }>;
  readonly functions: ReadonlyArray<{ readonly handler: string; readonly bundleBytes: number; readonly coldStartMs: number; readonly withTable: boolean }>;
  /** The AWS SDK alone, median, same run. */
  readonly sdkFloorMs: number;
  readonly npmTestMs?: number;
  readonly differingFiles: number;
}

export interface BudgetCheck {
  readonly what: string;
  readonly value: number;
  readonly budget: number;
  readonly unit: string;
  /** For a ratio, the two figures it divides. */
  readonly inputs?: string;
  readonly ok: boolean;
}

const ratio = (what: string, value: number, baseline: number, baselineName: string, budget: number): BudgetCheck => {
  const quotient = Math.round((value / baseline) * 1000) / 1000;
  return { what, value: quotient, budget, unit: "x", inputs: `${Math.round(value)} ms / ${Math.round(baseline)} ms (${baselineName})`, ok: quotient <= budget };
};
const absolute = (what: string, value: number, budget: number, unit: string): BudgetCheck => ({ what, value, budget, unit, ok: value <= budget });

/** Every budget the figures allow judging; a scale row or test time that was not measured is not judged. */
export function budgetChecks(figures: BenchFigures): BudgetCheck[] {
  const at = (routes: number) => figures.scale.find((row) => row.routes === routes);
  const base = at(7);
  const checks: BudgetCheck[] = [];
  if (base) {
    const example = "the example's cold synth";
    const row207 = at(207);
    const row507 = at(507);
    const beside = "the example's cold synth, run in turn with the row's";
    const against = (what: string, value: number, row: { readonly baselineColdMs?: number }, budget: number) =>
      row.baselineColdMs !== undefined ? ratio(what, value, row.baselineColdMs, beside, budget) : ratio(what, value, base.coldMs, example, budget);
    if (row207) checks.push(against("cold synth at 207 routes", row207.coldMs, row207, BUDGETS.synth207ColdRatio));
    if (row507) checks.push(against("cold synth at 507 routes", row507.coldMs, row507, BUDGETS.synth507ColdRatio));
    if (row207) checks.push(against("synth at 207 routes with nothing changed", row207.noChangeMs, row207, BUDGETS.synth207NoChangeRatio));
    if (figures.npmTestMs !== undefined) checks.push(ratio("npm test, wall time", figures.npmTestMs, base.coldMs, example, BUDGETS.npmTestToSynthRatio));
  }
  for (const row of figures.scale) checks.push(absolute(`zips and Terraform at ${row.routes} routes: warm vs cold, differing files`, row.differingFiles, BUDGETS.differingFiles, "files"));
  for (const fn of figures.functions) {
    checks.push(absolute(`bundle ${fn.handler}${fn.withTable ? " (with the DynamoDB client)" : ""}`, fn.bundleBytes, fn.withTable ? BUDGETS.dataBundleBytes : BUDGETS.bundleBytes, "B"));
  }
  for (const fn of figures.functions) checks.push(ratio(`cold start ${fn.handler}, median`, fn.coldStartMs, figures.sdkFloorMs, "the AWS SDK alone", BUDGETS.coldStartToSdkRatio));
  checks.push(absolute("determinism: differing files", figures.differingFiles, BUDGETS.differingFiles, "files"));
  return checks;
}

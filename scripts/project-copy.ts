import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { listFiles } from "../local/stack/files";
import { PROJECT_ROOT } from "../stacks/paths";
import { SYNTH_ARGS } from "../local/stack/synth-cache";

export { listFiles };

/** What the app needs to synthesize; node_modules is linked, not copied. */
const SOURCES = ["main.ts", "environments.ts", "cdktf.json", "package.json", "tsconfig.json", "stacks", "functions", "local"];
/** The rest of what a clone holds: tests, scripts, docs, CI and workflow files. */
export const REPOSITORY_EXTRAS = ["__tests__", "scripts", "web", "examples", "jest.config.js", "jest.shared.js", "setup.js", "README.md", "help", "docs", ".github", ".ci", ".gitignore", ".nvmrc"];
/** Everything a clone holds but node_modules. */
export const REPOSITORY_FILES = [...SOURCES, ...REPOSITORY_EXTRAS];

/** A copy of the project's sources (and `extra` paths) in a fresh temporary folder, as a clean clone would have them. */
export function copyProject(prefix = "notes-copy-", extra: readonly string[] = []): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const source of [...SOURCES, ...extra]) {
    fs.cpSync(path.join(PROJECT_ROOT, source), path.join(folder, source), { recursive: true });
  }
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(folder, "node_modules"), "dir");
  return folder;
}

/** Runs the app the way `npm run synth` does, in `folder`, writing to `outdir`. */
export function synthIn(folder: string, outdir: string, env: NodeJS.ProcessEnv = {}): void {
  execFileSync(process.execPath, SYNTH_ARGS, {
    cwd: folder,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir, STATE_BUCKET: "", ...env },
    stdio: "pipe",
  });
}

/** Files that differ (or exist on one side only) between two output folders. */
export function differingFiles(left: string, right: string): string[] {
  const names = [...new Set([...listFiles(left), ...listFiles(right)])].sort();
  return names.filter((name) => {
    const a = path.join(left, name);
    const b = path.join(right, name);
    return !fs.existsSync(a) || !fs.existsSync(b) || !fs.readFileSync(a).equals(fs.readFileSync(b));
  });
}

export function removeFolder(folder: string): void {
  fs.rmSync(folder, { recursive: true, force: true });
}

export function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: PROJECT_ROOT, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

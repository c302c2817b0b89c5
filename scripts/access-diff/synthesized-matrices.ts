import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { expectedError } from "../../local/cli/command-line";
import { LOCAL_DATA_DIR } from "../../local/stack/local-stack";
import type { AuthMatrix } from "../../stacks/matrix/auth-matrix";
import { AUTH_MATRIX_JSON } from "../../stacks/matrix/auth-matrix-files";
import { PROJECT_ROOT } from "../../stacks/paths";
import { SYNTH_ARGS } from "../../local/stack/synth-cache";

const run = promisify(execFile);
/** Exit code of a diff that could not be computed: never 1, which means "access widened". */
export const CANNOT_COMPARE = 2;

/** The auth matrix of every stack in a synth's output folder, by stack. */
export function readMatrices(outdir: string): Map<string, AuthMatrix> {
  const stacks = path.join(outdir, "stacks");
  return new Map(
    fs
      .readdirSync(stacks)
      .filter((stack) => fs.existsSync(path.join(stacks, stack, AUTH_MATRIX_JSON)))
      .sort()
      .map((stack) => [stack, JSON.parse(fs.readFileSync(path.join(stacks, stack, AUTH_MATRIX_JSON), "utf8")) as AuthMatrix]),
  );
}

/**
 * Runs the project in `folder` as `npm run synth` does, into a temporary folder, and reads its
 * matrices. State settings do not change a matrix: the synth takes local state, so it runs anywhere.
 */
export async function synthesizedMatrices(folder: string, label: string): Promise<Map<string, AuthMatrix>> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "access-diff-out-"));
  try {
    // A commit from before the launcher runs main.ts through tsx
    const launcher = fs.existsSync(path.join(folder, SYNTH_ARGS[0]!));
    await run(process.execPath, launcher ? SYNTH_ARGS : ["--import", "tsx", "main.ts"], {
      cwd: folder,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir, STATE_BUCKET: "", REQUIRE_REMOTE_STATE: "" },
      maxBuffer: 64 * 1024 * 1024,
    });
    return readMatrices(outdir);
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw expectedError(`access-diff: the synth of ${label} failed, so nothing can be compared: ${(stderr || message).trim().split("\n").slice(0, 5).join(" / ")}`, CANNOT_COMPARE);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const git = (args: readonly string[]) => execFileSync("git", args, { cwd: PROJECT_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

/** The commit a ref names, or an error that says which ref is missing. */
export function commitOf(ref: string): string {
  try {
    return git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    throw expectedError(`access-diff: no commit '${ref}' in this repository (fetch it, or name another with --base)`, CANNOT_COMPARE);
  }
}

/** Where this branch left main: the merge base with `main`, or with `origin/main` in a clone without a local main. */
export function defaultBase(): string {
  for (const main of ["main", "origin/main"]) {
    try {
      return git(["merge-base", "HEAD", main]);
    } catch {
      continue;
    }
  }
  throw expectedError("access-diff: no merge base with main or origin/main: name the base with --base <ref>", CANNOT_COMPARE);
}

/**
 * The matrices of a commit: synthesized from its files (git archive, this checkout's node_modules)
 * once, then kept under `.local/access-diff/<commit>/`: a commit's files never change.
 */
export async function matricesAt(commit: string): Promise<Map<string, AuthMatrix>> {
  const cache = path.join(LOCAL_DATA_DIR, "access-diff", `${commit}.json`);
  if (fs.existsSync(cache)) return new Map(Object.entries(JSON.parse(fs.readFileSync(cache, "utf8")) as Record<string, AuthMatrix>));
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "access-diff-base-"));
  try {
    const archive = execFileSync("git", ["archive", "--format=tar", commit], { cwd: PROJECT_ROOT, maxBuffer: 512 * 1024 * 1024 });
    execFileSync("tar", ["-x", "-C", folder], { input: archive });
    fs.rmSync(path.join(folder, "node_modules"), { recursive: true, force: true });
    fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(folder, "node_modules"), "dir");
    const matrices = await synthesizedMatrices(folder, `commit ${commit.slice(0, 12)}`);
    fs.mkdirSync(path.dirname(cache), { recursive: true });
    fs.writeFileSync(cache, JSON.stringify(Object.fromEntries(matrices)));
    return matrices;
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

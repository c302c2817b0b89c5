import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { PolicyFinding } from "../../stacks/policy/finding";
import type { StackSummary } from "./synth-summary";
import { PROJECT_ROOT } from "../../stacks/paths";
import { listFiles } from "./files";

/** Everything a synth reads from the project: a change to any file under these changes its output. */
/** How `npm run synth` runs the app, as arguments of `node`: main.ts, bundled and kept in .build/app/ until an input changes. */
export const SYNTH_ARGS = ["local/stack/run-app.cjs"];
export const SYNTH_INPUTS = ["main.ts", "environments.ts", "cdktf.json", "package.json", "package-lock.json", "tsconfig.json", "stacks", "functions", "local"];
/** Environment variables the app reads while it synthesizes. */
const INPUT_VARIABLES = ["STATE_BUCKET", "STATE_REGION", "REQUIRE_REMOTE_STATE", "SYNTH_HCL_OUTPUT", "CDKTF_CONTEXT_JSON", "CDKTF_TARGET_STACK_ID"];

export interface SynthStamp {
  /** SHA-256 of every input file's path and content, the variables above and Node's major version. */
  readonly inputs: string;
  /** What identifies every file the synth wrote on disk (see outputFingerprint). */
  readonly outputs: string;
  readonly findings: readonly PolicyFinding[];
  /** What the synth wrote, per stack, as it printed it. */
  readonly summary: readonly StackSummary[];
}

function digest(entries: Iterable<string>): string {
  const hash = createHash("sha256");
  for (const entry of entries) hash.update(entry).update("\0");
  return hash.digest("hex");
}

function fileHash(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

export function inputFingerprint(env: NodeJS.ProcessEnv = process.env, root = PROJECT_ROOT): string {
  const files = SYNTH_INPUTS.flatMap((input) => {
    const full = path.join(root, input);
    if (!fs.existsSync(full)) return [];
    return fs.statSync(full).isDirectory() ? listFiles(full).map((file) => path.join(input, file)) : [input];
  });
  return digest([
    `node ${process.versions.node.split(".")[0]}`,
    ...INPUT_VARIABLES.map((name) => `${name}=${env[name] ?? ""}`),
    ...files.sort().map((file) => `${file} ${fileHash(path.join(root, file))}`),
  ]);
}

/**
 * Every file under `outdir` with what identifies its version on disk, as git's index and make do:
 * size, modification and change time (nanoseconds) and inode. Writing, replacing, deleting or
 * adding a file changes it; a change time cannot be set back (`touch -r` sets only the
 * modification time), so an edit that keeps size and modification time is seen too. Reading and
 * hashing every output instead (16 MB of zips at 200 routes) was 0.2 s of each synth and of each
 * no-change run. A file whose stat changed though its bytes did not costs one synth, never a stale
 * result.
 */
export function outputFingerprint(outdir: string, written?: readonly string[]): string | undefined {
  if (!fs.existsSync(path.join(outdir, "manifest.json"))) return undefined;
  return digest(
    (written ?? listFiles(outdir)).map((file) => {
      const stat = fs.statSync(path.join(outdir, file), { bigint: true });
      return `${file} ${stat.size} ${stat.mtimeNs} ${stat.ctimeNs} ${stat.ino}`;
    }),
  );
}

/** Kept beside the build cache, not in the output folder: `cdktf.out` holds only what cdktf writes. */
function stampFile(outdir: string, root: string): string {
  return path.join(root, ".build", "synth", `${createHash("sha256").update(path.resolve(outdir)).digest("hex").slice(0, 16)}.json`);
}

/**
 * The stamp of the last synth into `outdir` when nothing it read has changed since and its output
 * is exactly what it wrote: a second synth with no change then only prints.
 */
export function currentSynth(outdir: string, inputs: string, root = PROJECT_ROOT): SynthStamp | undefined {
  let stamp: SynthStamp;
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile(outdir, root), "utf8")) as SynthStamp;
  } catch {
    return undefined;
  }
  // A stamp of an earlier version of this file lacks the summary: synthesize again
  return stamp.inputs === inputs && Array.isArray(stamp.summary) && stamp.outputs === outputFingerprint(outdir) ? stamp : undefined;
}

/** `written`: every file under `outdir` (listFiles), when the caller has listed them. */
export function recordSynth(outdir: string, inputs: string, findings: readonly PolicyFinding[], summary: readonly StackSummary[], { root = PROJECT_ROOT, written }: { root?: string; written?: readonly string[] } = {}): void {
  const outputs = outputFingerprint(outdir, written);
  if (!outputs) return;
  const file = stampFile(outdir, root);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ inputs, outputs, findings, summary } satisfies SynthStamp) + "\n");
}

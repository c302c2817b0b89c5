import * as fs from "node:fs";
import * as path from "node:path";
import { readLocalStack, type LocalStack } from "../../local/stack/local-stack";
import { inputFingerprint } from "../../local/stack/synth-cache";
import { PROJECT_ROOT } from "../../stacks/paths";

/** Where the test files' shared synths live: one folder per set of sources, the latest kept. */
const FOLDER = path.join(PROJECT_ROOT, ".build", "test-stack");
const LOG_FILE = "synth-log.json";

/**
 * The whole project as `npm run synth` writes it (local state: no STATE_BUCKET), synthesized once
 * per set of sources for every test file that reads it: the first file to ask synthesizes into a
 * folder named by the sources' fingerprint, the others read it, without loading cdktf. `log` holds
 * what synth printed before its summary (the policy report). Treat it as read-only; a test that
 * changes the sources or the output synthesizes its own.
 */
export function sharedSynth(): { readonly outdir: string; readonly log: readonly string[] } {
  const fingerprint = inputFingerprint().slice(0, 16);
  const folder = path.join(FOLDER, fingerprint);
  const log = path.join(folder, LOG_FILE);
  fs.mkdirSync(FOLDER, { recursive: true });
  // One test process synthesizes, holding the lock folder; the others wait for its log instead of
  // synthesizing the same sources beside it. A lock older than LOCK_STALE_MS is a dead process's.
  const lock = `${folder}.lock`;
  let owner = false;
  while (!fs.existsSync(log) && !owner) {
    try {
      fs.mkdirSync(lock);
      owner = true;
    } catch {
      if (Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > LOCK_STALE_MS) fs.rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  if (owner) {
    try {
      // The log is written last: a folder without it (an older helper's, or a crashed synth's) is made again.
      if (!fs.existsSync(log)) synthesizeInto(folder);
      // Synths of earlier sources are never read again
      for (const name of fs.readdirSync(FOLDER)) {
        if (/^[0-9a-f]{16}(\.lock)?$/.test(name) && !name.startsWith(fingerprint)) fs.rmSync(path.join(FOLDER, name), { recursive: true, force: true });
      }
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
  return { outdir: folder, log: JSON.parse(fs.readFileSync(log, "utf8")) as string[] };
}

const LOCK_STALE_MS = 120_000;

/** Synthesizes the project beside `folder`, then renames it into place: a reader never sees half a synth. */
function synthesizeInto(folder: string): void {
  fs.rmSync(folder, { recursive: true, force: true });
  const fresh = fs.mkdtempSync(`${folder}-`);
  const lines: string[] = [];
  const { synthesizeProject } = require("../../local/stack/synth") as typeof import("../../local/stack/synth");
  try {
    synthesizeProject({ outdir: fresh, log: (line) => lines.push(line), env: {} });
    fs.writeFileSync(path.join(fresh, LOG_FILE), JSON.stringify(lines));
    fs.renameSync(fresh, folder);
  } finally {
    fs.rmSync(fresh, { recursive: true, force: true });
  }
}

/** A stack of the shared synth (`sharedSynth`), read as the local gateway reads it. */
export function testStack(stack: string): LocalStack {
  return readLocalStack(stack, sharedSynth().outdir);
}

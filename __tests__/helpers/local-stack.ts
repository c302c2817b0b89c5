import * as fs from "node:fs";
import * as path from "node:path";
import { readLocalStack, synthesizeLocalStack, type LocalStack } from "../../local/stack/local-stack";
import { inputFingerprint } from "../../local/stack/synth-cache";
import { PROJECT_ROOT } from "../../stacks/paths";

/** Where the test files' shared synths live: one folder per set of sources, the latest kept. */
const FOLDER = path.join(PROJECT_ROOT, ".build", "test-stack");

/**
 * A stack as `npm run synth` writes it, synthesized once per set of sources for every test file
 * that serves it (the gateway, the hosted UI, the trigger): the first file to ask synthesizes into
 * a folder named by the sources' fingerprint, the others read it, without loading cdktf. Treat it
 * as read-only; a test that changes the sources or the output synthesizes its own.
 */
export function testStack(stack: string): LocalStack {
  const fingerprint = inputFingerprint().slice(0, 16);
  const folder = path.join(FOLDER, fingerprint);
  if (!fs.existsSync(path.join(folder, "manifest.json"))) {
    fs.mkdirSync(FOLDER, { recursive: true });
    // Synthesized beside, then renamed into place: a file in another worker never reads half a synth
    const fresh = fs.mkdtempSync(`${folder}-`);
    synthesizeLocalStack(stack, fresh);
    try {
      fs.renameSync(fresh, folder);
    } catch {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
    // Synths of earlier sources are never read again (a folder being written, named <fingerprint>-<suffix>, stays)
    for (const name of fs.readdirSync(FOLDER)) {
      if (/^[0-9a-f]{16}$/.test(name) && name !== fingerprint) fs.rmSync(path.join(FOLDER, name), { recursive: true, force: true });
    }
  }
  return readLocalStack(stack, folder);
}

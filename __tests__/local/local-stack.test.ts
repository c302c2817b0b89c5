import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isSynthCurrent, loadLocalStack } from "../../local/stack/local-stack";

describe("loadLocalStack (what npm run token reads)", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "local-stack-"));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test("synthesizes when nothing was synthesized, then reads the output while no source is newer", () => {
    // GIVEN an empty output folder
    expect(isSynthCurrent("dev", outdir)).toBe(false);
    // WHEN the stack is loaded twice
    const first = loadLocalStack("dev", outdir);
    const second = loadLocalStack("dev", outdir);
    // THEN only the first call synthesized, and both see the same stack
    expect(first.synthesized).toBe(true);
    expect(second.synthesized).toBe(false);
    expect(second.model.clients.map((client) => client.name)).toEqual(first.model.clients.map((client) => client.name));
  });

  test("synthesizes again when the output is older than a source", () => {
    loadLocalStack("dev", outdir);
    // GIVEN output written before any source was last changed
    const past = new Date(0);
    fs.utimesSync(path.join(outdir, "manifest.json"), past, past);
    expect(isSynthCurrent("dev", outdir)).toBe(false);
    // WHEN loaded THEN it synthesizes, and the fresh output is current
    expect(loadLocalStack("dev", outdir).synthesized).toBe(true);
    expect(isSynthCurrent("dev", outdir)).toBe(true);
  });
});

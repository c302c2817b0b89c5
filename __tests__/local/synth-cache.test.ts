import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { currentSynth, inputFingerprint, outputFingerprint, recordSynth } from "../../local/stack/synth-cache";

/** A tiny project and an output folder, enough for the fingerprints. */
function fixture() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "synth-cache-"));
  fs.mkdirSync(path.join(root, "stacks"));
  fs.writeFileSync(path.join(root, "main.ts"), "app();\n");
  fs.writeFileSync(path.join(root, "stacks", "api.ts"), "export const routes = [];\n");
  const outdir = path.join(root, "cdktf.out");
  fs.mkdirSync(path.join(outdir, "stacks", "dev"), { recursive: true });
  fs.writeFileSync(path.join(outdir, "manifest.json"), "{}\n");
  fs.writeFileSync(path.join(outdir, "stacks", "dev", "cdk.tf.json"), '{"resource":{}}\n');
  return { root, outdir };
}

describe("the no-change synth check", () => {
  test("the input fingerprint changes with any input file or synth variable, and with nothing else", () => {
    const { root } = fixture();
    const env = { STATE_BUCKET: "" };
    const first = inputFingerprint(env, root);
    expect(inputFingerprint(env, root)).toBe(first);
    fs.writeFileSync(path.join(root, "README.md"), "not an input\n");
    expect(inputFingerprint(env, root)).toBe(first);
    expect(inputFingerprint({ STATE_BUCKET: "example-state" }, root)).not.toBe(first);
    fs.writeFileSync(path.join(root, "stacks", "api.ts"), "export const routes = [1];\n");
    expect(inputFingerprint(env, root)).not.toBe(first);
    fs.writeFileSync(path.join(root, "stacks", "extra.ts"), "");
    expect(new Set([first, inputFingerprint(env, root)]).size).toBe(2);
  });

  test("a recorded synth is current until an input or an output file changes", () => {
    // GIVEN a synth recorded with its findings
    const { root, outdir } = fixture();
    const inputs = inputFingerprint({}, root);
    const findings = [{ ruleId: "COG2", level: "warning" as const, path: "dev-data/auth/user-pool", resource: "aws_cognito_user_pool.x", cause: "no MFA", details: [] }];
    const summary = [{ stack: "dev", resources: 0, zips: 0, zipBytes: 0, extras: [] }];
    recordSynth(outdir, inputs, findings, summary, { root });
    // THEN it is current, findings and what it printed included
    expect(currentSynth(outdir, inputs, root)?.findings).toEqual(findings);
    expect(currentSynth(outdir, inputs, root)?.summary).toEqual(summary);
    // WHEN an output file is edited THEN it is not
    const written = path.join(outdir, "stacks", "dev", "cdk.tf.json");
    const before = outputFingerprint(outdir);
    fs.writeFileSync(written, '{"resource":{"edited":{}}}\n');
    expect(outputFingerprint(outdir)).not.toBe(before);
    expect(currentSynth(outdir, inputs, root)).toBeUndefined();
    // AND an edit of the same size whose modification time is set back is seen too (its change time moved)
    recordSynth(outdir, inputs, findings, summary, { root });
    const { atime, mtime } = fs.statSync(written);
    fs.writeFileSync(written, '{"resource":{"Edited":{}}}\n');
    fs.utimesSync(written, atime, mtime);
    expect(Math.abs(fs.statSync(written).mtimeMs - mtime.getTime())).toBeLessThan(1);
    expect(currentSynth(outdir, inputs, root)).toBeUndefined();
    // AND an added file, a deleted output folder or other inputs are not current either
    recordSynth(outdir, inputs, findings, summary, { root });
    fs.writeFileSync(path.join(outdir, "stacks", "dev", "extra.json"), "{}\n");
    expect(currentSynth(outdir, inputs, root)).toBeUndefined();
    recordSynth(outdir, inputs, findings, summary, { root });
    expect(currentSynth(outdir, "other inputs", root)).toBeUndefined();
    fs.rmSync(outdir, { recursive: true });
    expect(currentSynth(outdir, inputs, root)).toBeUndefined();
  });
});

test("a stamp an earlier version wrote (no summary) is not current", () => {
  const { root, outdir } = fixture();
  const inputs = inputFingerprint({}, root);
  recordSynth(outdir, inputs, [], [], { root });
  const stampFolder = path.join(root, ".build", "synth");
  const [stamp] = fs.readdirSync(stampFolder);
  const recorded = JSON.parse(fs.readFileSync(path.join(stampFolder, stamp!), "utf8")) as Record<string, unknown>;
  expect(currentSynth(outdir, inputs, root)).toBeDefined();
  delete recorded.summary;
  fs.writeFileSync(path.join(stampFolder, stamp!), JSON.stringify(recorded));
  expect(currentSynth(outdir, inputs, root)).toBeUndefined();
});

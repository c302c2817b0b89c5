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
    recordSynth(outdir, inputs, findings, root);
    // THEN it is current, findings included
    expect(currentSynth(outdir, inputs, root)?.findings).toEqual(findings);
    // WHEN an output file is edited THEN it is not
    const written = path.join(outdir, "stacks", "dev", "cdk.tf.json");
    const before = outputFingerprint(outdir);
    fs.writeFileSync(written, '{"resource":{"edited":{}}}\n');
    expect(outputFingerprint(outdir)).not.toBe(before);
    expect(currentSynth(outdir, inputs, root)).toBeUndefined();
    // AND a deleted output folder or other inputs are not current either
    recordSynth(outdir, inputs, findings, root);
    expect(currentSynth(outdir, "other inputs", root)).toBeUndefined();
    fs.rmSync(outdir, { recursive: true });
    expect(currentSynth(outdir, inputs, root)).toBeUndefined();
  });
});

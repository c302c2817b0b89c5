import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bootstrap, environments } from "../environments";
import { notesRoutes } from "../stacks/api/routes";
import { NotesApp } from "../stacks/notes-app";
import { sharedSynth } from "./helpers/local-stack";

/**
 * Synthesizes every stack as HCL, as `cdktf synth --hcl` does: the CLI sets SYNTH_HCL_OUTPUT, which
 * cdktf 0.21 stacks read (its App option alone renames the file only). The JSON to compare with is
 * the tests' shared synth of the project.
 */
function synthesizeHcl(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-hcl-"));
  process.env.SYNTH_HCL_OUTPUT = "true";
  try {
    const app = new NotesApp({ outdir, hclOutput: true, log: () => undefined, env: {} });
    app.addEnvironments(Object.values(environments));
    app.addBootstrap(bootstrap);
    app.synth();
  } finally {
    delete process.env.SYNTH_HCL_OUTPUT;
  }
  return outdir;
}

const jsonOut = sharedSynth().outdir;
const hclOut = synthesizeHcl();
afterAll(() => fs.rmSync(hclOut, { recursive: true, force: true }));

describe("HCL export", () => {
  test.each(["dev", "devhttp", "prod", "bootstrap"])("the %s stack's HCL holds the same resources, data sources and outputs as its JSON", (stack) => {
    const json = JSON.parse(fs.readFileSync(path.join(jsonOut, "stacks", stack, "cdk.tf.json"), "utf8"));
    const hcl = fs.readFileSync(path.join(hclOut, "stacks", stack, "cdk.tf"), "utf8");
    const fromJson = (block: "resource" | "data") =>
      Object.entries(json[block] ?? {}).flatMap(([type, entries]) => Object.keys(entries as object).map((name) => `${type}.${name}`)).sort();
    const fromHcl = (block: "resource" | "data") => [...hcl.matchAll(new RegExp(`^${block} "([^"]+)" "([^"]+)" \\{`, "gm"))].map((match) => `${match[1]}.${match[2]}`).sort();
    expect(fromHcl("resource").length).toBeGreaterThan(0);
    expect(fromHcl("resource")).toEqual(fromJson("resource"));
    expect(fromHcl("data")).toEqual(fromJson("data"));
    expect([...hcl.matchAll(/^output "([^"]+)" \{/gm)].map((match) => match[1]).sort()).toEqual(Object.keys(json.output).sort());
  });

  test("the HCL keeps the scopes of every method", () => {
    const hcl = fs.readFileSync(path.join(hclOut, "stacks", "dev", "cdk.tf"), "utf8");
    expect(hcl.match(/authorization_scopes = \[/g)).toHaveLength(notesRoutes.filter((route) => route.scopes?.length).length);
  });
});

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { environments } from "../environments";
import { notesRoutes } from "../stacks/api/routes";
import { dataStackName } from "../stacks/stack-names";
import { copyProject, differingFiles, listFiles, removeFolder, synthIn } from "../scripts/project-copy";

/** Every stack synth writes: the bootstrap, and each environment's two. */
const STACKS = ["bootstrap", ...Object.keys(environments).flatMap((name) => [name, dataStackName(name)])].sort();

describe("synth output", () => {
  const first = copyProject("notes-synth-a-");
  const second = copyProject("notes-synth-b-");
  // GIVEN two copies of the project, each bundling its functions from scratch
  // WHEN each synthesizes into its own folder, in a different time zone
  beforeAll(() => {
    synthIn(first, path.join(first, "cdktf.out"), { TZ: "UTC" });
    synthIn(second, path.join(second, "out-elsewhere"), { TZ: "America/Los_Angeles" });
  });
  afterAll(() => [first, second].forEach(removeFolder));

  test("is byte-identical from two checkouts in different folders and time zones", () => {
    // THEN every file is the same, zips included
    const files = listFiles(path.join(first, "cdktf.out"));
    expect(files.filter((file) => file.endsWith("cdk.tf.json")).sort()).toEqual(STACKS.map((stack) => `stacks/${stack}/cdk.tf.json`).sort());
    // One zip per route and one pre-token-generation trigger in every environment: derived from the route table, so a new route needs no edit here.
    expect(files.filter((file) => file.endsWith(".zip"))).toHaveLength((notesRoutes.length + 1) * Object.keys(environments).length);
    expect(differingFiles(path.join(first, "cdktf.out"), path.join(second, "out-elsewhere"))).toEqual([]);
  });

  test("main.ts, which resolves and checks the app while esbuild makes the zips, writes what a synth with the zips already built writes", () => {
    // GIVEN the first copy's output, from main.ts with a cold build cache (the zips' values were filled in after the build)
    // WHEN the same copy synthesizes again in one step, every zip built before the app is
    const oneStep = path.join(first, "out-one-step");
    execFileSync(process.execPath, ["--import", "tsx", "-e", `require("./local/stack/synth").synthesizeProject({ outdir: ${JSON.stringify(oneStep)}, log: () => undefined })`], {
      cwd: first,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", STATE_BUCKET: "" },
      stdio: "pipe",
    });
    // THEN both are the same, byte for byte, and no marker of a pending zip is left
    expect(differingFiles(path.join(first, "cdktf.out"), oneStep)).toEqual([]);
    for (const stack of ["dev", "dev-data"]) expect(fs.readFileSync(path.join(first, "cdktf.out", "stacks", stack, "cdk.tf.json"), "utf8")).not.toContain("pending-bundle");
  });

  test("holds no absolute path of the machine it ran on", () => {
    for (const stack of STACKS) {
      const text = fs.readFileSync(path.join(first, "cdktf.out", "stacks", stack, "cdk.tf.json"), "utf8");
      expect(text).not.toContain(first);
      expect(text).not.toContain("/tmp/");
    }
  });
});

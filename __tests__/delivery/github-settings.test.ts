import { bootstrap } from "../../environments";
import { settingsDifferences, wantedSettings, type LiveEnvironment, type LiveSettings } from "../../scripts/github/settings";

// A configuration of the shape the project ships (dev, and prod with approvers), whatever environments.ts holds now
const config = { ...bootstrap, deployEnvironments: ["dev", "prod"], pullRequestEnvironments: ["dev"], approvals: { prod: { teams: ["platform-leads"] } } };
const wanted = wantedSettings(config);
const mainOnly: LiveEnvironment = { reviewers: [], preventSelfReview: false, branchPolicy: { protectedBranches: false, customBranchPolicies: true }, branches: [{ name: "main", type: "branch" }] };
const agreeing: LiveSettings = {
  oidc: { useDefault: false, claimKeys: ["repo", "context", "ref"] },
  environments: { dev: mainOnly, prod: { ...mainOnly, reviewers: [{ type: "Team", name: "platform-leads" }], preventSelfReview: true } },
};
const withProd = (change: Partial<LiveEnvironment>): LiveSettings => ({ ...agreeing, environments: { ...agreeing.environments, prod: { ...agreeing.environments.prod!, ...change } } });

describe("GitHub settings: what the roles' trust needs of the repository", () => {
  test("a configuration wants the ref in every subject, prod's approvers, and main as every environment's only branch", () => {
    expect(wanted).toEqual({
      oidcClaimKeys: ["repo", "context", "ref"],
      environments: [
        { name: "dev", reviewers: [], preventSelfReview: false, branch: "main" },
        { name: "prod", reviewers: [{ type: "Team", name: "platform-leads" }], preventSelfReview: true, branch: "main" },
      ],
    });
  });

  test("the project's own bootstrap wants each deployed environment on its deploy branch, approvers where it names them", () => {
    const own = wantedSettings(bootstrap);
    expect(own.environments.map((environment) => environment.name)).toEqual(bootstrap.deployEnvironments);
    for (const environment of own.environments) {
      expect([environment.name, environment.branch, environment.preventSelfReview]).toEqual([environment.name, bootstrap.deployBranch ?? "main", bootstrap.approvals?.[environment.name] !== undefined]);
    }
  });

  test("settings as configured have no difference", () => {
    expect(settingsDifferences(wanted, agreeing)).toEqual([]);
  });

  test.each([
    ["the OIDC subject template is GitHub's default", { ...agreeing, oidc: { useDefault: true, claimKeys: [] } }, "OIDC subject template: the repository uses GitHub's default, so no subject carries the ref the roles trust (wanted claim keys repo, context, ref)"],
    ["the claim keys are reordered", { ...agreeing, oidc: { useDefault: false, claimKeys: ["repo", "ref", "context"] } }, "OIDC subject template: claim keys repo, ref, context, wanted repo, context, ref in this order"],
    ["prod has no reviewer rule", withProd({ reviewers: [], preventSelfReview: false }), "environment 'prod' has no required reviewers rule: wanted team platform-leads"],
    ["prod's reviewers are someone else", withProd({ reviewers: [{ type: "User", name: "octocat" }] }), "environment 'prod' requires user octocat, wanted team platform-leads"],
    ["a deployer may approve their own prod deploy", withProd({ preventSelfReview: false }), "environment 'prod' lets whoever started a deploy approve it: wanted prevent_self_review"],
    ["prod has no branch policy", withProd({ branchPolicy: null, branches: [] }), "environment 'prod' has no deployment branch policy: any branch may deploy to it, wanted main only"],
    ["prod lets every protected branch deploy", withProd({ branchPolicy: { protectedBranches: true, customBranchPolicies: false }, branches: [] }), "environment 'prod' lets every protected branch deploy to it, wanted main only"],
    ["prod's branch policy names another branch too", withProd({ branches: [{ name: "main", type: "branch" }, { name: "release/*", type: "branch" }] }), "environment 'prod' may be deployed from branch main, branch release/*, wanted main only"],
    ["prod's branch policy is a tag pattern", withProd({ branches: [{ name: "v*", type: "tag" }] }), "environment 'prod' may be deployed from tag v*, wanted main only"],
    ["prod does not exist", { ...agreeing, environments: { dev: mainOnly } }, "environment 'prod' does not exist"],
    ["dev asks for reviewers the configuration does not name", { ...agreeing, environments: { ...agreeing.environments, dev: { ...mainOnly, reviewers: [{ type: "User", name: "octocat" }] } } }, "environment 'dev' requires user octocat; the configuration names no approval for it"],
  ] as const)("fails when %s", (_, live, difference) => {
    expect(settingsDifferences(wanted, live as LiveSettings)).toEqual([difference]);
  });
});

import { Octokit } from "@octokit/rest";
import type { GithubSettings, LiveEnvironment, LiveSettings, Reviewer } from "./settings";

/** The repository settings through GitHub's REST API (@octokit/rest): read them, and make them what `wanted` says. */
export class RepositorySettings {
  private readonly octokit: Octokit;

  constructor(
    private readonly owner: string,
    private readonly repo: string,
    options: { token: string; baseUrl: string },
  ) {
    // A failed request becomes one line of the command's own: Octokit's request log stays quiet.
    const quiet = () => undefined;
    this.octokit = new Octokit({ auth: options.token, baseUrl: options.baseUrl, userAgent: "cognito-scoped-api github-settings", log: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
  }

  async read(wanted: GithubSettings): Promise<LiveSettings> {
    const { owner, repo } = this;
    const { data: oidc } = await this.octokit.rest.actions.getCustomOidcSubClaimForRepo({ owner, repo });
    const environments: Record<string, LiveEnvironment | undefined> = {};
    for (const { name } of wanted.environments) environments[name] = await this.readEnvironment(name);
    return { oidc: { useDefault: oidc.use_default, claimKeys: oidc.include_claim_keys ?? [] }, environments };
  }

  private async readEnvironment(name: string): Promise<LiveEnvironment | undefined> {
    const { owner, repo } = this;
    let environment;
    try {
      environment = (await this.octokit.rest.repos.getEnvironment({ owner, repo, environment_name: name })).data;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
    const rule = environment.protection_rules?.find((candidate) => candidate.type === "required_reviewers") as
      | { prevent_self_review?: boolean; reviewers?: Array<{ type?: string; reviewer?: { login?: string; slug?: string } }> }
      | undefined;
    const reviewers = (rule?.reviewers ?? []).map((entry): Reviewer => (entry.type === "Team" ? { type: "Team", name: entry.reviewer?.slug ?? "" } : { type: "User", name: entry.reviewer?.login ?? "" }));
    const policy = environment.deployment_branch_policy ?? null;
    const branches = policy?.custom_branch_policies
      ? (await this.octokit.paginate(this.octokit.rest.repos.listDeploymentBranchPolicies, { owner, repo, environment_name: name, per_page: 100 })).map((branch) => ({
          name: branch.name ?? "",
          type: branch.type ?? "branch",
        }))
      : [];
    return {
      reviewers,
      preventSelfReview: rule?.prevent_self_review ?? false,
      branchPolicy: policy && { protectedBranches: policy.protected_branches, customBranchPolicies: policy.custom_branch_policies },
      branches,
    };
  }

  /** Sets the OIDC subject template, then each environment: its reviewers, self-review, and the deploy branch as its only branch policy. */
  async apply(wanted: GithubSettings, log: (line: string) => void): Promise<void> {
    const { owner, repo } = this;
    await this.octokit.rest.actions.setCustomOidcSubClaimForRepo({ owner, repo, use_default: false, include_claim_keys: [...wanted.oidcClaimKeys] });
    log(`OIDC subject template: ${wanted.oidcClaimKeys.join(", ")}`);
    for (const environment of wanted.environments) {
      const reviewers = [];
      for (const reviewer of environment.reviewers) {
        const id =
          reviewer.type === "Team"
            ? (await this.octokit.rest.teams.getByName({ org: owner, team_slug: reviewer.name })).data.id
            : (await this.octokit.rest.users.getByUsername({ username: reviewer.name })).data.id;
        reviewers.push({ type: reviewer.type, id });
      }
      await this.octokit.rest.repos.createOrUpdateEnvironment({
        owner,
        repo,
        environment_name: environment.name,
        reviewers,
        prevent_self_review: environment.preventSelfReview,
        deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
      });
      const existing = await this.octokit.paginate(this.octokit.rest.repos.listDeploymentBranchPolicies, { owner, repo, environment_name: environment.name, per_page: 100 });
      for (const policy of existing.filter((candidate) => !(candidate.name === environment.branch && (candidate.type ?? "branch") === "branch"))) {
        await this.octokit.rest.repos.deleteDeploymentBranchPolicy({ owner, repo, environment_name: environment.name, branch_policy_id: policy.id! });
      }
      if (!existing.some((candidate) => candidate.name === environment.branch && (candidate.type ?? "branch") === "branch")) {
        await this.octokit.rest.repos.createDeploymentBranchPolicy({ owner, repo, environment_name: environment.name, name: environment.branch, type: "branch" });
      }
      log(`environment '${environment.name}': ${environment.reviewers.length ? `reviewers ${environment.reviewers.map((reviewer) => reviewer.name).join(", ")}` : "no reviewers"}, deploys from ${environment.branch} only`);
    }
  }
}

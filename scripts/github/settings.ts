import { DEFAULT_DEPLOY_BRANCH, OIDC_SUBJECT_CLAIM_KEYS } from "../../stacks/bootstrap/github-oidc";
import type { BootstrapConfig } from "../../stacks/config";

/** A required reviewer: a team by its slug or a user by their login. */
export interface Reviewer {
  readonly type: "Team" | "User";
  readonly name: string;
}

/** One GitHub environment as the bootstrap roles' trust needs it. */
export interface EnvironmentSettings {
  readonly name: string;
  readonly reviewers: readonly Reviewer[];
  readonly preventSelfReview: boolean;
  /** The only branch that may deploy to it. */
  readonly branch: string;
}

/** The repository settings the roles' trust rests on. */
export interface GithubSettings {
  readonly oidcClaimKeys: readonly string[];
  readonly environments: readonly EnvironmentSettings[];
}

/** What the repository has, read through the REST API. */
export interface LiveSettings {
  readonly oidc: { readonly useDefault: boolean; readonly claimKeys: readonly string[] };
  /** Each wanted environment's settings; undefined where the environment does not exist. */
  readonly environments: Readonly<Record<string, LiveEnvironment | undefined>>;
}

export interface LiveEnvironment {
  readonly reviewers: readonly Reviewer[];
  readonly preventSelfReview: boolean;
  /** `deployment_branch_policy`: null when any branch may deploy. */
  readonly branchPolicy: { readonly protectedBranches: boolean; readonly customBranchPolicies: boolean } | null;
  /** The custom deployment branch (and tag) policies. */
  readonly branches: ReadonlyArray<{ readonly name: string; readonly type: string }>;
}

/** The settings the bootstrap configuration implies: every deploy environment deploys from the deploy branch only; approvals name its reviewers. */
export function wantedSettings(config: Pick<BootstrapConfig, "deployEnvironments" | "approvals" | "deployBranch">): GithubSettings {
  return {
    oidcClaimKeys: [...OIDC_SUBJECT_CLAIM_KEYS],
    environments: config.deployEnvironments.map((name) => {
      const approval = config.approvals?.[name];
      return {
        name,
        reviewers: [...(approval?.teams ?? []).map((team): Reviewer => ({ type: "Team", name: team })), ...(approval?.users ?? []).map((user): Reviewer => ({ type: "User", name: user }))],
        preventSelfReview: approval ? (approval.preventSelfReview ?? true) : false,
        branch: config.deployBranch ?? DEFAULT_DEPLOY_BRANCH,
      };
    }),
  };
}

const label = (reviewers: readonly Reviewer[]) => reviewers.map((reviewer) => `${reviewer.type.toLowerCase()} ${reviewer.name}`).sort().join(", ");

/** Every way the live settings differ from the wanted ones, one line each; empty when they agree. */
export function settingsDifferences(wanted: GithubSettings, live: LiveSettings): string[] {
  const differences: string[] = [];
  const keys = wanted.oidcClaimKeys.join(", ");
  if (live.oidc.useDefault) {
    differences.push(`OIDC subject template: the repository uses GitHub's default, so no subject carries the ref the roles trust (wanted claim keys ${keys})`);
  } else if (live.oidc.claimKeys.join(", ") !== keys) {
    differences.push(`OIDC subject template: claim keys ${live.oidc.claimKeys.join(", ") || "(none)"}, wanted ${keys} in this order`);
  }
  for (const environment of wanted.environments) {
    const at = `environment '${environment.name}'`;
    const current = live.environments[environment.name];
    if (!current) {
      differences.push(`${at} does not exist`);
      continue;
    }
    const wantedReviewers = label(environment.reviewers);
    const liveReviewers = label(current.reviewers);
    if (wantedReviewers !== liveReviewers) {
      if (!liveReviewers) differences.push(`${at} has no required reviewers rule: wanted ${wantedReviewers}`);
      else if (!wantedReviewers) differences.push(`${at} requires ${liveReviewers}; the configuration names no approval for it`);
      else differences.push(`${at} requires ${liveReviewers}, wanted ${wantedReviewers}`);
    }
    if (environment.preventSelfReview && current.reviewers.length && !current.preventSelfReview) differences.push(`${at} lets whoever started a deploy approve it: wanted prevent_self_review`);
    const only = `wanted ${environment.branch} only`;
    const policy = current.branchPolicy;
    if (!policy) differences.push(`${at} has no deployment branch policy: any branch may deploy to it, ${only}`);
    else if (policy.protectedBranches) differences.push(`${at} lets every protected branch deploy to it, ${only}`);
    else {
      const branches = current.branches.map((branch) => `${branch.type} ${branch.name}`);
      if (branches.join(", ") !== `branch ${environment.branch}`) differences.push(`${at} may be deployed from ${branches.join(", ") || "no branch"}, ${only}`);
    }
  }
  return differences;
}

import type { BootstrapConfig } from "../config";

export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/**
 * The claim keys of the repository's OIDC subject template (`npm run github -- setup` sets them):
 * the subject carries the job's environment (or event) and the ref it runs on, so a role can
 * require both, whatever the repository's environment settings say.
 */
export const OIDC_SUBJECT_CLAIM_KEYS = ["repo", "context", "ref"] as const;

export const DEFAULT_DEPLOY_BRANCH = "main";

/** The GitHub OIDC subjects each bootstrap role trusts: one exact subject each, or one pattern for pull requests. */
export function githubSubjects(config: Pick<BootstrapConfig, "githubRepository" | "oidcSubjectRepository" | "deployBranch">) {
  const repository = `repo:${config.oidcSubjectRepository ?? config.githubRepository}`;
  const branch = `refs/heads/${config.deployBranch ?? DEFAULT_DEPLOY_BRANCH}`;
  return {
    /** Any pull request's merge ref (a `pull_request` job has no environment). */
    pullRequest: `${repository}:pull_request:ref:refs/pull/*/merge`,
    /** A job on the deploy branch without an environment: main's plan before an approval. */
    deployBranch: `${repository}:ref:${branch}:ref:${branch}`,
    /** A job of the GitHub environment `environment` on the deploy branch. */
    environment: (environment: string) => `${repository}:environment:${environment}:ref:${branch}`,
  };
}

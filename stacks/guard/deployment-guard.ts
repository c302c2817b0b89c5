import type { BootstrapConfig, EnvironmentConfig } from "../config";
import { environmentSlug } from "../iam/deploy-environment";
import { dataStackName } from "../stack-names";
import { accountIdProblem, bucketNameProblem, githubRepositoryProblem, namePartProblem, regionProblem } from "./aws-names";
import type { GuardFinding } from "./guard-error";

/**
 * What no single environment can see: two environments with one name (one stack would overwrite
 * the other) or one hosted-UI domain prefix in a region (Cognito domains are unique per region
 * across all accounts, so the second apply fails).
 */
export function checkEnvironmentSet(configs: readonly EnvironmentConfig[]): GuardFinding[] {
  const findings: GuardFinding[] = [];
  const names = new Map<string, number>();
  const domains = new Map<string, string>();
  configs.forEach((config, index) => {
    const first = names.get(config.name);
    if (first !== undefined) {
      findings.push({ stack: config.name, at: `environments[${index}]`, field: "name", value: config.name, message: `environments[${first}] has this name too: each environment needs its own` });
    } else names.set(config.name, index);
    if (config.name === "bootstrap") findings.push({ stack: config.name, at: `environments[${index}]`, field: "name", value: config.name, message: "the bootstrap stack has this name" });
    const owner = configs.find((candidate) => dataStackName(candidate.name) === config.name);
    if (owner) findings.push({ stack: config.name, at: `environments[${index}]`, field: "name", value: config.name, message: `the data stack of environment '${owner.name}' has this name` });
    const nesting = configs.slice(0, index).find((earlier) => slugsNest(environmentSlug(earlier), environmentSlug(config)));
    if (nesting) {
      const [shorter, longer] = environmentSlug(nesting).length <= environmentSlug(config).length ? [nesting, config] : [config, nesting];
      findings.push({
        stack: longer.name,
        at: `environments[${configs.indexOf(longer)}]`,
        field: "name",
        value: longer.name,
        message: `its resource names (${environmentSlug(longer)}-...) start with environment '${shorter.name}''s (${environmentSlug(shorter)}-...): one environment's IAM wildcards would match the other's resources`,
      });
    }
    for (const field of ["api", "auth"] as const) {
      const name = config.domains?.[field];
      const user = name === undefined ? undefined : configs.slice(0, index).find((earlier) => earlier.domains?.api === name || earlier.domains?.auth === name);
      if (user) findings.push({ stack: config.name, at: "config.domains", field, value: name, message: `environment '${user.name}' uses this name too: each environment needs its own` });
    }
    if (config.auth.domainPrefix === undefined) return;
    const domainKey = `${config.region}/${config.auth.domainPrefix}`;
    const sharing = domains.get(domainKey);
    if (sharing !== undefined && sharing !== config.name) {
      findings.push({
        stack: config.name,
        at: "config.auth",
        field: "domainPrefix",
        value: config.auth.domainPrefix,
        message: `environment '${sharing}' uses it in ${config.region} too: a Cognito domain prefix is unique per region across every AWS account`,
      });
    } else domains.set(domainKey, config.name);
  });
  return findings;
}

/** Whether every `<a>-*` name pattern also matches `<b>-...` names, or the other way round. */
function slugsNest(a: string, b: string): boolean {
  return a !== b && (b.startsWith(`${a}-`) || a.startsWith(`${b}-`));
}

/** The bootstrap configuration, before its stack exists: every field the roles and the state bucket are built from. */
export function checkBootstrapConfig(stack: string, config: BootstrapConfig, environments: readonly EnvironmentConfig[]): GuardFinding[] {
  const findings: GuardFinding[] = [];
  const report = (field: string, value: unknown, message: string) => findings.push({ stack, at: "bootstrap", field, value, message });
  const regionIssue = regionProblem(String(config.region ?? ""));
  if (regionIssue) report("region", config.region, regionIssue);
  const accountIssue = accountIdProblem(String(config.accountId ?? ""));
  if (accountIssue) report("accountId", config.accountId, accountIssue);
  const prefixIssue = namePartProblem(config.namePrefix);
  if (prefixIssue) report("namePrefix", config.namePrefix, prefixIssue);
  const repositoryIssue = githubRepositoryProblem(String(config.githubRepository ?? ""));
  if (repositoryIssue) report("githubRepository", config.githubRepository, repositoryIssue);
  const bucketIssue = bucketNameProblem(String(config.stateBucket ?? ""));
  if (bucketIssue) report("stateBucket", config.stateBucket, `${bucketIssue} (and unique across all AWS accounts)`);

  if (config.deployBranch !== undefined && !/^(?!refs\/|-)[A-Za-z0-9._\/-]{1,255}$/.test(config.deployBranch)) {
    report("deployBranch", config.deployBranch, "a branch name such as main, without refs/heads/");
  }
  if (config.oidcSubjectRepository !== undefined && !/^[A-Za-z0-9-]+(?:@\d+)?\/[A-Za-z0-9._-]+(?:@\d+)?$/.test(config.oidcSubjectRepository)) {
    report("oidcSubjectRepository", config.oidcSubjectRepository, "owner/name, or owner@<owner id>/name@<repository id> for immutable subject claims");
  }
  const approvals = config.approvals ?? {};
  for (const name of config.pullRequestEnvironments ?? []) {
    if (!config.deployEnvironments.includes(name)) report("pullRequestEnvironments", name, "not in deployEnvironments: pull requests can only plan a deployed environment");
    else if (Object.hasOwn(approvals, name)) report("pullRequestEnvironments", name, "this environment needs an approval to deploy: pull requests, which run their own code, may not read its state");
  }
  for (const [name, approval] of Object.entries(approvals)) {
    if (!config.deployEnvironments.includes(name)) {
      report("approvals", name, "not in deployEnvironments: only a deployed environment has a GitHub environment to approve");
      continue;
    }
    const reviewers = (approval.teams?.length ?? 0) + (approval.users?.length ?? 0);
    if (reviewers < 1 || reviewers > 6) report(`approvals.${name}`, approval, "1 to 6 teams and users in all (GitHub's limit of required reviewers)");
    for (const user of approval.users ?? []) {
      if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(user)) report(`approvals.${name}.users`, user, "a GitHub user login: letters, digits and hyphens");
    }
    for (const team of approval.teams ?? []) {
      if (!/^[a-z0-9][a-z0-9_-]*$/.test(team)) report(`approvals.${name}.teams`, team, "the team's slug in the repository's organization, for example platform-leads");
    }
  }

  const seen = new Set<string>();
  for (const name of config.deployEnvironments) {
    if (seen.has(name)) report("deployEnvironments", name, "listed twice");
    seen.add(name);
    const environment = environments.find((candidate) => candidate.name === name);
    if (!environment) {
      report("deployEnvironments", name, `no environment is named '${name}' (environments: ${environments.map((candidate) => candidate.name).join(", ") || "none"})`);
    } else if (!accountIssue && environment.accountId !== config.accountId) {
      report("deployEnvironments", name, `environment '${name}' is in account ${environment.accountId}, the bootstrap in ${config.accountId}: its apply role could never reach it; bootstrap that account separately`);
    }
  }
  return findings;
}

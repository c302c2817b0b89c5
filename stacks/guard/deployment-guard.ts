import type { BootstrapConfig, EnvironmentConfig } from "../config";
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

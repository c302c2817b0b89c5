import { Construct } from "constructs";
import { LocalBackend, TerraformOutput } from "cdktf";
import type { BootstrapConfig, EnvironmentConfig } from "../config";
import { checkBootstrapConfig } from "../guard/deployment-guard";
import { GuardError } from "../guard/guard-error";
import { CheckedStack } from "../policy/checked-stack";
import { localStatePath } from "../state/backend";
import { configureAwsProvider } from "../state/provider";
import { ApiGatewayLoggingRole } from "./api-gateway-logging-role";
import { bootstrapRoleNames, GithubDeployRoles } from "./github-deploy-roles";
import { StateBucket } from "./state-bucket";

/**
 * Applied once per account by an administrator, before the first deploy: the state bucket, the
 * GitHub OIDC provider, two plan roles and one apply role per deploy environment with its
 * functions' permissions boundary, and API Gateway's logging role. Its own state stays local (it
 * creates the bucket); keep that file safe or migrate it into the bucket.
 */
export class BootstrapStack extends CheckedStack {
  readonly stateBucket: StateBucket;
  readonly roles: GithubDeployRoles;

  /** @throws GuardError listing every misconfiguration of `config`, before any resource exists */
  constructor(scope: Construct, id: string, config: BootstrapConfig, environments: readonly EnvironmentConfig[]) {
    super(scope, id);
    const misconfigurations = checkBootstrapConfig(id, config, environments);
    if (misconfigurations.length) throw new GuardError(misconfigurations);
    const deployed = config.deployEnvironments.map((name) => environments.find((environment) => environment.name === name)!);
    configureAwsProvider(this, config);
    new LocalBackend(this, { path: localStatePath(id) });

    this.stateBucket = new StateBucket(this, "state", config.stateBucket);
    this.roles = new GithubDeployRoles(this, "github", { config, environments: deployed, stateBucketName: config.stateBucket });
    new ApiGatewayLoggingRole(this, "api-gateway-logging", bootstrapRoleNames(config).logging);

    const outputs: Record<string, { value: string; description: string }> = {
      state_bucket: { value: this.stateBucket.bucket.bucket, description: "STATE_BUCKET for the app stacks" },
      state_region: { value: config.region, description: "STATE_REGION for the app stacks" },
      pull_request_plan_role_arn: { value: this.roles.pullRequestPlanRole.arn, description: "PULL_REQUEST_PLAN_ROLE_ARN: reads the state of the pull-request environments, nothing else" },
      main_plan_role_arn: { value: this.roles.mainPlanRole.arn, description: "MAIN_PLAN_ROLE_ARN: read-only, plans every environment on the deploy branch before its approval" },
    };
    for (const [environment, role] of this.roles.applyRoles) {
      outputs[`apply_role_arn_${environment}`] = { value: role.arn, description: `APPLY_ROLE_ARN of the GitHub environment '${environment}'` };
    }
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}

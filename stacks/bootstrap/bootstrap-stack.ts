import { Construct } from "constructs";
import { LocalBackend, TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { BootstrapConfig } from "../config";
import { CheckedStack } from "../policy/checked-stack";
import { ApiGatewayLoggingRole } from "./api-gateway-logging-role";
import { GithubDeployRoles } from "./github-deploy-roles";
import { StateBucket } from "./state-bucket";

/**
 * Applied once per account by an administrator, before the first deploy: the state bucket, the
 * GitHub OIDC provider and the plan and apply roles, and API Gateway's logging role. Its own
 * state stays local (it creates the bucket); keep that file safe or migrate it into the bucket.
 */
export class BootstrapStack extends CheckedStack {
  readonly stateBucket: StateBucket;
  readonly roles: GithubDeployRoles;

  constructor(scope: Construct, id: string, config: BootstrapConfig) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: config.region, defaultTags: config.tags ? [{ tags: { ...config.tags } }] : undefined });
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });

    this.stateBucket = new StateBucket(this, "state", config.stateBucket);
    this.roles = new GithubDeployRoles(this, "github", { config, stateBucketArn: this.stateBucket.bucket.arn });
    new ApiGatewayLoggingRole(this, "api-gateway-logging", `${config.namePrefix}-apigateway-cloudwatch`);

    const outputs: Record<string, { value: string; description: string }> = {
      state_bucket: { value: this.stateBucket.bucket.bucket, description: "STATE_BUCKET for the app stacks" },
      state_region: { value: config.region, description: "STATE_REGION for the app stacks" },
      plan_role_arn: { value: this.roles.planRole.arn, description: "PLAN_ROLE_ARN: read-only, for pull requests" },
      apply_role_arn: { value: this.roles.applyRole.arn, description: "APPLY_ROLE_ARN: for main and the deploy environments" },
    };
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}

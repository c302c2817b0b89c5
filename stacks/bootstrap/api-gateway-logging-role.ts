import { Construct } from "constructs";
import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { policyDocument, serviceTrustPolicy } from "../iam/policy-document";
import { suppress } from "../suppressions";

/**
 * The account-level role API Gateway writes access and execution logs with; without it a stage
 * with logging fails to deploy (docs/aws-facts.md §3). Once per account and region.
 */
export class ApiGatewayLoggingRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, roleName: string) {
    super(scope, id);
    this.role = new IamRole(this, "role", { name: roleName, assumeRolePolicy: serviceTrustPolicy("apigateway.amazonaws.com") });
    // What AmazonAPIGatewayPushToCloudWatchLogs grants, inline instead of AWS-managed (IAM4).
    const policy = new IamRolePolicy(this, "policy", {
      name: "push-to-cloudwatch-logs",
      role: this.role.id,
      policy: policyDocument([
        {
          actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents", "logs:GetLogEvents", "logs:FilterLogEvents"],
          resources: ["*"],
        },
      ]),
    });
    suppress(policy, {
      ruleId: "IAM5",
      reason: "API Gateway writes to log groups it names at run time for every API and stage of the account",
      appliesTo: ["Resource::*"],
    });
    // Provider v6 resets the region's API Gateway account settings when this resource is destroyed
    // (its reset_on_delete was removed), which breaks logging of every stage in the region.
    new ApiGatewayAccount(this, "account", { cloudwatchRoleArn: this.role.arn, dependsOn: [policy], lifecycle: { preventDestroy: true } });
  }
}

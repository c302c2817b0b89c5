import { createHash } from "node:crypto";
import { Construct } from "constructs";
import { Fn, Lazy, TerraformStack, type IResolveContext, type TerraformResource } from "cdktf";
import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { ApiConfig } from "../config";
import { CheckedStack } from "../policy/checked-stack";

export interface ApiStageProps {
  readonly restApiId: string;
  readonly apiName: string;
  readonly api: ApiConfig;
  /** Everything the deployment snapshots: resources, methods, integrations, authorizer, gateway responses. */
  readonly members: readonly TerraformResource[];
}

/** One JSON object per request; the authorizer fields say why a call got 401. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  status: "$context.status",
  responseLength: "$context.responseLength",
  integrationLatency: "$context.integrationLatency",
  errorMessage: "$context.error.message",
  errorType: "$context.error.responseType",
  authorizerError: "$context.authorizer.error",
  clientId: "$context.authorizer.claims.client_id",
  sub: "$context.authorizer.claims.sub",
});

/**
 * Hash of the full synthesized configuration of every member: any change to a method's scopes,
 * an integration or a gateway response gives a new deployment (docs/aws-facts.md §3).
 */
export function configurationHash(members: readonly TerraformResource[], context: IResolveContext): string {
  const hash = createHash("sha256");
  for (const member of members) {
    // Resolved by the same preparing pass already, when the member comes before the deployment
    const stack = TerraformStack.of(member);
    const prepared = stack instanceof CheckedStack ? stack.preparedFragment(member) : undefined;
    hash.update(JSON.stringify(prepared ?? context.resolve(member.toTerraform())));
  }
  return hash.digest("hex");
}

/**
 * What only apply knows, hashed by Terraform itself (the provider docs' `sha1(jsonencode([...]))`
 * pattern): every member's id, every integration's target (a renamed or replaced function's ARN)
 * and the authorizer's user pools (a replaced pool's ARN). The configuration hash sees these only
 * as `${...}` text, so without this a replaced function or pool would leave the stage serving the
 * old one.
 */
export function referencesHash(members: readonly TerraformResource[]): string {
  const values: unknown[] = [];
  for (const member of members) {
    values.push(member.getStringAttribute("id"));
    if (member instanceof ApiGatewayIntegration) values.push(member.uri);
    if (member instanceof ApiGatewayAuthorizer) values.push(member.providerArns);
  }
  return Fn.sha1(Fn.jsonencode(values));
}

/** Deployment, stage, access and execution logs, throttling and metrics. */
export class ApiStage extends Construct {
  readonly deployment: ApiGatewayDeployment;
  readonly stage: ApiGatewayStage;
  readonly accessLogGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: ApiStageProps) {
    super(scope, id);
    const { api } = props;

    this.deployment = new ApiGatewayDeployment(this, "deployment", {
      restApiId: props.restApiId,
      description: "Managed by cdktf: redeployed when its triggers change",
      triggers: {
        // Computed once: CheckedStack keeps what cdktf's preparing pass resolves (so the same in both passes).
        configuration: Lazy.stringValue({ produce: (context) => configurationHash(props.members, context) }),
        references: referencesHash(props.members),
      },
      // The references hash names every member, so Terraform creates the deployment after them.
      lifecycle: { createBeforeDestroy: true },
    });

    this.accessLogGroup = new CloudwatchLogGroup(this, "access-logs", {
      name: `/aws/apigateway/${props.apiName}/${api.stageName}/access`,
      retentionInDays: api.accessLogRetentionDays,
    });
    // API Gateway creates this group itself, with no retention, unless it exists first.
    const executionLogGroup = new CloudwatchLogGroup(this, "execution-logs", {
      name: `API-Gateway-Execution-Logs_${props.restApiId}/${api.stageName}`,
      retentionInDays: api.accessLogRetentionDays,
    });

    this.stage = new ApiGatewayStage(this, "stage", {
      restApiId: props.restApiId,
      deploymentId: this.deployment.id,
      stageName: api.stageName,
      xrayTracingEnabled: true,
      accessLogSettings: { destinationArn: this.accessLogGroup.arn, format: ACCESS_LOG_FORMAT },
      dependsOn: [executionLogGroup],
    });

    new ApiGatewayMethodSettings(this, "method-settings", {
      restApiId: props.restApiId,
      stageName: this.stage.stageName,
      methodPath: "*/*",
      settings: {
        metricsEnabled: true,
        loggingLevel: api.loggingLevel ?? "ERROR",
        dataTraceEnabled: false,
        throttlingBurstLimit: api.throttling.burstLimit,
        throttlingRateLimit: api.throttling.rateLimit,
      },
    });
  }
}

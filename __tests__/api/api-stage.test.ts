import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { environments } from "../../environments";
import { ACCESS_LOG_FORMAT } from "../../stacks/api/api-stage";
import { notesRoutes, type Route } from "../../stacks/api/routes";
import { configsOf, referenceTo, synthNotesStack } from "../helpers/stacks";

const dev = synthNotesStack();

function deploymentTrigger(routes: readonly Route[] = notesRoutes, corsAllowedOrigins?: string[]): string {
  const config = corsAllowedOrigins
    ? { ...environments.dev, api: { ...environments.dev.api, corsAllowedOrigins } }
    : environments.dev;
  const [deployment] = configsOf(synthNotesStack({ routes, config }).json, "aws_api_gateway_deployment");
  return deployment!.triggers.configuration;
}

describe("ApiStage", () => {
  test("the deployment is replaced before it is destroyed", () => {
    expect(dev.synthesized).toHaveResourceWithProperties(ApiGatewayDeployment, {
      lifecycle: { create_before_destroy: true },
    });
  });

  test("the deployment's references trigger hashes, in Terraform, every member's id, every integration's target and the authorizer's pools", () => {
    const [deployment] = configsOf(dev.json, "aws_api_gateway_deployment");
    const references: string = deployment!.triggers.references;
    expect(references).toMatch(/^\$\{sha1\(jsonencode\(\[.*\]\)\)\}$/);
    for (const type of ["aws_api_gateway_resource", "aws_api_gateway_method", "aws_api_gateway_integration", "aws_api_gateway_gateway_response", "aws_api_gateway_authorizer"]) {
      const names = Object.keys(dev.json.resource?.[type] ?? {});
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(references).toContain(`${type}.${name}.id`);
    }
    for (const name of Object.keys(dev.json.resource!.aws_api_gateway_integration!)) expect(references).toContain(`aws_api_gateway_integration.${name}.uri`);
    expect(references).toContain(`tolist(aws_api_gateway_authorizer.${Object.keys(dev.json.resource!.aws_api_gateway_authorizer!)[0]}.provider_arns)`);
  });

  describe("deployment triggers", () => {
    const baseline = deploymentTrigger();

    test("are the same for the same routes", () => {
      expect(deploymentTrigger()).toBe(baseline);
      expect(baseline).toMatch(/^[0-9a-f]{64}$/);
    });

    test("change when a route's scopes change", () => {
      const changed = notesRoutes.map((route) => (route.path === "/notes" && route.method === "GET" ? { ...route, scopes: ["notes.write"] } : route));
      expect(deploymentTrigger(changed)).not.toBe(baseline);
    });

    test("change when a route is removed", () => {
      expect(deploymentTrigger(notesRoutes.filter((route) => route.method !== "DELETE"))).not.toBe(baseline);
    });

    test("change when a route becomes public", () => {
      const opened = notesRoutes.map((route) => (route.path === "/me" ? { ...route, scopes: undefined, public: "made public by this test" } : route));
      expect(deploymentTrigger(opened)).not.toBe(baseline);
    });

    test("change when the CORS origins (preflights and gateway responses) change", () => {
      expect(deploymentTrigger(notesRoutes, ["https://other.example.com"])).not.toBe(baseline);
    });
  });

  test("the stage writes JSON access logs to a log group with retention and traces with X-Ray", () => {
    const accessLogs = referenceTo(dev.json, "aws_cloudwatch_log_group", "name", "/aws/apigateway/notes-dev-api/dev/access", "arn");
    expect(dev.synthesized).toHaveResourceWithProperties(ApiGatewayStage, {
      stage_name: "dev",
      xray_tracing_enabled: true,
      deployment_id: referenceTo(dev.json, "aws_api_gateway_deployment", "description", configsOf(dev.json, "aws_api_gateway_deployment")[0]!.description, "id"),
      access_log_settings: { destination_arn: accessLogs, format: ACCESS_LOG_FORMAT },
    });
    expect(JSON.parse(ACCESS_LOG_FORMAT)).toMatchObject({ requestId: "$context.requestId", status: "$context.status", authorizerError: "$context.authorizer.error" });
    expect(dev.synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/apigateway/notes-dev-api/dev/access",
      retention_in_days: environments.dev.api.accessLogRetentionDays,
    });
  });

  test("the execution log group exists with retention before the stage", () => {
    const group = configsOf(dev.json, "aws_cloudwatch_log_group").find((config) => String(config.name).startsWith("API-Gateway-Execution-Logs_"));
    expect(group?.name).toMatch(/^API-Gateway-Execution-Logs_\$\{aws_api_gateway_rest_api\.[^.]+\.id\}\/dev$/);
    expect(group?.retention_in_days).toBe(14);
  });

  test.each(["dev", "prod"] as const)("%s method settings throttle, log and emit metrics as configured", (environment) => {
    const stack = environment === "dev" ? dev : synthNotesStack({}, environment);
    const { throttling, loggingLevel } = environments[environment].api;
    expect(stack.synthesized).toHaveResourceWithProperties(ApiGatewayMethodSettings, {
      method_path: "*/*",
      settings: {
        metrics_enabled: true,
        logging_level: loggingLevel,
        data_trace_enabled: false,
        throttling_burst_limit: throttling.burstLimit,
        throttling_rate_limit: throttling.rateLimit,
      },
    });
  });
});

import * as fs from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Authorizer } from "@cdktf/provider-aws/lib/apigatewayv2-authorizer";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { environments } from "../../environments";
import { executionArnPath } from "../../stacks/api/route-paths";
import { notesRoutes } from "../../stacks/api/routes";
import { HTTP_ACCESS_LOG_FORMAT } from "../../stacks/api/scoped-http-api";
import { NotesApiStack } from "../../stacks/notes-api-stack";
import { isBlocking } from "../../stacks/policy/policy-aspect";
import { sharedSynth } from "../helpers/local-stack";
import { configsOf, findResource, referenceTo, synthNotesStack } from "../helpers/stacks";

// The devhttp environment: the same route table, scopes and clients as dev, as an HTTP API with a JWT authorizer.
const config = environments.devhttp;
const identifier = config.auth.resourceServerIdentifier;
const http = synthNotesStack({}, "devhttp");
const routes = configsOf(http.json, "aws_apigatewayv2_route");
const apiId = referenceTo(http.json, "aws_apigatewayv2_api", "name", "notes-devhttp-api", "id");
const routeOf = (method: string, path: string) => findResource(http.json, "aws_apigatewayv2_route", "route_key", `${method} ${path}`);

describe("ScopedHttpApi (flavour http-jwt)", () => {
  test("is an HTTP API whose CORS configuration answers preflights for the environment's origins", () => {
    expect(http.synthesized).toHaveResourceWithProperties(Apigatewayv2Api, {
      name: "notes-devhttp-api",
      protocol_type: "HTTP",
      cors_configuration: { allow_origins: config.api.corsAllowedOrigins, allow_methods: ["DELETE", "GET", "POST", "PUT"], allow_headers: ["authorization", "content-type"], max_age: 600 },
    });
    expect(configsOf(http.json, "aws_api_gateway_rest_api")).toEqual([]);
    expect(configsOf(http.json, "aws_api_gateway_method")).toEqual([]);
  });

  test("has one JWT authorizer: the pool's issuer, and every app client of the pool as its audience (through remote state)", () => {
    expect(configsOf(http.json, "aws_apigatewayv2_authorizer")).toHaveLength(1);
    const [remoteState] = Object.keys(http.json.data!.terraform_remote_state!);
    const outputs = http.data.json.output as Record<string, { value: string }>;
    const exported = (type: string, name: string) => {
      const reference = referenceTo(http.data.json, type, "name", name, "id");
      const output = Object.keys(outputs).find((key) => outputs[key]!.value === reference);
      expect(output).toBeDefined();
      return `\${data.terraform_remote_state.${remoteState}.outputs.${output}}`;
    };
    expect(http.synthesized).toHaveResourceWithProperties(Apigatewayv2Authorizer, {
      api_id: apiId,
      authorizer_type: "JWT",
      identity_sources: ["$request.header.Authorization"],
      jwt_configuration: {
        issuer: `https://cognito-idp.${config.region}.amazonaws.com/${exported("aws_cognito_user_pool", "notes-devhttp-users")}`,
        audience: [exported("aws_cognito_user_pool_client", "notes-devhttp-web"), exported("aws_cognito_user_pool_client", "notes-devhttp-reporting")],
      },
    });
  });

  test.each(notesRoutes.filter((route) => !route.public))("$method $path takes only tokens holding one of its scopes", (route) => {
    const resource = routeOf(route.method, route.path);
    expect(resource.authorization_type).toBe("JWT");
    expect(resource.authorizer_id).toBe(referenceTo(http.json, "aws_apigatewayv2_authorizer", "authorizer_type", "JWT", "id"));
    expect(resource.authorization_scopes).toEqual(route.scopes!.map((scope) => `${identifier}/${scope}`));
  });

  test("GET /health is the only route without the authorizer, and every other route lists scopes", () => {
    expect(routes.filter((route) => route.authorization_type !== "JWT").map((route) => route.route_key)).toEqual(["GET /health"]);
    expect(routes).toHaveLength(notesRoutes.length);
    expect(routes.filter((route) => route.authorization_type === "JWT").every((route) => route.authorization_scopes?.length > 0)).toBe(true);
  });

  test.each(notesRoutes)("$method $path reaches its function through a Lambda proxy integration, payload 2.0, by name", (route) => {
    const target = /^integrations\/\$\{aws_apigatewayv2_integration\.([^.]+)\.id\}$/.exec(routeOf(route.method, route.path).target)![1]!;
    const integration = http.json.resource!.aws_apigatewayv2_integration![target]!;
    const functionName = `notes-devhttp-${route.handler.replace(/\//g, "-")}`;
    expect(integration).toMatchObject({ api_id: apiId, integration_type: "AWS_PROXY", integration_method: "POST", payload_format_version: "2.0", integration_uri: `arn:aws:lambda:${config.region}:${config.accountId}:function:${functionName}` });
  });

  test("the same zips as the REST flavour: a handler's code does not depend on the flavour", () => {
    // dev's stack as the project's synth wrote it (the tests' shared synth), not synthesized again here
    const dev = JSON.parse(fs.readFileSync(path.join(sharedSynth().outdir, "stacks", "dev", "cdk.tf.json"), "utf8")) as typeof http.json;
    const hashes = (json: typeof http.json) => configsOf(json, "aws_lambda_function").map((fn) => fn.source_code_hash).sort();
    expect(hashes(http.json)).toHaveLength(notesRoutes.length);
    expect(hashes(http.json)).toEqual(hashes(dev));
    expect(http.synthesized).toHaveResource(Apigatewayv2Integration);
  });

  test("the stage deploys every change by itself, logs every request as JSON and throttles every route", () => {
    expect(http.synthesized).toHaveResourceWithProperties(Apigatewayv2Stage, {
      api_id: apiId,
      name: config.api.stageName,
      auto_deploy: true,
      access_log_settings: { destination_arn: referenceTo(http.json, "aws_cloudwatch_log_group", "name", `/aws/apigateway/notes-devhttp-api/${config.api.stageName}/access`, "arn"), format: HTTP_ACCESS_LOG_FORMAT },
      default_route_settings: { throttling_burst_limit: config.api.throttling.burstLimit, throttling_rate_limit: config.api.throttling.rateLimit, detailed_metrics_enabled: true },
    });
    expect(JSON.parse(HTTP_ACCESS_LOG_FORMAT)).toMatchObject({ authorizerError: "$context.authorizer.error", routeKey: "$context.routeKey", status: "$context.status" });
    expect(findResource(http.json, "aws_cloudwatch_log_group", "name", `/aws/apigateway/notes-devhttp-api/${config.api.stageName}/access`).retention_in_days).toBe(config.api.accessLogRetentionDays);
  });

  test("the access log group and the invoke permissions have the REST flavour's Terraform addresses: a flavour switch updates them in place", () => {
    const dev = JSON.parse(fs.readFileSync(path.join(sharedSynth().outdir, "stacks", "dev", "cdk.tf.json"), "utf8")) as typeof http.json;
    const addressOf = (json: typeof http.json, environment: string) =>
      Object.entries(json.resource!.aws_cloudwatch_log_group!).find(([, group]) => group.name === `/aws/apigateway/notes-${environment}-api/${config.api.stageName}/access`)![0];
    expect(addressOf(http.json, "devhttp")).toBe(addressOf(dev, "dev"));
    expect(Object.keys(http.json.resource!.aws_lambda_permission!).sort()).toEqual(Object.keys(dev.resource!.aws_lambda_permission!).sort());
  });

  test.each(notesRoutes)("only this API's stage, method and path may invoke the function of $method $path", (route) => {
    const functionName = `notes-devhttp-${route.handler.replace(/\//g, "-")}`;
    const permission = configsOf(http.json, "aws_lambda_permission").find((candidate) => candidate.function_name === referenceTo(http.json, "aws_lambda_function", "function_name", functionName, "function_name"));
    expect(permission).toMatchObject({
      principal: "apigateway.amazonaws.com",
      action: "lambda:InvokeFunction",
      source_arn: `\${aws_apigatewayv2_api.${apiId.split(".")[1]}.execution_arn}/${config.api.stageName}/${route.method}/${executionArnPath(route.path)}`,
    });
  });

  test("the api_url output is the stage's invoke URL", () => {
    expect((http.json.output as Record<string, { value: string }>).api_url!.value).toBe(referenceTo(http.json, "aws_apigatewayv2_stage", "name", config.api.stageName, "invoke_url"));
  });

  test("passes the policy pack: its suppressions are the public route's and the opt-outs'", () => {
    const findings = http.stack.policy.evaluate(http.stack);
    expect(findings.filter(isBlocking)).toEqual([]);
    expect(findings.filter((finding) => finding.suppressedBecause !== undefined).map((finding) => [finding.ruleId, finding.path])).toEqual(
      expect.arrayContaining([
        ["APIG4", "devhttp/api/route_GET_health"],
        ["OPS-ALARMS", "devhttp/api/stage/stage"],
      ]),
    );
    expect(findings.filter((finding) => finding.ruleId === "APIG3")).toEqual([]);
  });
});

describe("ScopedHttpApi: what the policy pack refuses on an HTTP API", () => {
  test("a JWT route without scopes (APIG-SCOPES), an open route (APIG4), a stage without access logs (APIG1) or throttling (APIG-THROTTLE)", () => {
    // GIVEN a devhttp stack (not synthesized yet) edited through escape hatches, as a careless change would
    const stack = new NotesApiStack(Testing.app(), "devhttp", { config, env: {} });
    // Any element with addOverride: under the cdktn exit, the provider's classes extend its own copy of TerraformElement.
    const resourceAt = (path: string) => {
      const found = stack.node.findAll().find((node) => node.node.path === path) as { addOverride?: unknown } | undefined;
      if (typeof found?.addOverride !== "function") throw new Error(`no resource at ${path}`);
      return found as { addOverride(path: string, value: unknown): void };
    };
    resourceAt("devhttp/api/route_GET_notes").addOverride("authorization_scopes", null);
    resourceAt("devhttp/api/route_GET_me").addOverride("authorization_type", "NONE");
    resourceAt("devhttp/api/stage/stage").addOverride("access_log_settings", null);
    resourceAt("devhttp/api/stage/stage").addOverride("default_route_settings.throttling_burst_limit", 0);
    // WHEN the policy pack checks it
    const found = stack.policy.evaluate(stack).filter(isBlocking).map((finding) => [finding.ruleId, finding.path]);
    // THEN each edit is an error at its resource
    expect(found).toEqual(
      expect.arrayContaining([
        ["APIG-SCOPES", "devhttp/api/route_GET_notes"],
        ["APIG4", "devhttp/api/route_GET_me"],
        ["APIG1", "devhttp/api/stage/stage"],
        ["APIG-THROTTLE", "devhttp/api/stage/stage"],
      ]),
    );
  });
});

describe("ScopedHttpApi: production operations on an HTTP API", () => {
  const production = synthNotesStack(
    { config: { ...config, domains: { hostedZoneId: "Z0EXAMPLE0NOTES0ZONE", api: "api.devhttp.example.com" }, monitoring: { emails: ["oncall@example.com"] } } },
    "devhttp",
  );
  const stageName = config.api.stageName;

  test("a custom domain is an apigatewayv2 domain (regional, TLS 1.2) mapped to the stage, with A and AAAA aliases", () => {
    const domain = findResource(production.json, "aws_apigatewayv2_domain_name", "domain_name", "api.devhttp.example.com");
    expect(domain.domain_name_configuration).toMatchObject({ endpoint_type: "REGIONAL", security_policy: "TLS_1_2" });
    expect(configsOf(production.json, "aws_apigatewayv2_api_mapping")).toEqual([
      expect.objectContaining({ api_id: apiId, stage: referenceTo(production.json, "aws_apigatewayv2_stage", "name", stageName, "name"), domain_name: referenceTo(production.json, "aws_apigatewayv2_domain_name", "domain_name", "api.devhttp.example.com", "domain_name") }),
    ]);
    expect(configsOf(production.json, "aws_api_gateway_domain_name")).toEqual([]);
    const aliases = configsOf(production.json, "aws_route53_record").filter((record) => record.name === "api.devhttp.example.com");
    expect(aliases.map((record) => record.type).sort()).toEqual(["A", "AAAA"]);
    for (const record of aliases) expect(record.alias.name).toMatch(/^\$\{aws_apigatewayv2_domain_name\..+\.domain_name_configuration\[0\]\.target_domain_name\}$/);
    expect((production.json.output as Record<string, { value: string }>).api_url!.value).toBe("https://${aws_apigatewayv2_domain_name." + Object.keys(production.json.resource!.aws_apigatewayv2_domain_name!)[0] + ".domain_name}");
  });

  test("its alarms read the HTTP API's metrics (5xx, 4xx by ApiId and Stage), and the policy pack sees the stage watched", () => {
    const alarms = configsOf(production.json, "aws_cloudwatch_metric_alarm").filter((alarm) => alarm.alarm_name.startsWith("notes-devhttp-api-"));
    expect(alarms.map((alarm) => alarm.alarm_name).sort()).toEqual([`notes-devhttp-api-${stageName}-4xx-rate`, `notes-devhttp-api-${stageName}-5xx-rate`, `notes-devhttp-api-${stageName}-latency-p99`]);
    const metrics = alarms.flatMap((alarm) => alarm.metric_query.filter((query: { metric?: unknown }) => query.metric).map((query: { metric: { metric_name: string; dimensions: Record<string, string> } }) => query.metric));
    expect(new Set(metrics.map((metric) => metric.metric_name))).toEqual(new Set(["5xx", "4xx", "Count", "Latency"]));
    for (const metric of metrics) expect(metric.dimensions).toEqual({ ApiId: apiId, Stage: stageName });
    expect(production.stack.policy.evaluate(production.stack).filter(isBlocking)).toEqual([]);
    const dashboard = JSON.parse(configsOf(production.json, "aws_cloudwatch_dashboard")[0]!.dashboard_body);
    const routeWidget = dashboard.widgets.find((widget: { properties: { title?: string } }) => widget.properties.title === "GET /notes");
    expect(routeWidget.properties.metrics[1]).toEqual(["AWS/ApiGateway", "4xx", "ApiId", apiId, "Route", "GET /notes", "Stage", stageName, { stat: "Sum", label: "4XX" }]);
  });
});

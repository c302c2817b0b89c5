import * as fs from "node:fs";
import * as path from "node:path";
import { COMPLIANT, NOT_APPLICABLE, type PolicyRule, type ResourceView, type StackView } from "../../stacks/policy/rule";
import { policyRules } from "../../stacks/policy/rules";
import { APIG1 } from "../../stacks/policy/rules/api-stage-access-logging";
import { APIG4 } from "../../stacks/policy/rules/method-authorization";
import { APIG6 } from "../../stacks/policy/rules/api-stage-execution-logging";
import { APIG_DEPLOY } from "../../stacks/policy/rules/deployment-create-before-destroy";
import { APIG_SCOPES } from "../../stacks/policy/rules/method-scopes";
import { APIG_THROTTLE } from "../../stacks/policy/rules/api-stage-throttling";
import { COG1 } from "../../stacks/policy/rules/user-pool-password-policy";
import { COG2 } from "../../stacks/policy/rules/user-pool-mfa";
import { COG_EMAIL } from "../../stacks/policy/rules/user-pool-email-sender";
import { IAM4 } from "../../stacks/policy/rules/managed-policies";
import { IAM5 } from "../../stacks/policy/rules/policy-wildcards";
import { L1 } from "../../stacks/policy/rules/lambda-runtime";
import { LAMBDA_LIMITS } from "../../stacks/policy/rules/lambda-limits";
import { LAMBDA_PERMISSION } from "../../stacks/policy/rules/lambda-permission";
import { LAMBDA_TRACING } from "../../stacks/policy/rules/lambda-tracing";
import { LOGS_RETENTION } from "../../stacks/policy/rules/logs-retention";
import { OPS_ALARM_ACTIONS } from "../../stacks/policy/rules/alarm-actions";
import { OPS_ALARMS } from "../../stacks/policy/rules/alarms-present";
import { APIG3 } from "../../stacks/policy/rules/api-stage-waf";
import { COG_WAF } from "../../stacks/policy/rules/user-pool-waf";

const view = (type: string, config: Record<string, unknown>, name = "subject"): ResourceView => ({ type, name, path: `test/${name}`, config });
const stackOf = (...resources: ResourceView[]): StackView => ({ resources: (type) => resources.filter((resource) => resource.type === type) });
const noStack = stackOf();

const stage = view("aws_api_gateway_stage", { stage_name: "dev", rest_api_id: "${aws_api_gateway_rest_api.api.id}", access_log_settings: { destination_arn: "arn", format: "{}" } });
const settings = (values: Record<string, unknown>) =>
  view("aws_api_gateway_method_settings", { method_path: "*/*", stage_name: "${aws_api_gateway_stage.subject.stage_name}", settings: values }, "settings");
const goodSettings = settings({ logging_level: "ERROR", metrics_enabled: true, throttling_burst_limit: 10, throttling_rate_limit: 5 });
const policyDocument = (statement: object) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", ...statement }] });
const goodPassword = { minimum_length: 12, require_lowercase: true, require_uppercase: true, require_numbers: true, require_symbols: true };
const lambda = { runtime: "nodejs24.x", memory_size: 256, timeout: 10, tracing_config: { mode: "Active" } };

/** [rule, compliant resource, stack for it, non-compliant resource, stack for it, a detail the finding names] */
const cases: Array<[PolicyRule, ResourceView, StackView, ResourceView, StackView, string | undefined]> = [
  [APIG1, stage, noStack, view("aws_api_gateway_stage", { stage_name: "dev" }), noStack, undefined],
  [APIG4, view("aws_api_gateway_method", { http_method: "GET", authorization: "COGNITO_USER_POOLS" }), noStack, view("aws_api_gateway_method", { http_method: "GET", authorization: "NONE" }), noStack, undefined],
  [APIG6, stage, stackOf(stage, goodSettings), stage, stackOf(stage, settings({ logging_level: "OFF", metrics_enabled: true })), undefined],
  [APIG_DEPLOY, view("aws_api_gateway_deployment", { lifecycle: { create_before_destroy: true } }), noStack, view("aws_api_gateway_deployment", {}), noStack, undefined],
  [
    APIG_SCOPES,
    view("aws_api_gateway_method", { http_method: "GET", authorization: "COGNITO_USER_POOLS", authorization_scopes: ["https://x/notes.read"] }),
    noStack,
    view("aws_api_gateway_method", { http_method: "GET", authorization: "COGNITO_USER_POOLS" }),
    noStack,
    undefined,
  ],
  [APIG_THROTTLE, stage, stackOf(stage, goodSettings), stage, stackOf(stage, settings({ logging_level: "ERROR", metrics_enabled: true })), undefined],
  [COG1, view("aws_cognito_user_pool", { password_policy: goodPassword }), noStack, view("aws_cognito_user_pool", { password_policy: { ...goodPassword, minimum_length: 6, require_symbols: false } }), noStack, "require_symbols"],
  [COG2, view("aws_cognito_user_pool", { mfa_configuration: "ON" }), noStack, view("aws_cognito_user_pool", { mfa_configuration: "OPTIONAL" }), noStack, "mfa_configuration=OPTIONAL"],
  [
    COG_EMAIL,
    view("aws_cognito_user_pool", { deletion_protection: "ACTIVE", email_configuration: { email_sending_account: "DEVELOPER", source_arn: "arn:aws:ses:eu-west-1:111122223333:identity/example.com" } }),
    noStack,
    view("aws_cognito_user_pool", { deletion_protection: "ACTIVE", email_configuration: { email_sending_account: "COGNITO_DEFAULT" } }),
    noStack,
    "email_sending_account=COGNITO_DEFAULT",
  ],
  [L1, view("aws_lambda_function", lambda), noStack, view("aws_lambda_function", { ...lambda, runtime: "nodejs18.x" }), noStack, "runtime=nodejs18.x"],
  [LAMBDA_TRACING, view("aws_lambda_function", lambda), noStack, view("aws_lambda_function", { ...lambda, tracing_config: { mode: "PassThrough" } }), noStack, undefined],
  [LAMBDA_LIMITS, view("aws_lambda_function", lambda), noStack, view("aws_lambda_function", { runtime: "nodejs24.x" }), noStack, "memory_size"],
  [
    LAMBDA_PERMISSION,
    view("aws_lambda_permission", { principal: "apigateway.amazonaws.com", source_arn: "${aws_api_gateway_rest_api.api.execution_arn}/dev/GET/notes" }),
    noStack,
    view("aws_lambda_permission", { principal: "apigateway.amazonaws.com" }),
    noStack,
    undefined,
  ],
  [
    APIG3,
    stage,
    stackOf(stage, view("aws_wafv2_web_acl_association", { resource_arn: "${aws_api_gateway_stage.subject.arn}", web_acl_arn: "${aws_wafv2_web_acl.acl.arn}" }, "association")),
    stage,
    stackOf(stage, view("aws_wafv2_web_acl_association", { resource_arn: "${aws_api_gateway_stage.another.arn}", web_acl_arn: "${aws_wafv2_web_acl.acl.arn}" }, "association")),
    undefined,
  ],
  [
    COG_WAF,
    view("aws_cognito_user_pool", {}),
    stackOf(view("aws_wafv2_web_acl_association", { resource_arn: "${aws_cognito_user_pool.subject.arn}" }, "association")),
    view("aws_cognito_user_pool", {}),
    noStack,
    undefined,
  ],
  [
    OPS_ALARMS,
    stage,
    stackOf(stage, view("aws_cloudwatch_metric_alarm", { metric_query: [{ id: "m0", metric: { namespace: "AWS/ApiGateway", metric_name: "5XXError", dimensions: { ApiName: "notes-dev-api", Stage: "dev" } } }] }, "alarm")),
    stage,
    stackOf(stage, view("aws_cloudwatch_metric_alarm", { metric_query: [{ id: "m0", metric: { namespace: "AWS/ApiGateway", metric_name: "5XXError", dimensions: { ApiName: "notes-prod-api", Stage: "prod" } } }] }, "alarm")),
    undefined,
  ],
  [OPS_ALARM_ACTIONS, view("aws_cloudwatch_metric_alarm", { alarm_actions: ["${aws_sns_topic.t.arn}"] }), noStack, view("aws_cloudwatch_metric_alarm", { alarm_actions: [] }), noStack, undefined],
  [LOGS_RETENTION, view("aws_cloudwatch_log_group", { retention_in_days: 14 }), noStack, view("aws_cloudwatch_log_group", { name: "/x" }), noStack, undefined],
  [
    IAM4,
    view("aws_iam_role_policy_attachment", { policy_arn: "arn:aws:iam::123456789012:policy/mine" }),
    noStack,
    view("aws_iam_role_policy_attachment", { policy_arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }),
    noStack,
    "Policy::arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
  ],
  [
    IAM5,
    view("aws_iam_role_policy", { policy: policyDocument({ Action: ["dynamodb:Query"], Resource: ["${aws_dynamodb_table.t.arn}", "${aws_cloudwatch_log_group.l.arn}:*"] }) }),
    noStack,
    view("aws_iam_role_policy", { policy: policyDocument({ Action: ["dynamodb:*"], Resource: ["arn:aws:dynamodb:eu-west-1:123456789012:table/*"] }) }),
    noStack,
    "Action::dynamodb:*",
  ],
];

describe("policy rules", () => {
  test("every rule of the pack is tested here", () => {
    expect(cases.map(([rule]) => rule.id).sort()).toEqual(policyRules.map((rule) => rule.id).sort());
  });

  test("every file of rules/ holds one rule of the pack and is named by what it checks, not by its id", () => {
    const folder = path.join(__dirname, "../../stacks/policy/rules");
    const files = fs.readdirSync(folder).filter((file) => file !== "index.ts");
    const rulesByFile = files.map((file) => {
      const exported = Object.values(require(path.join(folder, file)) as Record<string, unknown>);
      return { file, rules: exported.filter((value): value is PolicyRule => policyRules.includes(value as PolicyRule)) };
    });
    expect(rulesByFile.filter(({ rules }) => rules.length !== 1).map(({ file }) => file)).toEqual([]);
    expect(rulesByFile.length).toBe(policyRules.length);
    // `apig1.ts` tells a reader nothing: no file is named by an id with a number
    expect(files.filter((file) => /\d/.test(file))).toEqual([]);
    expect(files.filter((file) => !/^[a-z]+(-[a-z]+)+\.ts$/.test(file))).toEqual([]);
  });

  test("every rule has an id, a one-line cause, an explanation and the ids it matches", () => {
    for (const rule of policyRules) {
      expect(rule.cause).not.toContain("\n");
      expect(rule.explanation.length).toBeGreaterThan(40);
      expect(Array.isArray(rule.matches)).toBe(true);
    }
    expect(new Set(policyRules.map((rule) => rule.id)).size).toBe(policyRules.length);
  });

  test.each(cases)("%s passes a compliant resource", (rule, compliant, stack) => {
    expect(rule.check(compliant, stack)).toBe(COMPLIANT);
  });

  test.each(cases.map(([rule, , , bad, stack, detail]) => [rule.id, rule, bad, stack, detail] as const))(
    "%s fails when the resource breaks it",
    (_, rule, bad, stack, detail) => {
      const outcome = rule.check(bad, stack);
      expect(outcome).toEqual({ details: expect.any(Array) });
      if (detail) expect((outcome as { details: string[] }).details).toContain(detail);
    },
  );

  test.each(cases)("%s ignores resources it is not about", (rule) => {
    expect(rule.check(view("aws_s3_bucket", {}), noStack)).toBe(NOT_APPLICABLE);
  });

  test("COG-EMAIL leaves pools without deletion protection (development pools) alone", () => {
    expect(COG_EMAIL.check(view("aws_cognito_user_pool", { deletion_protection: "INACTIVE" }), noStack)).toBe(NOT_APPLICABLE);
  });

  test("APIG4 exempts the CORS preflight", () => {
    expect(APIG4.check(view("aws_api_gateway_method", { http_method: "OPTIONS", authorization: "NONE" }), noStack)).toBe(NOT_APPLICABLE);
  });

  test("IAM5 names a full wildcard resource and an all-tables ARN", () => {
    const outcome = IAM5.check(view("aws_iam_role_policy", { policy: policyDocument({ Action: ["xray:PutTraceSegments"], Resource: ["*", "arn:aws:dynamodb:*:*:table/x"] }) }), noStack);
    expect(outcome).toEqual({ details: ["Resource::*", "Resource::arn:aws:dynamodb:*:*:table/x"] });
  });

  test("IAM4 flags AWS-managed policies attached on the role itself", () => {
    const outcome = IAM4.check(view("aws_iam_role", { managed_policy_arns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }), noStack);
    expect(outcome).toEqual({ details: ["Policy::arn:aws:iam::aws:policy/AdministratorAccess"] });
  });
});

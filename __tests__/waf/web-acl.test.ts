import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { environments } from "../../environments";
import { isOptOut } from "../../stacks/config";
import { WAF_DEFAULTS } from "../../stacks/notes-data-stack";
import { MANAGED_RULE_GROUPS } from "../../stacks/waf/web-acl";
import { configsOf, referenceTo, synthNotesStack } from "../helpers/stacks";

type Json = Record<string, any>;
const prod = synthNotesStack({}, "prod");
const nameOf = (json: Json, type: string) => Object.keys(json.resource[type])[0]!;

describe.each([
  ["the API stage", () => prod.json as Json, "notes-prod-api", WAF_DEFAULTS.apiRateLimit, (json: Json) => `\${aws_api_gateway_stage.${nameOf(json, "aws_api_gateway_stage")}.arn}`],
  ["the user pool", () => prod.data.json as Json, "notes-prod-auth", WAF_DEFAULTS.authRateLimit, (json: Json) => referenceTo(json, "aws_cognito_user_pool", "name", "notes-prod-users", "arn")],
])("WAF in front of %s", (_, json, name, rateLimit, protectedArn) => {
  test("a REGIONAL web ACL: AWS's managed rule groups, then a rate limit per client IP", () => {
    const [acl] = configsOf(json(), "aws_wafv2_web_acl");
    expect(acl).toMatchObject({ name, scope: "REGIONAL", default_action: { allow: {} } });
    expect(acl!.rule.map((rule: Json) => [rule.name, rule.priority, rule.statement])).toEqual([
      ...MANAGED_RULE_GROUPS.map((group, index) => [group, (index + 1) * 10, { managed_rule_group_statement: { vendor_name: "AWS", name: group } }]),
      ["rate-limit-per-ip", 40, { rate_based_statement: { limit: rateLimit, aggregate_key_type: "IP", evaluation_window_sec: 300 } }],
    ]);
    expect(acl!.rule.find((rule: Json) => rule.name === "rate-limit-per-ip").action).toEqual({ block: {} });
    for (const rule of acl!.rule) expect(rule.visibility_config).toMatchObject({ cloudwatch_metrics_enabled: true, sampled_requests_enabled: true });
  });

  test("associated with what it protects", () => {
    expect(configsOf(json(), "aws_wafv2_web_acl_association")).toEqual([
      expect.objectContaining({ resource_arn: protectedArn(json()), web_acl_arn: `\${aws_wafv2_web_acl.${nameOf(json(), "aws_wafv2_web_acl")}.arn}` }),
    ]);
  });

  test("logs to an aws-waf-logs- group with the authorization header redacted", () => {
    const group = configsOf(json(), "aws_cloudwatch_log_group").find((candidate) => candidate.name === `aws-waf-logs-${name}`)!;
    expect(group.retention_in_days).toBe(environments.prod.api.accessLogRetentionDays);
    expect(JSON.stringify(json())).toContain(`aws-waf-logs-${name}`);
    expect(configsOf(json(), "aws_wafv2_web_acl_logging_configuration")).toEqual([
      expect.objectContaining({ redacted_fields: [{ single_header: { name: "authorization" } }] }),
    ]);
  });
});

describe("WAF: settings and opt-out", () => {
  test("the rate limits follow the configuration", () => {
    const config = { ...environments.prod, waf: { apiRateLimit: 600, authRateLimit: 60 } };
    const custom = synthNotesStack({ config }, "prod");
    expect(configsOf(custom.json, "aws_wafv2_web_acl")[0]!.rule.at(-1).statement.rate_based_statement.limit).toBe(600);
    expect(configsOf(custom.data.json, "aws_wafv2_web_acl")[0]!.rule.at(-1).statement.rate_based_statement.limit).toBe(60);
    expect(custom.data.synthesized).toHaveResourceWithProperties(Wafv2WebAclLoggingConfiguration, { redacted_fields: [{ single_header: { name: "authorization" } }] });
  });

  test("dev has no web ACL; APIG3 and COG-WAF are suppressed with its reason", () => {
    const dev = synthNotesStack();
    expect(configsOf(dev.json, "aws_wafv2_web_acl")).toEqual([]);
    expect(configsOf(dev.data.json, "aws_wafv2_web_acl")).toEqual([]);
    const reason = isOptOut(environments.dev.waf) ? environments.dev.waf.optOut : "";
    const findings = [...dev.stack.policy.evaluate(dev.stack), ...dev.stack.data.policy.evaluate(dev.stack.data)].filter((finding) => ["APIG3", "COG-WAF"].includes(finding.ruleId));
    expect(findings.map((finding) => [finding.ruleId, finding.suppressedBecause])).toEqual([
      ["APIG3", reason],
      ["COG-WAF", reason],
    ]);
  });
});

import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Wafv2WebAcl } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";

/** AWS managed rule groups every web ACL runs, in this order (AWS WAF developer guide, "AWS Managed Rules rule groups list"). */
export const MANAGED_RULE_GROUPS = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"] as const;

/** WAF logs go only to log groups whose name starts with this (AWS WAF developer guide, "Sending web ACL traffic logs to CloudWatch Logs"). */
export const WAF_LOG_GROUP_PREFIX = "aws-waf-logs-";

export interface WebAclProps {
  /** For example `notes-prod-api`: the ACL's name and its metrics' prefix. */
  readonly name: string;
  /** What it protects: an API Gateway stage's ARN or a Cognito user pool's ARN. */
  readonly resourceArn: string;
  /** Requests per client IP in 5 minutes before the IP is blocked. */
  readonly rateLimit: number;
  readonly logRetentionDays: number;
}

/**
 * A REGIONAL web ACL in front of one resource: AWS's common, known-bad-inputs and IP-reputation
 * rule groups, and a rate limit per client IP; its logs go to CloudWatch Logs with the
 * Authorization header redacted, so no token lands in a log.
 */
export class WebAcl extends Construct {
  readonly acl: Wafv2WebAcl;
  readonly association: Wafv2WebAclAssociation;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const visibility = (metric: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${props.name}-${metric}` });
    this.acl = new Wafv2WebAcl(this, "acl", {
      name: props.name,
      description: `Managed rules and a per-IP rate limit in front of ${props.name}`,
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      visibilityConfig: visibility("all"),
      rule: [
        ...MANAGED_RULE_GROUPS.map((group, index) => ({
          name: group,
          priority: (index + 1) * 10,
          overrideAction: { none: {} },
          // The provider's types stop at this depth: the statement is written as Terraform spells it.
          statement: { managed_rule_group_statement: { vendor_name: "AWS", name: group } },
          visibilityConfig: visibility(group),
        })),
        {
          name: "rate-limit-per-ip",
          priority: (MANAGED_RULE_GROUPS.length + 1) * 10,
          action: { block: {} },
          statement: { rate_based_statement: { limit: props.rateLimit, aggregate_key_type: "IP", evaluation_window_sec: 300 } },
          visibilityConfig: visibility("rate-limit-per-ip"),
        },
      ],
    });
    this.association = new Wafv2WebAclAssociation(this, "association", { resourceArn: props.resourceArn, webAclArn: this.acl.arn });
    const logGroup = new CloudwatchLogGroup(this, "logs", { name: `${WAF_LOG_GROUP_PREFIX}${props.name}`, retentionInDays: props.logRetentionDays });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      resourceArn: this.acl.arn,
      logDestinationConfigs: [logGroup.arn],
      redactedFields: [{ singleHeader: { name: "authorization" } }],
    });
  }
}

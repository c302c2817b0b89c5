import { apiFlavour, type EnvironmentConfig } from "../config";
import { DEPLOY_ENVIRONMENT_TAG, environmentSlug } from "../iam/deploy-environment";
import type { PolicyStatement } from "../iam/policy-document";
import { taggingStatements } from "../iam/tagging";

/**
 * What the production-operations resources (custom domains, alarms and their topic, the
 * dashboard, web ACLs) need of an environment's roles: certificates, API Gateway domain names,
 * Route 53 records of the environment's names only, CloudWatch alarms and the dashboard by name,
 * the alarm topic and its key, web ACLs by the environment tag.
 */
export function operationsArns(environment: EnvironmentConfig) {
  const { region, accountId } = environment;
  const slug = environmentSlug(environment);
  const names = [environment.domains?.api, environment.domains?.auth].filter((name): name is string => name !== undefined);
  return {
    slug,
    names,
    // The hosted UI's certificate lives in us-east-1.
    certificates: [...new Set([region, "us-east-1"])].map((certificateRegion) => `arn:aws:acm:${certificateRegion}:${accountId}:certificate/*`),
    hostedZone: environment.domains ? `arn:aws:route53:::hostedzone/${environment.domains.hostedZoneId}` : undefined,
    apiDomainNames: environment.domains?.api ? [`arn:aws:apigateway:${region}::/domainnames/${environment.domains.api}`, `arn:aws:apigateway:${region}::/domainnames/${environment.domains.api}/*`] : [],
    domainNames: `arn:aws:apigateway:${region}::/domainnames`,
    alarms: `arn:aws:cloudwatch:${region}:${accountId}:alarm:${slug}-*`,
    dashboard: `arn:aws:cloudwatch::${accountId}:dashboard/${slug}`,
    topics: `arn:aws:sns:${region}:${accountId}:${slug}-*`,
    keys: `arn:aws:kms:${region}:${accountId}:key/*`,
    webAcls: `arn:aws:wafv2:${region}:${accountId}:regional/webacl/${slug}-*/*`,
    managedRuleSets: `arn:aws:wafv2:${region}:${accountId}:regional/managedruleset/*/*`,
    stages: `arn:aws:apigateway:${region}::/restapis/*/stages/*`,
    userPools: `arn:aws:cognito-idp:${region}:${accountId}:userpool/*`,
  };
}

const tagged = (key: "RequestTag" | "ResourceTag", slug: string) => ({ StringEquals: { [`aws:${key}/${DEPLOY_ENVIRONMENT_TAG}`]: slug } });

/** Read verbs `terraform plan` needs to refresh the operations resources of one environment. */
export function operationsReads(environment: EnvironmentConfig): PolicyStatement[] {
  const arns = operationsArns(environment);
  return [
    { actions: ["acm:DescribeCertificate", "acm:ListTagsForCertificate"], resources: arns.certificates, condition: tagged("ResourceTag", arns.slug) },
    ...(arns.hostedZone ? [{ actions: ["route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource"], resources: [arns.hostedZone] }] : []),
    ...(arns.apiDomainNames.length ? [{ actions: ["apigateway:GET"], resources: arns.apiDomainNames }] : []),
    { actions: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"], resources: [arns.alarms] },
    { actions: ["cloudwatch:GetDashboard"], resources: [arns.dashboard] },
    { actions: ["sns:GetTopicAttributes", "sns:ListTagsForResource", "sns:ListSubscriptionsByTopic"], resources: [arns.topics] },
    { actions: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"], resources: [arns.keys], condition: tagged("ResourceTag", arns.slug) },
    { actions: ["wafv2:GetWebACL", "wafv2:ListTagsForResource", "wafv2:GetLoggingConfiguration"], resources: [arns.webAcls], condition: tagged("ResourceTag", arns.slug) },
    { actions: ["wafv2:GetWebACLForResource"], resources: [arns.stages, arns.userPools] },
  ];
}

/** Create, change and delete verbs for the operations resources of one environment, never another's. */
export function operationsManagement(environment: EnvironmentConfig): PolicyStatement[] {
  const arns = operationsArns(environment);
  return [
    ...operationsReads(environment),
    { actions: ["acm:RequestCertificate"], resources: ["*"], condition: tagged("RequestTag", arns.slug) },
    { actions: ["acm:DeleteCertificate"], resources: arns.certificates, condition: tagged("ResourceTag", arns.slug) },
    ...taggingStatements(environment, arns.certificates, { tag: ["acm:AddTagsToCertificate"], untag: ["acm:RemoveTagsFromCertificate"] }),
    ...(arns.hostedZone
      ? [
          // Only the environment's names and their ACM validation records, and only the record types the stacks write.
          {
            actions: ["route53:ChangeResourceRecordSets"],
            resources: [arns.hostedZone],
            condition: {
              "ForAllValues:StringLike": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": arns.names.flatMap((name) => [name, `_*.${name}`]) },
              "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["A", "AAAA", "CNAME"] },
            },
          },
          { actions: ["route53:GetChange"], resources: ["arn:aws:route53:::change/*"] },
        ]
      : []),
    ...(arns.apiDomainNames.length
      ? [
          { actions: ["apigateway:POST"], resources: [arns.domainNames], condition: tagged("RequestTag", arns.slug) },
          { actions: ["apigateway:POST", "apigateway:PATCH", "apigateway:DELETE"], resources: arns.apiDomainNames },
        ]
      : []),
    { actions: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"], resources: [arns.alarms] },
    ...taggingStatements(environment, [arns.alarms], { tag: ["cloudwatch:TagResource"], untag: ["cloudwatch:UntagResource"] }),
    { actions: ["cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards"], resources: [arns.dashboard] },
    {
      actions: ["sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:Subscribe", "sns:Unsubscribe", "sns:GetSubscriptionAttributes"],
      resources: [arns.topics],
    },
    ...taggingStatements(environment, [arns.topics], { tag: ["sns:TagResource"], untag: ["sns:UntagResource"] }),
    { actions: ["kms:CreateKey"], resources: ["*"], condition: tagged("RequestTag", arns.slug) },
    { actions: ["kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:ScheduleKeyDeletion"], resources: [arns.keys], condition: tagged("ResourceTag", arns.slug) },
    ...taggingStatements(environment, [arns.keys], { tag: ["kms:TagResource"], untag: ["kms:UntagResource"] }),
    // A new web ACL names AWS's managed rule groups: creating it is checked on those too.
    { actions: ["wafv2:CreateWebACL"], resources: [arns.webAcls, arns.managedRuleSets], condition: tagged("RequestTag", arns.slug) },
    ...taggingStatements(environment, [arns.webAcls], { tag: ["wafv2:TagResource"], untag: ["wafv2:UntagResource"] }),
    {
      actions: ["wafv2:UpdateWebACL", "wafv2:DeleteWebACL", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "wafv2:PutLoggingConfiguration", "wafv2:DeleteLoggingConfiguration"],
      resources: [arns.webAcls],
      condition: tagged("ResourceTag", arns.slug),
    },
    // Associating a web ACL also asks the protected resource's service, on the environment's own stage (a REST API's: WAF cannot protect an HTTP API) and pool.
    ...(apiFlavour(environment) === "http-jwt" ? [] : [{ actions: ["wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "apigateway:SetWebACL"], resources: [arns.stages], condition: tagged("ResourceTag", arns.slug) }]),
    { actions: ["wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "cognito-idp:AssociateWebACL", "cognito-idp:DisassociateWebACL", "cognito-idp:GetWebACLForResource"], resources: [arns.userPools], condition: tagged("ResourceTag", arns.slug) },
    // WAF's log delivery: CloudWatch Logs gives these no resource-level permissions.
    { actions: ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies"], resources: ["*"] },
  ];
}

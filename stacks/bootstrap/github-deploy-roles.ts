import { Construct } from "constructs";
import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { apiFlavour, type BootstrapConfig, type EnvironmentConfig } from "../config";
import { DEPLOY_ENVIRONMENT_TAG, environmentSlug, environmentTags, functionBoundaryArn, functionBoundaryName } from "../iam/deploy-environment";
import { policyDocument, type PolicyStatement } from "../iam/policy-document";
import { taggingStatements } from "../iam/tagging";
import { operationsManagement, operationsReads } from "./operations-permissions";
import { dataStackName } from "../stack-names";
import { suppress } from "../suppressions";
import { stateKey } from "../state/backend";
import { WAF_LOG_GROUP_PREFIX } from "../waf/web-acl";
import { GITHUB_OIDC_HOST, GITHUB_OIDC_URL, githubSubjects } from "./github-oidc";

export interface GithubDeployRolesProps {
  readonly config: BootstrapConfig;
  /** The app environments, one apply role each, in `config.deployEnvironments` order. */
  readonly environments: readonly EnvironmentConfig[];
  readonly stateBucketName: string;
}

/** Names of the bootstrap's own roles: no apply role may touch them (explicit deny). */
export function bootstrapRoleNames(config: Pick<BootstrapConfig, "namePrefix">) {
  const planPrefix = `${config.namePrefix}-github-plan-`;
  return {
    planPrefix,
    pullRequestPlan: `${planPrefix}pull-request`,
    mainPlan: `${planPrefix}main`,
    applyPrefix: `${config.namePrefix}-github-apply-`,
    logging: `${config.namePrefix}-apigateway-cloudwatch`,
  };
}

/** The environment's two state objects and their lock files in the state bucket. */
export function stateObjectArns(environment: EnvironmentConfig, stateBucketName: string): string[] {
  return [environment.name, dataStackName(environment.name)].flatMap((stack) => {
    const key = `arn:aws:s3:::${stateBucketName}/${stateKey(environment, stack)}`;
    return [key, `${key}.tflock`];
  });
}

/** Where API Gateway keeps the environment's API: `restapis` for a REST API, `apis` for an HTTP API (apigatewayv2). */
function apiCollection(environment: EnvironmentConfig): "restapis" | "apis" {
  return apiFlavour(environment) === "http-jwt" ? "apis" : "restapis";
}

/** ARNs of one environment's resources, from the names the stacks give them. */
export function environmentArns(environment: EnvironmentConfig) {
  const { region, accountId } = environment;
  const slug = environmentSlug(environment);
  return {
    functions: `arn:aws:lambda:${region}:${accountId}:function:${slug}-*`,
    tables: `arn:aws:dynamodb:${region}:${accountId}:table/${slug}-*`,
    userPools: `arn:aws:cognito-idp:${region}:${accountId}:userpool/*`,
    roles: `arn:aws:iam::${accountId}:role/${slug}-*`,
    // The environment's API by its flavour: a REST API lives under /restapis, an HTTP API under /apis.
    apis: `arn:aws:apigateway:${region}::/${apiCollection(environment)}`,
    apiChildren: `arn:aws:apigateway:${region}::/${apiCollection(environment)}/*`,
    apiTags: `arn:aws:apigateway:${region}::/tags/*`,
    namedLogGroups: [
      `arn:aws:logs:${region}:${accountId}:log-group:/aws/lambda/${slug}-*`,
      `arn:aws:logs:${region}:${accountId}:log-group:/aws/apigateway/${slug}-*`,
      `arn:aws:logs:${region}:${accountId}:log-group:${WAF_LOG_GROUP_PREFIX}${slug}-*`,
    ],
    executionLogGroups: `arn:aws:logs:${region}:${accountId}:log-group:API-Gateway-Execution-Logs_*`,
    boundary: functionBoundaryArn(environment),
  };
}

/** What every function of an environment may ever do, whatever policy an apply role writes on its role. */
export function functionBoundaryStatements(environment: EnvironmentConfig): PolicyStatement[] {
  const arns = environmentArns(environment);
  return [
    { actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${arns.namedLogGroups[0]}:*`] },
    { actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] },
    { actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"], resources: [arns.tables] },
  ];
}

const COGNITO_MANAGEMENT = [
  "cognito-idp:DescribeUserPool",
  "cognito-idp:UpdateUserPool",
  "cognito-idp:DeleteUserPool",
  "cognito-idp:GetUserPoolMfaConfig",
  "cognito-idp:SetUserPoolMfaConfig",
  "cognito-idp:CreateUserPoolClient",
  "cognito-idp:DescribeUserPoolClient",
  "cognito-idp:UpdateUserPoolClient",
  "cognito-idp:DeleteUserPoolClient",
  "cognito-idp:CreateUserPoolDomain",
  "cognito-idp:UpdateUserPoolDomain",
  "cognito-idp:DeleteUserPoolDomain",
  "cognito-idp:CreateResourceServer",
  "cognito-idp:DescribeResourceServer",
  "cognito-idp:UpdateResourceServer",
  "cognito-idp:DeleteResourceServer",
  "cognito-idp:CreateGroup",
  "cognito-idp:GetGroup",
  "cognito-idp:UpdateGroup",
  "cognito-idp:DeleteGroup",
  "cognito-idp:ListTagsForResource",
];

/** What `terraform plan` reads to refresh a Cognito pool, its clients, domain and resource server: no user data. */
const COGNITO_READ = [
  "cognito-idp:DescribeUserPool",
  "cognito-idp:GetUserPoolMfaConfig",
  "cognito-idp:DescribeUserPoolClient",
  "cognito-idp:DescribeResourceServer",
  "cognito-idp:GetGroup",
  "cognito-idp:ListTagsForResource",
];

const LAMBDA_MANAGEMENT = [
  "lambda:CreateFunction",
  "lambda:DeleteFunction",
  "lambda:GetFunction",
  "lambda:GetFunctionConfiguration",
  "lambda:GetFunctionCodeSigningConfig",
  "lambda:GetFunctionConcurrency",
  "lambda:GetRuntimeManagementConfig",
  "lambda:ListVersionsByFunction",
  "lambda:UpdateFunctionCode",
  "lambda:UpdateFunctionConfiguration",
  "lambda:PutFunctionConcurrency",
  "lambda:DeleteFunctionConcurrency",
  "lambda:RemovePermission",
  "lambda:GetPolicy",
  "lambda:ListTags",
];

const LAMBDA_READ = ["lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig", "lambda:ListVersionsByFunction", "lambda:GetPolicy", "lambda:ListTags"];

const DYNAMODB_MANAGEMENT = [
  "dynamodb:CreateTable",
  "dynamodb:DeleteTable",
  "dynamodb:DescribeTable",
  "dynamodb:UpdateTable",
  "dynamodb:DescribeContinuousBackups",
  "dynamodb:UpdateContinuousBackups",
  "dynamodb:DescribeTimeToLive",
  "dynamodb:ListTagsOfResource",
];

const DYNAMODB_READ = ["dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTimeToLive", "dynamodb:ListTagsOfResource"];

const LOG_GROUP_MANAGEMENT = ["logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:ListTagsForResource", "logs:ListTagsLogGroup"];

const ROLE_READ = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"];
/** Role writes that take the `iam:PermissionsBoundary` condition key (IAM User Guide, permissions boundaries). */
const BOUNDED_ROLE_WRITES = ["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy"];
/**
 * Role writes without that key: they cannot widen what a role's boundary caps. No
 * `iam:UpdateAssumeRolePolicy`: a function role's trust never changes in place (a role whose trust
 * must change is replaced), so no apply role can open one to another principal.
 */
const ROLE_UPKEEP = ["iam:DeleteRole", "iam:UpdateRole"];
/** Writes that could lift a role out of its boundary, or reach the bootstrap's own roles and boundaries. */
const ESCALATION = [
  ...BOUNDED_ROLE_WRITES,
  ...ROLE_UPKEEP,
  "iam:UpdateAssumeRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
  "iam:PassRole",
];
/** The only services that may invoke an environment's functions: its API and its user pool's trigger. */
const INVOKING_SERVICES = ["apigateway.amazonaws.com", "cognito-idp.amazonaws.com"];

/** Each service's tag and untag verbs, on the resources an environment's role manages. */
const TAGGING = {
  cognito: { tag: ["cognito-idp:TagResource"], untag: ["cognito-idp:UntagResource"] },
  lambda: { tag: ["lambda:TagResource"], untag: ["lambda:UntagResource"] },
  dynamodb: { tag: ["dynamodb:TagResource"], untag: ["dynamodb:UntagResource"] },
  logs: { tag: ["logs:TagResource", "logs:TagLogGroup"], untag: ["logs:UntagResource", "logs:UntagLogGroup"] },
  iam: { tag: ["iam:TagRole"], untag: ["iam:UntagRole"] },
} as const;

/** Read verbs of `terraform plan` on one environment's resources: pools and APIs (ids known only after creation) by its tag, the rest by name. */
function environmentReads(environment: EnvironmentConfig): PolicyStatement[] {
  const arns = environmentArns(environment);
  const tagged = { StringEquals: { [`aws:ResourceTag/${DEPLOY_ENVIRONMENT_TAG}`]: environmentSlug(environment) } };
  return [
    { actions: COGNITO_READ, resources: [arns.userPools], condition: tagged },
    { actions: ["apigateway:GET"], resources: [arns.apiChildren], condition: tagged },
    { actions: LAMBDA_READ, resources: [arns.functions] },
    { actions: DYNAMODB_READ, resources: [arns.tables] },
    { actions: ROLE_READ, resources: [arns.roles] },
    { actions: ["logs:ListTagsForResource", "logs:ListTagsLogGroup"], resources: arns.namedLogGroups },
    { actions: ["logs:ListTagsForResource", "logs:ListTagsLogGroup"], resources: [arns.executionLogGroups], condition: tagged },
    ...operationsReads(environment),
  ];
}

/**
 * Roles GitHub Actions assume through OIDC (no stored keys), each trusted for one subject of the
 * repository's customized template (environment or event, and ref): a pull-request plan role that
 * reads the state of `pullRequestEnvironments` only, a main plan role that plans every environment
 * before its approval, and one apply role per deploy environment, trusted only for jobs of that
 * GitHub environment on the deploy branch, that changes only that environment's resources and state.
 */
export class GithubDeployRoles extends Construct {
  readonly pullRequestPlanRole: IamRole;
  readonly mainPlanRole: IamRole;
  readonly applyRoles: ReadonlyMap<string, IamRole>;
  readonly boundaries: ReadonlyMap<string, IamPolicy>;
  readonly oidcProviderArn: string;

  constructor(scope: Construct, id: string, props: GithubDeployRolesProps) {
    super(scope, id);
    const { config, environments } = props;
    this.oidcProviderArn =
      config.createOidcProvider === false
        ? new DataAwsIamOpenidConnectProvider(this, "github-oidc", { url: GITHUB_OIDC_URL }).arn
        : new IamOpenidConnectProvider(this, "github-oidc", { url: GITHUB_OIDC_URL, clientIdList: ["sts.amazonaws.com"] }).arn;

    const names = bootstrapRoleNames(config);
    const subjects = githubSubjects(config);
    const bucketArn = `arn:aws:s3:::${props.stateBucketName}`;
    const stateObjects = (planned: readonly EnvironmentConfig[]) => planned.flatMap((environment) => stateObjectArns(environment, props.stateBucketName).filter((key) => key.endsWith(".tfstate")));
    const pullRequestEnvironments = environments.filter((environment) => config.pullRequestEnvironments?.includes(environment.name));

    // Pull requests run their own code: they plan with -refresh=false and -lock=false, so their role reads state and nothing else.
    this.pullRequestPlanRole = this.role("plan-pull-request", names.pullRequestPlan, { pattern: subjects.pullRequest }, [
      { actions: ["s3:ListBucket"], resources: [bucketArn] },
      { actions: ["s3:GetObject"], resources: stateObjects(pullRequestEnvironments) },
    ]);

    // The deploy branch's plan before an approval: every environment, refreshed, without a lock; reads scoped by each environment's tag.
    this.mainPlanRole = this.role(
      "plan-main",
      names.mainPlan,
      { exactly: subjects.deployBranch },
      [
        { actions: ["s3:ListBucket"], resources: [bucketArn] },
        { actions: ["s3:GetObject"], resources: stateObjects(environments) },
        ...environments.flatMap((environment) => environmentReads(environment)),
        // DescribeUserPoolDomain names a domain, not a pool, and DescribeLogGroups lists: neither has resource-level permissions.
        { actions: ["cognito-idp:DescribeUserPoolDomain", "logs:DescribeLogGroups"], resources: ["*"] },
      ],
      "read-only verbs for terraform plan; pools and REST APIs get ids only at creation, so their ARNs end in a wildcard and the environment tag scopes them; DescribeUserPoolDomain and DescribeLogGroups have no resource-level permissions",
    );

    const applyRoles = new Map<string, IamRole>();
    const boundaries = new Map<string, IamPolicy>();
    for (const environment of environments) {
      const arns = environmentArns(environment);
      const slug = environmentSlug(environment);
      const boundary = new IamPolicy(this, `${environment.name}-function-boundary`, {
        name: functionBoundaryName(environment),
        description: `The most any function role of ${slug} may do; its apply role can only create roles that carry it`,
        policy: policyDocument(functionBoundaryStatements(environment)),
      });
      suppress(boundary, { ruleId: "IAM5", reason: "a boundary caps every function of the environment: its tables and log groups by name prefix, X-Ray has no resource-level permissions" });
      boundaries.set(environment.name, boundary);
      const tagged = (key: "RequestTag" | "ResourceTag") => ({ StringEquals: { [`aws:${key}/${DEPLOY_ENVIRONMENT_TAG}`]: slug } });
      const withBoundary = { StringEquals: { "iam:PermissionsBoundary": arns.boundary } };
      const protectedRoles = [`${names.planPrefix}*`, `${names.applyPrefix}*`, names.logging].map((name) => `arn:aws:iam::${environment.accountId}:role/${name}`);
      const logGroups = [...arns.namedLogGroups, arns.executionLogGroups];
      applyRoles.set(
        environment.name,
        this.role(
          `apply-${environment.name}`,
          `${names.applyPrefix}${environment.name}`,
          { exactly: subjects.environment(environment.name) },
          [
            { actions: ["s3:ListBucket"], resources: [bucketArn] },
            { actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources: stateObjectArns(environment, props.stateBucketName) },
            { actions: ["cognito-idp:CreateUserPool"], resources: ["*"], condition: tagged("RequestTag") },
            { actions: COGNITO_MANAGEMENT, resources: [arns.userPools], condition: tagged("ResourceTag") },
            ...taggingStatements(environment, [arns.userPools], TAGGING.cognito),
            { actions: ["cognito-idp:DescribeUserPoolDomain"], resources: ["*"] },
            { actions: ["apigateway:POST"], resources: [arns.apis], condition: tagged("RequestTag") },
            { actions: ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"], resources: [arns.apiChildren], condition: tagged("ResourceTag") },
            // API Gateway's tagging API has no resource-tag key: the environment tag is set when the API is created, never through it.
            {
              actions: ["apigateway:PUT", "apigateway:DELETE"],
              resources: [arns.apiTags],
              condition: { "ForAllValues:StringEquals": { "aws:TagKeys": Object.keys(environmentTags(environment)).filter((key) => key !== DEPLOY_ENVIRONMENT_TAG) } },
            },
            { actions: LAMBDA_MANAGEMENT, resources: [arns.functions] },
            { actions: ["lambda:AddPermission"], resources: [arns.functions], condition: { StringEquals: { "lambda:Principal": INVOKING_SERVICES } } },
            ...taggingStatements(environment, [arns.functions], TAGGING.lambda),
            { actions: DYNAMODB_MANAGEMENT, resources: [arns.tables] },
            ...taggingStatements(environment, [arns.tables], TAGGING.dynamodb),
            { actions: ["logs:DescribeLogGroups"], resources: ["*"] },
            { actions: ["logs:CreateLogGroup", ...LOG_GROUP_MANAGEMENT], resources: arns.namedLogGroups },
            { actions: LOG_GROUP_MANAGEMENT, resources: [arns.executionLogGroups], condition: tagged("ResourceTag") },
            { actions: ["logs:CreateLogGroup"], resources: [arns.executionLogGroups], condition: tagged("RequestTag") },
            ...taggingStatements(environment, logGroups, TAGGING.logs),
            { actions: ROLE_READ, resources: [arns.roles] },
            { actions: ["iam:ListInstanceProfilesForRole"], resources: [arns.roles] },
            // Only roles that carry the environment's boundary can be created or changed (IAM User Guide, permissions boundaries).
            { actions: BOUNDED_ROLE_WRITES, resources: [arns.roles], condition: withBoundary },
            { actions: ROLE_UPKEEP, resources: [arns.roles] },
            ...taggingStatements(environment, [arns.roles], TAGGING.iam),
            { actions: ["iam:PassRole"], resources: [arns.roles], condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } },
            ...operationsManagement(environment),
            { effect: "Deny", actions: ESCALATION, resources: protectedRoles },
            { effect: "Deny", actions: ["iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:AttachRolePolicy", "iam:DetachRolePolicy"], resources: ["*"] },
            {
              effect: "Deny",
              actions: ["iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"],
              resources: [`arn:aws:iam::${environment.accountId}:policy/*`],
            },
          ],
          "Cognito pools and REST APIs get their ids at creation, so they are matched by the deploy-environment tag; functions, tables, roles and log groups by the environment's name prefix; DescribeUserPoolDomain and DescribeLogGroups have no resource-level permissions",
        ),
      );
    }
    this.applyRoles = applyRoles;
    this.boundaries = boundaries;
  }

  /** A role for GitHub workflows whose OIDC subject is `exactly` one string or matches one `pattern`; its wildcards, if any, are suppressed with `wildcardReason`. */
  private role(id: string, name: string, subject: { exactly: string } | { pattern: string }, statements: readonly PolicyStatement[], wildcardReason?: string): IamRole {
    const sub = `${GITHUB_OIDC_HOST}:sub`;
    const role = new IamRole(this, `${id}-role`, {
      name,
      maxSessionDuration: 3600,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: this.oidcProviderArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition:
              "exactly" in subject
                ? { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com", [sub]: subject.exactly } }
                : { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com" }, StringLike: { [sub]: subject.pattern } },
          },
        ],
      }),
    });
    const policy = new IamRolePolicy(this, `${id}-policy`, { name: `${id}-least-privilege`, role: role.id, policy: policyDocument(statements) });
    if (wildcardReason) suppress(policy, { ruleId: "IAM5", reason: wildcardReason });
    return role;
  }
}

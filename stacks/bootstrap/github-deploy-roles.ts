import { Construct } from "constructs";
import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { BootstrapConfig, EnvironmentConfig } from "../config";
import { DEPLOY_ENVIRONMENT_TAG, environmentSlug, functionBoundaryArn, functionBoundaryName } from "../iam/deploy-environment";
import { policyDocument, type PolicyStatement } from "../iam/policy-document";
import { dataStackName } from "../stack-names";
import { suppress } from "../suppressions";
import { stateKey } from "../state/backend";

export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

export interface GithubDeployRolesProps {
  readonly config: BootstrapConfig;
  /** The app environments, one apply role each, in `config.deployEnvironments` order. */
  readonly environments: readonly EnvironmentConfig[];
  readonly stateBucketName: string;
}

/** Names of the bootstrap's own roles: no apply role may touch them (explicit deny). */
export function bootstrapRoleNames(config: Pick<BootstrapConfig, "namePrefix">): { plan: string; applyPrefix: string; logging: string } {
  return { plan: `${config.namePrefix}-github-plan`, applyPrefix: `${config.namePrefix}-github-apply-`, logging: `${config.namePrefix}-apigateway-cloudwatch` };
}

/** The environment's two state objects and their lock files in the state bucket. */
export function stateObjectArns(environment: EnvironmentConfig, stateBucketName: string): string[] {
  return [environment.name, dataStackName(environment.name)].flatMap((stack) => {
    const key = `arn:aws:s3:::${stateBucketName}/${stateKey(environment, stack)}`;
    return [key, `${key}.tflock`];
  });
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
    restApis: `arn:aws:apigateway:${region}::/restapis`,
    restApiChildren: `arn:aws:apigateway:${region}::/restapis/*`,
    apiTags: `arn:aws:apigateway:${region}::/tags/*`,
    namedLogGroups: [
      `arn:aws:logs:${region}:${accountId}:log-group:/aws/lambda/${slug}-*`,
      `arn:aws:logs:${region}:${accountId}:log-group:/aws/apigateway/${slug}-*`,
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
  "cognito-idp:TagResource",
  "cognito-idp:UntagResource",
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
  "lambda:AddPermission",
  "lambda:RemovePermission",
  "lambda:GetPolicy",
  "lambda:TagResource",
  "lambda:UntagResource",
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
  "dynamodb:TagResource",
  "dynamodb:UntagResource",
  "dynamodb:ListTagsOfResource",
];

const DYNAMODB_READ = ["dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTimeToLive", "dynamodb:ListTagsOfResource"];

const LOG_GROUP_MANAGEMENT = ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:TagLogGroup", "logs:ListTagsForResource", "logs:ListTagsLogGroup"];

const ROLE_READ = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"];
/** Role writes that take the `iam:PermissionsBoundary` condition key (IAM User Guide, permissions boundaries). */
const BOUNDED_ROLE_WRITES = ["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy"];
/** Role writes without that key: they cannot widen what a role's boundary caps. */
const ROLE_UPKEEP = ["iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole"];
/** Writes that could lift a role out of its boundary, or reach the bootstrap's own roles and boundaries. */
const ESCALATION = [...BOUNDED_ROLE_WRITES, ...ROLE_UPKEEP, "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:PassRole"];

/**
 * Roles GitHub Actions assume through OIDC (no stored keys): one read-only plan role for pull
 * requests, and one apply role per deploy environment, trusted only for jobs of that GitHub
 * environment, that changes only that environment's resources and state.
 */
export class GithubDeployRoles extends Construct {
  readonly planRole: IamRole;
  readonly applyRoles: ReadonlyMap<string, IamRole>;
  readonly boundaries: ReadonlyMap<string, IamPolicy>;
  readonly oidcProviderArn: string;

  constructor(scope: Construct, id: string, props: GithubDeployRolesProps) {
    super(scope, id);
    const { config, environments } = props;
    const repository = config.githubRepository;
    this.oidcProviderArn =
      config.createOidcProvider === false
        ? new DataAwsIamOpenidConnectProvider(this, "github-oidc", { url: GITHUB_OIDC_URL }).arn
        : new IamOpenidConnectProvider(this, "github-oidc", { url: GITHUB_OIDC_URL, clientIdList: ["sts.amazonaws.com"] }).arn;

    const names = bootstrapRoleNames(config);
    const bucketArn = `arn:aws:s3:::${props.stateBucketName}`;
    const all = environments.map((environment) => environmentArns(environment));

    // Pull requests, and main's prod plan before its approval, plan with -lock=false: the plan role never writes, not even a lock file.
    this.planRole = this.role(
      "plan",
      names.plan,
      [`repo:${repository}:pull_request`, `repo:${repository}:ref:refs/heads/main`],
      [
        { actions: ["s3:ListBucket"], resources: [bucketArn] },
        { actions: ["s3:GetObject"], resources: environments.flatMap((environment) => stateObjectArns(environment, props.stateBucketName).filter((key) => key.endsWith(".tfstate"))) },
        { actions: COGNITO_READ, resources: [...new Set(all.map((arns) => arns.userPools))] },
        // DescribeUserPoolDomain names a domain, not a pool: it has no resource-level permission.
        { actions: ["cognito-idp:DescribeUserPoolDomain"], resources: ["*"] },
        { actions: ["apigateway:GET"], resources: [...new Set(all.map((arns) => arns.restApiChildren))] },
        { actions: LAMBDA_READ, resources: all.map((arns) => arns.functions) },
        { actions: DYNAMODB_READ, resources: all.map((arns) => arns.tables) },
        { actions: ROLE_READ, resources: all.map((arns) => arns.roles) },
        { actions: ["logs:DescribeLogGroups"], resources: ["*"] },
        { actions: ["logs:ListTagsForResource", "logs:ListTagsLogGroup"], resources: all.flatMap((arns) => [...arns.namedLogGroups, arns.executionLogGroups]) },
      ],
      "read-only verbs for terraform plan; pools and REST APIs get ids only at creation, so their ARNs end in a wildcard; DescribeUserPoolDomain and DescribeLogGroups have no resource-level permissions",
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
      const protectedRoles = [names.plan, `${names.applyPrefix}*`, names.logging].map((name) => `arn:aws:iam::${environment.accountId}:role/${name}`);
      applyRoles.set(
        environment.name,
        this.role(
          `apply-${environment.name}`,
          `${names.applyPrefix}${environment.name}`,
          [`repo:${repository}:environment:${environment.name}`],
          [
            { actions: ["s3:ListBucket"], resources: [bucketArn] },
            { actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources: stateObjectArns(environment, props.stateBucketName) },
            { actions: ["cognito-idp:CreateUserPool"], resources: ["*"], condition: tagged("RequestTag") },
            { actions: COGNITO_MANAGEMENT, resources: [arns.userPools], condition: tagged("ResourceTag") },
            { actions: ["cognito-idp:DescribeUserPoolDomain"], resources: ["*"] },
            { actions: ["apigateway:POST"], resources: [arns.restApis], condition: tagged("RequestTag") },
            { actions: ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"], resources: [arns.restApiChildren, arns.apiTags], condition: tagged("ResourceTag") },
            { actions: LAMBDA_MANAGEMENT, resources: [arns.functions] },
            { actions: DYNAMODB_MANAGEMENT, resources: [arns.tables] },
            { actions: ["logs:DescribeLogGroups"], resources: ["*"] },
            { actions: LOG_GROUP_MANAGEMENT, resources: arns.namedLogGroups },
            { actions: LOG_GROUP_MANAGEMENT, resources: [arns.executionLogGroups], condition: tagged("ResourceTag") },
            { actions: ["logs:CreateLogGroup", "logs:TagResource", "logs:TagLogGroup"], resources: [arns.executionLogGroups], condition: tagged("RequestTag") },
            { actions: ROLE_READ, resources: [arns.roles] },
            { actions: ["iam:ListInstanceProfilesForRole"], resources: [arns.roles] },
            // Only roles that carry the environment's boundary can be created or changed (IAM User Guide, permissions boundaries).
            { actions: BOUNDED_ROLE_WRITES, resources: [arns.roles], condition: withBoundary },
            { actions: ROLE_UPKEEP, resources: [arns.roles] },
            { actions: ["iam:PassRole"], resources: [arns.roles], condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } },
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

  /** A role for GitHub workflows whose OIDC subject is one of `subjects`; its wildcards are suppressed with `wildcardReason`. */
  private role(id: string, name: string, subjects: readonly string[], statements: readonly PolicyStatement[], wildcardReason: string): IamRole {
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
            Condition: {
              StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com", [`${GITHUB_OIDC_HOST}:sub`]: [...subjects] },
            },
          },
        ],
      }),
    });
    const policy = new IamRolePolicy(this, `${id}-policy`, { name: `${id}-least-privilege`, role: role.id, policy: policyDocument(statements) });
    suppress(policy, { ruleId: "IAM5", reason: wildcardReason });
    return role;
  }
}

import { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { BootstrapConfig } from "../config";
import { policyDocument, type PolicyStatement } from "../iam/policy-document";
import { suppress } from "../policy/suppressions";

export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

export interface GithubDeployRolesProps {
  readonly config: BootstrapConfig;
  readonly stateBucketArn: string;
}

/** Roles GitHub Actions assume through OIDC (no stored keys): a read-only plan role and an apply role. */
export class GithubDeployRoles extends Construct {
  readonly planRole: IamRole;
  readonly applyRole: IamRole;
  readonly oidcProviderArn: string;

  constructor(scope: Construct, id: string, props: GithubDeployRolesProps) {
    super(scope, id);
    const { config } = props;
    const repository = config.githubRepository;
    this.oidcProviderArn =
      config.createOidcProvider === false
        ? new DataAwsIamOpenidConnectProvider(this, "github-oidc", { url: GITHUB_OIDC_URL }).arn
        : new IamOpenidConnectProvider(this, "github-oidc", { url: GITHUB_OIDC_URL, clientIdList: ["sts.amazonaws.com"] }).arn;

    const account = new DataAwsCallerIdentity(this, "account").accountId;
    const { region, namePrefix } = config;
    const arns = {
      stateObjects: `${props.stateBucketArn}/${namePrefix}/*`,
      functions: `arn:aws:lambda:${region}:${account}:function:${namePrefix}-*`,
      tables: `arn:aws:dynamodb:${region}:${account}:table/${namePrefix}-*`,
      roles: `arn:aws:iam::${account}:role/${namePrefix}-*`,
      apis: `arn:aws:apigateway:${region}::/*`,
      logGroups: [
        `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${namePrefix}-*`,
        `arn:aws:logs:${region}:${account}:log-group:/aws/apigateway/${namePrefix}-*`,
        `arn:aws:logs:${region}:${account}:log-group:API-Gateway-Execution-Logs_*`,
      ],
    };

    // Pull requests plan with -lock=false, so the plan role never writes, not even a lock file.
    this.planRole = this.role("plan", `${namePrefix}-github-plan`, [`repo:${repository}:pull_request`], [
      { actions: ["s3:ListBucket"], resources: [props.stateBucketArn] },
      { actions: ["s3:GetObject"], resources: [arns.stateObjects] },
      { actions: ["cognito-idp:Describe*", "cognito-idp:Get*", "cognito-idp:List*"], resources: ["*"] },
      { actions: ["apigateway:GET"], resources: [arns.apis] },
      { actions: ["lambda:Get*", "lambda:List*"], resources: [arns.functions] },
      { actions: ["dynamodb:Describe*", "dynamodb:ListTagsOfResource"], resources: [arns.tables] },
      { actions: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"], resources: [arns.roles] },
      { actions: ["logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup"], resources: ["*"] },
    ], "terraform plan refreshes every resource of the app stacks; the grant is read-only verbs (Describe, Get, List) on the project's services and names");

    const subjects = [`repo:${repository}:ref:refs/heads/main`, ...config.deployEnvironments.map((environment) => `repo:${repository}:environment:${environment}`)];
    this.applyRole = this.role("apply", `${namePrefix}-github-apply`, subjects, [
      { actions: ["s3:ListBucket"], resources: [props.stateBucketArn] },
      { actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources: [arns.stateObjects] },
      { actions: ["cognito-idp:*"], resources: ["*"] },
      { actions: ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"], resources: [arns.apis] },
      { actions: ["lambda:*"], resources: [arns.functions] },
      { actions: ["dynamodb:*"], resources: [arns.tables] },
      { actions: ["logs:DescribeLogGroups"], resources: ["*"] },
      {
        actions: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:TagLogGroup", "logs:ListTagsForResource", "logs:ListTagsLogGroup"],
        resources: arns.logGroups,
      },
      {
        actions: [
          "iam:CreateRole",
          "iam:DeleteRole",
          "iam:GetRole",
          "iam:UpdateRole",
          "iam:UpdateAssumeRolePolicy",
          "iam:TagRole",
          "iam:UntagRole",
          "iam:PutRolePolicy",
          "iam:DeleteRolePolicy",
          "iam:GetRolePolicy",
          "iam:ListRolePolicies",
          "iam:ListAttachedRolePolicies",
          "iam:ListInstanceProfilesForRole",
        ],
        resources: [arns.roles],
      },
      { actions: ["iam:PassRole"], resources: [arns.roles], condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } },
    ], "the apply role creates and changes the app stacks' resources: services scoped to names with the project prefix; Cognito's CreateUserPool has no resource-level permission");
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

import { Testing } from "cdktf";
import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { bootstrap, environments } from "../../environments";
import { BootstrapStack } from "../../stacks/bootstrap/bootstrap-stack";
import { GuardError } from "../../stacks/guard/guard-error";
import { isBlocking } from "../../stacks/policy/policy-aspect";
import { configsOf, findResource, referenceTo } from "../helpers/stacks";
import { ACCOUNT, decide } from "../helpers/iam";

const allEnvironments = Object.values(environments);
const stack = new BootstrapStack(Testing.app(), "bootstrap", bootstrap, allEnvironments);
const synthesized = Testing.synth(stack);
const json = JSON.parse(synthesized);
const trustOf = (roleName: string) => JSON.parse(findResource(json, "aws_iam_role", "name", roleName).assume_role_policy).Statement[0];
const policyOf = (roleName: string) =>
  JSON.parse(findResource(json, "aws_iam_role_policy", "role", referenceTo(json, "aws_iam_role", "name", roleName, "id")).policy) as {
    Statement: Array<{ Effect: string; Action: string[]; Resource: string[]; Condition?: object }>;
  };

const REGION = "eu-west-1";
const devApply = policyOf("notes-github-apply-dev");
const prodApply = policyOf("notes-github-apply-prod");
const plan = policyOf("notes-github-plan-main");
const boundary = (environment: string) => `arn:aws:iam::${ACCOUNT}:policy/notes-${environment}-function-boundary`;
const table = (environment: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/notes-${environment}-notes`;
const pool = `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${REGION}_AbCdEf123`;
const restApi = `arn:aws:apigateway:${REGION}::/restapis/a1b2c3d4e5/resources/r1/methods/GET`;
const tagged = (kind: "ResourceTag" | "RequestTag", value: string) => ({ [`aws:${kind}/deploy-environment`]: value });
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

describe("BootstrapStack", () => {
  test("the state bucket is versioned, encrypted, private and kept", () => {
    const bucket = findResource(json, "aws_s3_bucket", "bucket", bootstrap.stateBucket);
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    expect(synthesized).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
    expect(configsOf(json, "aws_s3_bucket_server_side_encryption_configuration")[0]!.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" }, bucket_key_enabled: true },
    ]);
    expect(synthesized).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test("the state bucket refuses plain HTTP", () => {
    const statement = JSON.parse(configsOf(json, "aws_s3_bucket_policy")[0]!.policy).Statement[0];
    const arn = referenceTo(json, "aws_s3_bucket", "bucket", bootstrap.stateBucket, "arn");
    expect(statement).toEqual({
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:*"],
      Resource: [arn, `${arn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  test("GitHub's OIDC provider is trusted for sts.amazonaws.com", () => {
    expect(synthesized).toHaveResourceWithProperties(IamOpenidConnectProvider, {
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
  });

  test("the pull-request plan role is trusted only for this repository's pull requests", () => {
    const trust = trustOf("notes-github-plan-pull-request");
    expect(trust.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(trust.Principal.Federated).toBe(referenceTo(json, "aws_iam_openid_connect_provider", "url", "https://token.actions.githubusercontent.com", "arn"));
    expect(trust.Condition).toEqual({
      StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
      StringLike: { "token.actions.githubusercontent.com:sub": "repo:example-org/notes-api:pull_request:ref:refs/pull/*/merge" },
    });
  });

  test("the main plan role is trusted only for jobs on main that name no environment", () => {
    expect(trustOf("notes-github-plan-main").Condition).toEqual({
      StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": "repo:example-org/notes-api:ref:refs/heads/main:ref:refs/heads/main" },
    });
  });

  test("each deploy environment has its own apply role, trusted only for jobs of that GitHub environment on main", () => {
    for (const environment of bootstrap.deployEnvironments) {
      expect(trustOf(`notes-github-apply-${environment}`).Condition).toEqual({
        StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": `repo:example-org/notes-api:environment:${environment}:ref:refs/heads/main` },
      });
    }
    expect(configsOf(json, "aws_iam_role").map((candidate) => candidate.name).sort()).toEqual(
      ["notes-apigateway-cloudwatch", ...bootstrap.deployEnvironments.map((environment) => `notes-github-apply-${environment}`), "notes-github-plan-main", "notes-github-plan-pull-request"].sort(),
    );
  });

  test("the subjects follow the deploy branch and a repository's immutable subject prefix", () => {
    const custom = JSON.parse(Testing.synth(new BootstrapStack(Testing.app(), "bootstrap", { ...bootstrap, deployBranch: "release", oidcSubjectRepository: "example-org@123/notes-api@456" }, allEnvironments)));
    const subjectOf = (name: string) => JSON.parse(findResource(custom, "aws_iam_role", "name", name).assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"];
    expect(subjectOf("notes-github-apply-prod")).toBe("repo:example-org@123/notes-api@456:environment:prod:ref:refs/heads/release");
    expect(subjectOf("notes-github-plan-main")).toBe("repo:example-org@123/notes-api@456:ref:refs/heads/release:ref:refs/heads/release");
  });

  test("each environment's function boundary caps functions to that environment's tables, log groups and traces", () => {
    const statements = JSON.parse(findResource(json, "aws_iam_policy", "name", "notes-dev-function-boundary").policy).Statement;
    expect(statements.flatMap((statement: { Resource: string[] }) => statement.Resource)).toEqual([
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/notes-dev-*:*`,
      "*",
      `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/notes-dev-*`,
    ]);
  });

  test("API Gateway gets its account-level CloudWatch role, which no plan may destroy", () => {
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayAccount, {
      cloudwatch_role_arn: referenceTo(json, "aws_iam_role", "name", "notes-apigateway-cloudwatch", "arn"),
      lifecycle: { prevent_destroy: true },
    });
    expect(JSON.parse(findResource(json, "aws_iam_role", "name", "notes-apigateway-cloudwatch").assume_role_policy).Statement[0].Principal).toEqual({
      Service: "apigateway.amazonaws.com",
    });
    expect(configsOf(json, "aws_iam_role_policy_attachment")).toHaveLength(0);
  });

  test("outputs what the workflows need: one apply role per environment", () => {
    expect(Object.keys(json.output).sort()).toEqual(
      [...bootstrap.deployEnvironments.map((environment) => `apply_role_arn_${environment}`), "main_plan_role_arn", "pull_request_plan_role_arn", "state_bucket", "state_region"].sort(),
    );
  });

  test("the provider refuses credentials of any other account", () => {
    expect(json.provider.aws[0].allowed_account_ids).toEqual([bootstrap.accountId]);
  });

  test("has no unsuppressed policy error; every suppression says why", () => {
    const findings = stack.policy.evaluate(stack);
    expect(findings.filter(isBlocking)).toEqual([]);
    expect(findings.filter((finding) => finding.suppressedBecause).map((finding) => finding.path).sort()).toEqual(
      [
        "bootstrap/api-gateway-logging/policy",
        "bootstrap/github/plan-main-policy",
        ...bootstrap.deployEnvironments.flatMap((environment) => [`bootstrap/github/apply-${environment}-policy`, `bootstrap/github/${environment}-function-boundary`]),
      ].sort(),
    );
  });

  test("can use an existing OIDC provider instead of creating one", () => {
    const existing = JSON.parse(Testing.synth(new BootstrapStack(Testing.app(), "bootstrap", { ...bootstrap, createOidcProvider: false }, allEnvironments)));
    expect(existing.resource.aws_iam_openid_connect_provider).toBeUndefined();
    expect(Object.values(existing.data.aws_iam_openid_connect_provider)).toEqual([expect.objectContaining({ url: "https://token.actions.githubusercontent.com" })]);
  });

  test.each([
    ["githubRepository has no owner", { githubRepository: "notes-api" }, "githubRepository", '"notes-api"', "owner/name of the GitHub repository"],
    ["the state bucket name has a dot", { stateBucket: "example.state" }, "stateBucket", '"example.state"', "no dots"],
    ["the state bucket name is too short", { stateBucket: "ab" }, "stateBucket", '"ab"', "3 to 63 characters"],
    ["the state bucket uses a reserved prefix", { stateBucket: "xn--state" }, "stateBucket", '"xn--state"', "reserves the prefixes"],
    ["the region is unknown", { region: "moon-1" }, "region", '"moon-1"', "not an AWS region"],
    ["the account id is a placeholder word", { accountId: "ACCOUNT" }, "accountId", '"ACCOUNT"', "12 digits"],
    ["an environment is listed twice", { deployEnvironments: ["dev", "dev", "prod"] }, "deployEnvironments", '"dev"', "listed twice"],
    ["pull requests may read an environment that needs approval", { pullRequestEnvironments: ["dev", "prod"] }, "pullRequestEnvironments", '"prod"', "needs an approval to deploy"],
    ["pull requests may read an environment that is not deployed", { pullRequestEnvironments: ["nowhere"] }, "pullRequestEnvironments", '"nowhere"', "not in deployEnvironments"],
    ["an approval names an environment that is not deployed", { approvals: { nowhere: { teams: ["platform-leads"] } } }, "approvals", '"nowhere"', "not in deployEnvironments"],
    ["an approval names nobody", { approvals: { prod: {} } }, "approvals.prod", "{}", "1 to 6 teams and users"],
    ["an approval names seven reviewers", { approvals: { prod: { users: ["a", "b", "c", "d", "e", "f", "g"] } } }, "approvals.prod", '{"users":["a","b","c","d","e","f","g"]}', "1 to 6 teams and users"],
    ["a reviewer is not a GitHub login", { approvals: { prod: { users: ["no spaces"] } } }, "approvals.prod.users", '"no spaces"', "a GitHub user login"],
    ["a team is given with its organization", { approvals: { prod: { teams: ["example-org/platform-leads"] } } }, "approvals.prod.teams", '"example-org/platform-leads"', "the team's slug"],
    ["the deploy branch is not a branch name", { deployBranch: "refs/heads/main" }, "deployBranch", '"refs/heads/main"', "a branch name"],
    ["the OIDC subject repository is malformed", { oidcSubjectRepository: "example-org:notes" }, "oidcSubjectRepository", '"example-org:notes"', "owner/name"],
  ] as const)("fails when %s", (_, change, field, value, message) => {
    // WHEN the bootstrap stack is built from a config with one bad field
    const build = () => new BootstrapStack(Testing.app(), "bootstrap", { ...bootstrap, ...change }, allEnvironments);
    // THEN one guard error names the field and the value, before anything exists
    expect(build).toThrow(GuardError);
    expect(build).toThrow(new RegExp(`auth guard: 1 misconfiguration.*\\n  - \\[bootstrap\\] bootstrap: ${field} = ${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .*${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  });

  test("fails when a deploy environment lives in another account", () => {
    const elsewhere = allEnvironments.map((environment) => (environment.name === "prod" ? { ...environment, accountId: "444455556666" } : environment));
    expect(() => new BootstrapStack(Testing.app(), "bootstrap", bootstrap, elsewhere)).toThrow(
      "[bootstrap] bootstrap: deployEnvironments = \"prod\": environment 'prod' is in account 444455556666, the bootstrap in 111122223333",
    );
  });

  test("fails when deployEnvironments names an environment the app does not have", () => {
    expect(() => new BootstrapStack(Testing.app(), "bootstrap", { ...bootstrap, deployEnvironments: ["dev", "example-never-defined"] }, allEnvironments)).toThrow(GuardError);
    expect(() => new BootstrapStack(Testing.app(), "bootstrap", { ...bootstrap, deployEnvironments: ["example-never-defined"] }, allEnvironments)).toThrow(
      `[bootstrap] bootstrap: deployEnvironments = "example-never-defined": no environment is named 'example-never-defined' (environments: ${allEnvironments.map((environment) => environment.name).join(", ")})`,
    );
  });
});

// Questions an attacker or a careless change would ask, answered by an IAM policy evaluator.
describe("bootstrap IAM, asked as questions", () => {
  test.each([
    ["UpdateTable", "dynamodb:UpdateTable"],
    ["DeleteTable", "dynamodb:DeleteTable"],
  ])("apply-dev cannot %s the prod table; apply-prod can", async (_name, action) => {
    expect(await decide(devApply, { action, resource: table("prod") })).not.toBe("Allowed");
    expect(await decide(prodApply, { action, resource: table("prod") })).toBe("Allowed");
    expect(await decide(devApply, { action, resource: table("dev") })).toBe("Allowed");
  });

  test("apply-dev cannot change prod's state, only its own", async () => {
    const key = (stack: string) => `arn:aws:s3:::${bootstrap.stateBucket}/notes/${stack}.tfstate`;
    expect(await decide(devApply, { action: "s3:PutObject", resource: key("prod") })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "s3:PutObject", resource: key("prod-data") })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "s3:PutObject", resource: key("dev") })).toBe("Allowed");
    expect(await decide(devApply, { action: "s3:PutObject", resource: `${key("dev-data")}.tflock` })).toBe("Allowed");
  });

  test("apply-dev cannot change prod's user pool or REST API: they carry prod's deploy-environment tag", async () => {
    expect(await decide(devApply, { action: "cognito-idp:UpdateUserPool", resource: pool, context: tagged("ResourceTag", "notes-prod") })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "cognito-idp:UpdateUserPool", resource: pool, context: tagged("ResourceTag", "notes-dev") })).toBe("Allowed");
    expect(await decide(devApply, { action: "apigateway:DELETE", resource: restApi, context: tagged("ResourceTag", "notes-prod") })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "apigateway:PATCH", resource: restApi, context: tagged("ResourceTag", "notes-dev") })).toBe("Allowed");
  });

  test("an apply role creates pools and REST APIs only with its own environment's tag", async () => {
    expect(await decide(devApply, { action: "cognito-idp:CreateUserPool", resource: "*", context: tagged("RequestTag", "notes-dev") })).toBe("Allowed");
    expect(await decide(devApply, { action: "cognito-idp:CreateUserPool", resource: "*", context: tagged("RequestTag", "notes-prod") })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "apigateway:POST", resource: `arn:aws:apigateway:${REGION}::/restapis`, context: tagged("RequestTag", "notes-prod") })).not.toBe(
      "Allowed",
    );
  });

  test.each(["dev", "prod"])("apply-%s cannot change its own policy or trust, nor the other bootstrap roles", async (environment) => {
    const policy = environment === "dev" ? devApply : prodApply;
    for (const target of [`notes-github-apply-${environment}`, "notes-github-apply-dev", "notes-github-plan-main", "notes-github-plan-pull-request", "notes-apigateway-cloudwatch"]) {
      for (const action of ["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRolePermissionsBoundary"]) {
        expect([target, action, await decide(policy, { action, resource: role(target), context: { "iam:PermissionsBoundary": boundary(environment) } })]).toEqual([
          target,
          action,
          "ExplicitlyDenied",
        ]);
      }
    }
  });

  test("an apply role creates and changes function roles only with its environment's boundary, and cannot lift it", async () => {
    const functionRole = role("notes-dev-notes-list-role");
    expect(await decide(devApply, { action: "iam:CreateRole", resource: functionRole, context: { "iam:PermissionsBoundary": boundary("dev") } })).toBe("Allowed");
    expect(await decide(devApply, { action: "iam:CreateRole", resource: functionRole })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "iam:CreateRole", resource: functionRole, context: { "iam:PermissionsBoundary": boundary("prod") } })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "iam:PutRolePolicy", resource: functionRole, context: { "iam:PermissionsBoundary": boundary("dev") } })).toBe("Allowed");
    expect(await decide(devApply, { action: "iam:PutRolePolicy", resource: role("notes-prod-notes-list-role"), context: { "iam:PermissionsBoundary": boundary("prod") } })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "iam:DeleteRolePermissionsBoundary", resource: functionRole })).toBe("ExplicitlyDenied");
    expect(await decide(devApply, { action: "iam:CreatePolicyVersion", resource: boundary("dev") })).toBe("ExplicitlyDenied");
  });

  test("an apply role passes only its environment's function roles, and only to Lambda", async () => {
    const context = (service: string) => ({ "iam:PassedToService": service });
    expect(await decide(devApply, { action: "iam:PassRole", resource: role("notes-dev-me-role"), context: context("lambda.amazonaws.com") })).toBe("Allowed");
    expect(await decide(devApply, { action: "iam:PassRole", resource: role("notes-dev-me-role"), context: context("ec2.amazonaws.com") })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "iam:PassRole", resource: role("notes-prod-me-role"), context: context("lambda.amazonaws.com") })).not.toBe("Allowed");
  });

  test("no role touches table data: Terraform needs the control plane only", async () => {
    for (const policy of [devApply, prodApply, plan]) {
      for (const action of ["dynamodb:GetItem", "dynamodb:Scan", "dynamodb:PutItem", "dynamodb:Query"]) {
        expect(await decide(policy, { action, resource: table("dev") })).not.toBe("Allowed");
      }
    }
  });

  test("the main plan role cannot list users, read or change them, or write anything", async () => {
    for (const action of ["cognito-idp:ListUsers", "cognito-idp:AdminGetUser", "cognito-idp:AdminCreateUser", "cognito-idp:AdminSetUserPassword", "cognito-idp:UpdateUserPool"]) {
      expect([action, await decide(plan, { action, resource: pool })]).toEqual([action, "ImplicitlyDenied"]);
    }
    expect(await decide(plan, { action: "s3:PutObject", resource: `arn:aws:s3:::${bootstrap.stateBucket}/notes/dev.tfstate` })).not.toBe("Allowed");
    expect(await decide(plan, { action: "apigateway:PATCH", resource: restApi })).not.toBe("Allowed");
    expect(await decide(plan, { action: "lambda:UpdateFunctionCode", resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:notes-dev-me` })).not.toBe("Allowed");
  });

  test("the main plan role reads what terraform plan refreshes, in every environment", async () => {
    expect(await decide(plan, { action: "s3:GetObject", resource: `arn:aws:s3:::${bootstrap.stateBucket}/notes/prod-data.tfstate` })).toBe("Allowed");
    for (const environment of ["notes-dev", "notes-prod"]) {
      expect(await decide(plan, { action: "cognito-idp:DescribeUserPool", resource: pool, context: tagged("ResourceTag", environment) })).toBe("Allowed");
      expect(await decide(plan, { action: "cognito-idp:DescribeUserPoolClient", resource: pool, context: tagged("ResourceTag", environment) })).toBe("Allowed");
      expect(await decide(plan, { action: "apigateway:GET", resource: restApi, context: tagged("ResourceTag", environment) })).toBe("Allowed");
    }
    expect(await decide(plan, { action: "dynamodb:DescribeTable", resource: table("prod") })).toBe("Allowed");
  });

  test.each([
    ["an untagged pool of another app", { action: "cognito-idp:DescribeUserPoolClient", resource: `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${REGION}_Other123` }],
    ["a pool of another team's environment", { action: "cognito-idp:DescribeUserPoolClient", resource: pool, context: tagged("ResourceTag", "billing-prod") }],
    ["an untagged REST API", { action: "apigateway:GET", resource: `arn:aws:apigateway:${REGION}::/restapis/zzzz999999/stages/prod` }],
  ] as const)("fails when the main plan role reads %s", async (_, question) => {
    expect(await decide(plan, question)).not.toBe("Allowed");
  });

  test.each(["notes-github-plan-main", "notes-github-plan-pull-request"])("%s's only verbs are reads", (name) => {
    const verbs = policyOf(name).Statement.flatMap((statement) => statement.Action).map((action) => action.split(":")[1]!);
    expect(verbs.filter((verb) => !/^(Describe|Get|List)/.test(verb) && verb !== "GET")).toEqual([]);
  });
});

// The delivery review's findings, each asked of the evaluator.
describe("bootstrap IAM: the delivery review", () => {
  const pullRequestPlan = policyOf("notes-github-plan-pull-request");
  const executionLogGroup = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:API-Gateway-Execution-Logs_a1b2c3d4e5/prod`;
  const tagging = (resourceTag: string | undefined, requestTag: string, keys: string[] = ["deploy-environment"]) => ({
    ...(resourceTag ? tagged("ResourceTag", resourceTag) : {}),
    ...tagged("RequestTag", requestTag),
    "aws:TagKeys": keys,
  });

  test.each(["logs:TagResource", "logs:TagLogGroup"])("fails when the dev apply role retags a prod-tagged log group (%s)", async (action) => {
    expect(await decide(devApply, { action, resource: executionLogGroup, context: tagging("notes-prod", "notes-dev") })).not.toBe("Allowed");
    expect(await decide(devApply, { action, resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/notes-dev-me`, context: tagging("notes-prod", "notes-dev") })).not.toBe("Allowed");
  });

  test("fails when an apply role strips or rewrites its own environment tag, or sets a tag key the environment does not have", async () => {
    const own = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/notes-dev-me`;
    expect(await decide(devApply, { action: "logs:UntagResource", resource: own, context: { ...tagged("ResourceTag", "notes-dev"), "aws:TagKeys": ["deploy-environment"] } })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "logs:TagResource", resource: own, context: tagging("notes-dev", "notes-prod") })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "logs:TagResource", resource: own, context: { ...tagged("ResourceTag", "notes-dev"), "aws:TagKeys": ["owner"] } })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "cognito-idp:TagResource", resource: pool, context: tagging("notes-dev", "notes-prod") })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "lambda:TagResource", resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:notes-dev-me`, context: tagging("notes-prod", "notes-dev") })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "dynamodb:TagResource", resource: table("dev"), context: tagging("notes-prod", "notes-dev") })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "iam:TagRole", resource: role("notes-dev-me-role"), context: tagging("notes-prod", "notes-dev") })).not.toBe("Allowed");
    // API Gateway's tagging API has no resource-tag key: the environment tag is set at creation and never through it
    expect(await decide(devApply, { action: "apigateway:PUT", resource: `arn:aws:apigateway:${REGION}::/tags/arn%3Aaws%3Aapigateway%3A${REGION}%3A%3A%2Frestapis%2Fa1b2c3d4e5`, context: tagging(undefined, "notes-dev") })).not.toBe("Allowed");
  });

  test("an apply role still tags what it creates and changes the other tags of its own resources", async () => {
    expect(await decide(devApply, { action: "logs:CreateLogGroup", resource: executionLogGroup, context: tagging(undefined, "notes-dev", ["project", "environment", "deploy-environment"]) })).toBe("Allowed");
    expect(await decide(devApply, { action: "logs:TagResource", resource: executionLogGroup, context: tagging(undefined, "notes-dev", ["project", "environment", "deploy-environment"]) })).toBe("Allowed");
    expect(await decide(devApply, { action: "logs:TagResource", resource: executionLogGroup, context: { ...tagged("ResourceTag", "notes-dev"), "aws:TagKeys": ["project"] } })).toBe("Allowed");
    expect(await decide(devApply, { action: "logs:UntagResource", resource: executionLogGroup, context: { ...tagged("ResourceTag", "notes-dev"), "aws:TagKeys": ["project"] } })).toBe("Allowed");
    expect(await decide(devApply, { action: "lambda:TagResource", resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:notes-dev-me`, context: tagging(undefined, "notes-dev", ["project", "deploy-environment"]) })).toBe("Allowed");
    expect(await decide(devApply, { action: "apigateway:PUT", resource: `arn:aws:apigateway:${REGION}::/tags/x`, context: { "aws:TagKeys": ["project"], "aws:RequestTag/project": "notes" } })).toBe("Allowed");
  });

  test("fails when the dev apply role rewrites a function role's trust", async () => {
    expect(await decide(devApply, { action: "iam:UpdateAssumeRolePolicy", resource: role("notes-dev-notes-list-role") })).not.toBe("Allowed");
  });

  test.each([["*"], ["444455556666"], ["arn:aws:iam::444455556666:root"], ["events.amazonaws.com"]])("fails when the dev apply role grants invoke to %s", async (principal) => {
    expect(await decide(devApply, { action: "lambda:AddPermission", resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:notes-dev-me`, context: { "lambda:Principal": principal } })).not.toBe("Allowed");
  });

  test.each(["apigateway.amazonaws.com", "cognito-idp.amazonaws.com"])("an apply role grants invoke to %s, which the stacks need", async (principal) => {
    expect(await decide(devApply, { action: "lambda:AddPermission", resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:notes-dev-me`, context: { "lambda:Principal": principal } })).toBe("Allowed");
  });

  test.each([
    ["reads prod's state", { action: "s3:GetObject", resource: `arn:aws:s3:::${bootstrap.stateBucket}/notes/prod.tfstate` }],
    ["reads prod-data's state", { action: "s3:GetObject", resource: `arn:aws:s3:::${bootstrap.stateBucket}/notes/prod-data.tfstate` }],
    ["reads the prod pool's clients", { action: "cognito-idp:DescribeUserPoolClient", resource: pool, context: tagged("ResourceTag", "notes-prod") }],
    ["reads the dev pool's clients (their secrets)", { action: "cognito-idp:DescribeUserPoolClient", resource: pool, context: tagged("ResourceTag", "notes-dev") }],
    ["reads an untagged pool of another app", { action: "cognito-idp:DescribeUserPool", resource: `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${REGION}_Other123` }],
    ["reads an untagged REST API", { action: "apigateway:GET", resource: `arn:aws:apigateway:${REGION}::/restapis/zzzz999999/stages/prod` }],
    ["reads a prod function", { action: "lambda:GetFunction", resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:notes-prod-me` }],
  ] as const)("fails when the pull-request plan role %s", async (_, question) => {
    expect(await decide(pullRequestPlan, question)).not.toBe("Allowed");
  });

  test("the pull-request plan role reads the dev state it plans against", async () => {
    for (const stack of ["dev", "dev-data"]) {
      expect(await decide(pullRequestPlan, { action: "s3:GetObject", resource: `arn:aws:s3:::${bootstrap.stateBucket}/notes/${stack}.tfstate` })).toBe("Allowed");
    }
  });
});

describe("bootstrap IAM: the production-operations resources", () => {
  const zone = `arn:aws:route53:::hostedzone/${environments.prod.domains!.hostedZoneId}`;
  const records = (names: string[], types: string[] = ["A"]) => ({ "route53:ChangeResourceRecordSetsNormalizedRecordNames": names, "route53:ChangeResourceRecordSetsRecordTypes": types });
  const webAcl = (name: string) => `arn:aws:wafv2:${REGION}:${ACCOUNT}:regional/webacl/${name}/a1b2c3d4-0000-1111-2222-333344445555`;

  test("apply-prod writes Route 53 records of prod's names and their validation records only", async () => {
    expect(await decide(prodApply, { action: "route53:ChangeResourceRecordSets", resource: zone, context: records(["api.notes.example.com"], ["A", "AAAA"]) })).toBe("Allowed");
    expect(await decide(prodApply, { action: "route53:ChangeResourceRecordSets", resource: zone, context: records(["_3f2a9c.auth.notes.example.com"], ["CNAME"]) })).toBe("Allowed");
    expect(await decide(prodApply, { action: "route53:ChangeResourceRecordSets", resource: zone, context: records(["notes.example.com"]) })).not.toBe("Allowed");
    expect(await decide(prodApply, { action: "route53:ChangeResourceRecordSets", resource: zone, context: records(["api.notes.example.com"], ["MX"]) })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "route53:ChangeResourceRecordSets", resource: zone, context: records(["api.notes.example.com"]) })).not.toBe("Allowed");
  });

  test("fails when apply-dev changes prod's web ACL, alarms, topic or key", async () => {
    expect(await decide(devApply, { action: "wafv2:UpdateWebACL", resource: webAcl("notes-prod-api"), context: tagged("ResourceTag", "notes-prod") })).not.toBe("Allowed");
    expect(await decide(prodApply, { action: "wafv2:UpdateWebACL", resource: webAcl("notes-prod-api"), context: tagged("ResourceTag", "notes-prod") })).toBe("Allowed");
    expect(await decide(devApply, { action: "cloudwatch:DeleteAlarms", resource: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:notes-prod-api-prod-5xx-rate` })).not.toBe("Allowed");
    expect(await decide(prodApply, { action: "cloudwatch:PutMetricAlarm", resource: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:notes-prod-api-prod-5xx-rate` })).toBe("Allowed");
    expect(await decide(devApply, { action: "sns:SetTopicAttributes", resource: `arn:aws:sns:${REGION}:${ACCOUNT}:notes-prod-alarms` })).not.toBe("Allowed");
    expect(await decide(devApply, { action: "kms:PutKeyPolicy", resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, context: tagged("ResourceTag", "notes-prod") })).not.toBe("Allowed");
  });

  test("a web ACL is created only with the environment's tag, and associated only with the environment's stage and pool", async () => {
    expect(await decide(prodApply, { action: "wafv2:CreateWebACL", resource: webAcl("notes-prod-api"), context: tagged("RequestTag", "notes-prod") })).toBe("Allowed");
    expect(await decide(devApply, { action: "wafv2:CreateWebACL", resource: webAcl("notes-dev-api"), context: tagged("RequestTag", "notes-prod") })).not.toBe("Allowed");
    // (the evaluator's data gives API Gateway's Stage two ARN patterns in one string, so apigateway:SetWebACL cannot be asked; wafv2's view of the stage can)
    expect(await decide(devApply, { action: "wafv2:AssociateWebACL", resource: `arn:aws:apigateway:${REGION}::/restapis/a1b2c3d4e5/stages/prod`, context: tagged("ResourceTag", "notes-prod") })).not.toBe("Allowed");
    expect(await decide(prodApply, { action: "wafv2:AssociateWebACL", resource: `arn:aws:apigateway:${REGION}::/restapis/a1b2c3d4e5/stages/prod`, context: tagged("ResourceTag", "notes-prod") })).toBe("Allowed");
    expect(await decide(prodApply, { action: "cognito-idp:AssociateWebACL", resource: pool, context: tagged("ResourceTag", "notes-prod") })).toBe("Allowed");
  });

  test("the main plan role reads prod's certificates, web ACLs and alarms, and nothing untagged", async () => {
    const certificate = `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/0a1b2c3d-0000-1111-2222-333344445555`;
    expect(await decide(plan, { action: "acm:DescribeCertificate", resource: certificate, context: tagged("ResourceTag", "notes-prod") })).toBe("Allowed");
    expect(await decide(plan, { action: "acm:DescribeCertificate", resource: certificate })).not.toBe("Allowed");
    expect(await decide(plan, { action: "wafv2:GetWebACL", resource: webAcl("notes-prod-api"), context: tagged("ResourceTag", "notes-prod") })).toBe("Allowed");
    expect(await decide(plan, { action: "cloudwatch:DescribeAlarms", resource: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:notes-prod-api-prod-5xx-rate` })).toBe("Allowed");
  });
});

describe("bootstrap IAM: an environment of the http-jwt flavour", () => {
  // devhttp deployed too: its API is an HTTP API, under /apis, not /restapis. The simulator's IAM
  // data has no resource types for API Gateway V2's actions (it answers "no.resource.types" for
  // /apis), so these read the statements themselves.
  const withHttp = new BootstrapStack(Testing.app(), "bootstrap", { ...bootstrap, deployEnvironments: [...bootstrap.deployEnvironments, "devhttp"] }, allEnvironments);
  const httpJson = JSON.parse(Testing.synth(withHttp));
  const policyIn = (source: typeof json, roleName: string) =>
    JSON.parse(findResource(source, "aws_iam_role_policy", "role", referenceTo(source, "aws_iam_role", "name", roleName, "id")).policy) as { Statement: Array<{ Effect: string; Action: string[]; Resource: string[]; Condition?: Record<string, Record<string, string>> }> };
  const apiGatewayStatements = (roleName: string, source = httpJson) =>
    policyIn(source, roleName).Statement.filter((statement) => statement.Action.some((action) => action.startsWith("apigateway:")) && statement.Resource.some((resource) => /::\/(rest)?apis/.test(resource)));

  test("its apply role creates an HTTP API only with its own tag, and changes only HTTP APIs that carry it", () => {
    const statements = apiGatewayStatements("notes-github-apply-devhttp");
    expect(statements).toEqual([
      { Effect: "Allow", Action: ["apigateway:POST"], Resource: [`arn:aws:apigateway:${REGION}::/apis`], Condition: { StringEquals: { "aws:RequestTag/deploy-environment": "notes-devhttp" } } },
      {
        Effect: "Allow",
        Action: ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"],
        Resource: [`arn:aws:apigateway:${REGION}::/apis/*`],
        Condition: { StringEquals: { "aws:ResourceTag/deploy-environment": "notes-devhttp" } },
      },
    ]);
  });

  test("the REST environments' apply roles keep /restapis only, and the main plan role reads each environment's kind of API by its tag", () => {
    for (const environment of ["dev", "prod"]) {
      const resources = apiGatewayStatements(`notes-github-apply-${environment}`).flatMap((statement) => statement.Resource);
      expect(resources.length).toBeGreaterThan(0);
      expect(resources.every((resource) => resource.includes("::/restapis"))).toBe(true);
    }
    const reads = apiGatewayStatements("notes-github-plan-main").map((statement) => [statement.Resource, statement.Condition]);
    expect(reads).toContainEqual([[`arn:aws:apigateway:${REGION}::/apis/*`], { StringEquals: { "aws:ResourceTag/deploy-environment": "notes-devhttp" } }]);
    expect(reads).toContainEqual([[`arn:aws:apigateway:${REGION}::/restapis/*`], { StringEquals: { "aws:ResourceTag/deploy-environment": "notes-dev" } }]);
  });
});

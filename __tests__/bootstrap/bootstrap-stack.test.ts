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
const plan = policyOf("notes-github-plan");
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

  test("the plan role is trusted only for this repository's pull requests and main's prod plan", () => {
    const trust = trustOf("notes-github-plan");
    expect(trust.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(trust.Principal.Federated).toBe(referenceTo(json, "aws_iam_openid_connect_provider", "url", "https://token.actions.githubusercontent.com", "arn"));
    expect(trust.Condition.StringEquals).toEqual({
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      "token.actions.githubusercontent.com:sub": ["repo:example-org/notes-api:pull_request", "repo:example-org/notes-api:ref:refs/heads/main"],
    });
  });

  test("each deploy environment has its own apply role, trusted only for jobs of that GitHub environment", () => {
    for (const environment of bootstrap.deployEnvironments) {
      expect(trustOf(`notes-github-apply-${environment}`).Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toEqual([
        `repo:example-org/notes-api:environment:${environment}`,
      ]);
    }
    expect(configsOf(json, "aws_iam_role").map((candidate) => candidate.name).sort()).toEqual(
      ["notes-apigateway-cloudwatch", ...bootstrap.deployEnvironments.map((environment) => `notes-github-apply-${environment}`), "notes-github-plan"].sort(),
    );
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
      [...bootstrap.deployEnvironments.map((environment) => `apply_role_arn_${environment}`), "plan_role_arn", "state_bucket", "state_region"].sort(),
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
        "bootstrap/github/plan-policy",
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
    ["an environment is listed twice", { deployEnvironments: ["dev", "dev"] }, "deployEnvironments", '"dev"', "listed twice"],
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
    for (const target of [`notes-github-apply-${environment}`, "notes-github-apply-dev", "notes-github-plan", "notes-apigateway-cloudwatch"]) {
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

  test("the plan role cannot list users, read or change them, or write anything", async () => {
    for (const action of ["cognito-idp:ListUsers", "cognito-idp:AdminGetUser", "cognito-idp:AdminCreateUser", "cognito-idp:AdminSetUserPassword", "cognito-idp:UpdateUserPool"]) {
      expect([action, await decide(plan, { action, resource: pool })]).toEqual([action, "ImplicitlyDenied"]);
    }
    expect(await decide(plan, { action: "s3:PutObject", resource: `arn:aws:s3:::${bootstrap.stateBucket}/notes/dev.tfstate` })).not.toBe("Allowed");
    expect(await decide(plan, { action: "apigateway:PATCH", resource: restApi })).not.toBe("Allowed");
    expect(await decide(plan, { action: "lambda:UpdateFunctionCode", resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:notes-dev-me` })).not.toBe("Allowed");
  });

  test("the plan role reads what terraform plan refreshes", async () => {
    expect(await decide(plan, { action: "s3:GetObject", resource: `arn:aws:s3:::${bootstrap.stateBucket}/notes/prod-data.tfstate` })).toBe("Allowed");
    expect(await decide(plan, { action: "cognito-idp:DescribeUserPool", resource: pool })).toBe("Allowed");
    expect(await decide(plan, { action: "apigateway:GET", resource: restApi })).toBe("Allowed");
    expect(await decide(plan, { action: "dynamodb:DescribeTable", resource: table("prod") })).toBe("Allowed");
  });

  test("the plan role's only verbs are reads", () => {
    const verbs = plan.Statement.flatMap((statement) => statement.Action).map((action) => action.split(":")[1]!);
    expect(verbs.filter((verb) => !/^(Describe|Get|List)/.test(verb) && verb !== "GET")).toEqual([]);
  });
});

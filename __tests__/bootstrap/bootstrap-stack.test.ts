import { Testing } from "cdktf";
import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { bootstrap } from "../../environments";
import { BootstrapStack } from "../../stacks/bootstrap/bootstrap-stack";
import { isBlocking } from "../../stacks/policy/policy-aspect";
import { configsOf, findResource, referenceTo } from "../helpers/stacks";

const stack = new BootstrapStack(Testing.app(), "bootstrap", bootstrap);
const synthesized = Testing.synth(stack);
const json = JSON.parse(synthesized);
const trustOf = (roleName: string) => JSON.parse(findResource(json, "aws_iam_role", "name", roleName).assume_role_policy).Statement[0];
const policyOf = (roleName: string) =>
  JSON.parse(findResource(json, "aws_iam_role_policy", "role", referenceTo(json, "aws_iam_role", "name", roleName, "id")).policy).Statement as Array<{
    Action: string[];
    Resource: string[];
    Condition?: object;
  }>;

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

  test("the plan role is trusted only for this repository's pull requests", () => {
    const trust = trustOf("notes-github-plan");
    expect(trust.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(trust.Principal.Federated).toBe(referenceTo(json, "aws_iam_openid_connect_provider", "url", "https://token.actions.githubusercontent.com", "arn"));
    expect(trust.Condition.StringEquals).toEqual({
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      "token.actions.githubusercontent.com:sub": ["repo:example-org/notes-api:pull_request"],
    });
  });

  test("the plan role only reads", () => {
    const actions = policyOf("notes-github-plan").flatMap((statement) => statement.Action);
    const verbs = actions.map((action) => action.split(":")[1]!);
    expect(verbs.every((verb) => /^(Describe|Get|List)/.test(verb) || verb === "GET" || verb === "ListBucket")).toBe(true);
    expect(actions).toContain("s3:GetObject");
    expect(actions).not.toContain("s3:PutObject");
  });

  test("the apply role is trusted only for main and the deploy environments", () => {
    expect(trustOf("notes-github-apply").Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toEqual([
      "repo:example-org/notes-api:ref:refs/heads/main",
      "repo:example-org/notes-api:environment:dev",
      "repo:example-org/notes-api:environment:prod",
    ]);
  });

  test("the apply role may pass only the project's roles, and only to Lambda", () => {
    const passRole = policyOf("notes-github-apply").find((statement) => statement.Action.includes("iam:PassRole"))!;
    expect(passRole.Resource).toHaveLength(1);
    expect(passRole.Resource[0]).toMatch(/^arn:aws:iam::\$\{data\.aws_caller_identity\.[^.]+\.account_id\}:role\/notes-\*$/);
    expect(passRole.Condition).toEqual({ StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } });
  });

  test("API Gateway gets its account-level CloudWatch role", () => {
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayAccount, {
      cloudwatch_role_arn: referenceTo(json, "aws_iam_role", "name", "notes-apigateway-cloudwatch", "arn"),
    });
    expect(JSON.parse(findResource(json, "aws_iam_role", "name", "notes-apigateway-cloudwatch").assume_role_policy).Statement[0].Principal).toEqual({
      Service: "apigateway.amazonaws.com",
    });
    expect(configsOf(json, "aws_iam_role_policy_attachment")).toHaveLength(0);
  });

  test("outputs what the workflows need", () => {
    expect(Object.keys(json.output).sort()).toEqual(["apply_role_arn", "plan_role_arn", "state_bucket", "state_region"]);
  });

  test("has no unsuppressed policy error; every suppression says why", () => {
    const findings = stack.policy.evaluate(stack);
    expect(findings.filter(isBlocking)).toEqual([]);
    expect(findings.filter((finding) => finding.suppressedBecause).map((finding) => finding.path).sort()).toEqual([
      "bootstrap/api-gateway-logging/policy",
      "bootstrap/github/apply-policy",
      "bootstrap/github/plan-policy",
    ]);
  });

  test("can use an existing OIDC provider instead of creating one", () => {
    const existing = JSON.parse(Testing.synth(new BootstrapStack(Testing.app(), "bootstrap", { ...bootstrap, createOidcProvider: false })));
    expect(existing.resource.aws_iam_openid_connect_provider).toBeUndefined();
    expect(Object.values(existing.data.aws_iam_openid_connect_provider)).toEqual([expect.objectContaining({ url: "https://token.actions.githubusercontent.com" })]);
  });
});

import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { environments } from "../environments";
import { notesScopes } from "../stacks/auth/clients";
import { referenceTo, synthNotesStack } from "./helpers/stacks";

const dev = synthNotesStack();
type Outputs = Record<string, { value: unknown; sensitive?: boolean }>;
const apiOutputs = (dev.json as { output: Outputs }).output;
const outputs = (dev.data.json as { output: Outputs }).output;
const poolId = referenceTo(dev.data.json, "aws_cognito_user_pool", "name", "notes-dev-users", "id");
const hostedUi = `${referenceTo(dev.data.json, "aws_cognito_user_pool_domain", "domain", "notes-example-dev", "domain")}.auth.eu-west-1.amazoncognito.com`;
const remoteState = (dev.json.data?.terraform_remote_state ?? {}) as Record<string, { backend: string; config: Record<string, unknown> }>;

describe("NotesApiStack", () => {
  test("keeps the stateful resources in the environment's data stack, read through remote state", () => {
    expect(Object.keys(dev.json.resource!).filter((type) => /cognito|dynamodb/.test(type))).toEqual([]);
    expect(Object.keys(dev.data.json.resource!).sort()).toEqual([
      // the pre-token-generation trigger: Cognito's pool references it, so it lives beside the pool
      "aws_cloudwatch_log_group",
      "aws_cognito_resource_server",
      "aws_cognito_user_group",
      "aws_cognito_user_pool",
      "aws_cognito_user_pool_client",
      "aws_cognito_user_pool_domain",
      "aws_dynamodb_table",
      "aws_iam_role",
      "aws_iam_role_policy",
      "aws_lambda_function",
      "aws_lambda_permission",
    ]);
    expect(Object.values(remoteState)).toEqual([expect.objectContaining({ backend: "local", config: { path: "../../../terraform.dev-data.tfstate" } })]);
  });

  test("the data stack outputs what a client needs to get a token; the API stack its URL", () => {
    expect(Object.keys(apiOutputs)).toEqual(["api_url"]);
    const declared = Object.keys(outputs).filter((name) => !name.startsWith("cross-stack-output-"));
    expect(declared.sort()).toEqual(
      ["authorize_endpoint", "hosted_ui_domain", "issuer", "jwks_url", "reporting_client_id", "scopes", "token_endpoint", "user_pool_id", "web_client_id"].sort(),
    );
  });

  test("issuer and JWKS URL follow Cognito's format", () => {
    expect(outputs.issuer!.value).toBe(`https://cognito-idp.eu-west-1.amazonaws.com/${poolId}`);
    expect(outputs.jwks_url!.value).toBe(`https://cognito-idp.eu-west-1.amazonaws.com/${poolId}/.well-known/jwks.json`);
    expect(outputs.user_pool_id!.value).toBe(poolId);
  });

  test("OAuth endpoints are on the hosted-UI domain", () => {
    expect(outputs.hosted_ui_domain!.value).toBe(hostedUi);
    expect(outputs.token_endpoint!.value).toBe(`https://${hostedUi}/oauth2/token`);
    expect(outputs.authorize_endpoint!.value).toBe(`https://${hostedUi}/oauth2/authorize`);
  });

  test("the scopes output lists the full scope strings", () => {
    expect(outputs.scopes!.value).toEqual(notesScopes.map((scope) => `https://notes.example.com/${scope.name}`));
  });

  test("client ids and the API URL come from the resources", () => {
    expect(outputs.web_client_id!.value).toBe(referenceTo(dev.data.json, "aws_cognito_user_pool_client", "name", "notes-dev-web", "id"));
    expect(outputs.reporting_client_id!.value).toBe(referenceTo(dev.data.json, "aws_cognito_user_pool_client", "name", "notes-dev-reporting", "id"));
    expect(apiOutputs.api_url!.value).toBe(referenceTo(dev.json, "aws_api_gateway_stage", "stage_name", "dev", "invoke_url"));
  });

  test.each([
    ["API", dev.synthesized],
    ["data", dev.data.synthesized],
  ])("the %s stack's provider targets the configured region and account, with default tags", (_name, synthesized) => {
    expect(synthesized).toHaveProviderWithProperties(AwsProvider, {
      region: "eu-west-1",
      allowed_account_ids: [environments.dev.accountId],
      default_tags: [{ tags: { ...environments.dev.tags, "deploy-environment": "notes-dev" } }],
    });
  });
});

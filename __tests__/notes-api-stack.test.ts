import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { environments } from "../environments";
import { referenceTo, synthNotesStack } from "./helpers/stacks";

const dev = synthNotesStack();
const outputs = (dev.json as { output: Record<string, { value: unknown; sensitive?: boolean }> }).output;
const poolId = referenceTo(dev.json, "aws_cognito_user_pool", "name", "notes-dev-users", "id");
const hostedUi = `${referenceTo(dev.json, "aws_cognito_user_pool_domain", "domain", "notes-example-dev", "domain")}.auth.eu-west-1.amazoncognito.com`;

describe("NotesApiStack", () => {
  test("outputs what a client needs to get a token and call the API", () => {
    expect(Object.keys(outputs).sort()).toEqual(
      [
        "api_url",
        "authorize_endpoint",
        "hosted_ui_domain",
        "issuer",
        "jwks_url",
        "reporting_client_id",
        "scopes",
        "token_endpoint",
        "user_pool_id",
        "web_client_id",
      ].sort(),
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
    expect(outputs.scopes!.value).toEqual(["https://notes.example.com/notes.read", "https://notes.example.com/notes.write"]);
  });

  test("client ids and the API URL come from the resources", () => {
    expect(outputs.web_client_id!.value).toBe(referenceTo(dev.json, "aws_cognito_user_pool_client", "name", "notes-dev-web", "id"));
    expect(outputs.reporting_client_id!.value).toBe(referenceTo(dev.json, "aws_cognito_user_pool_client", "name", "notes-dev-reporting", "id"));
    expect(outputs.api_url!.value).toBe(referenceTo(dev.json, "aws_api_gateway_stage", "stage_name", "dev", "invoke_url"));
  });

  test("the provider targets the configured region with default tags", () => {
    expect(dev.synthesized).toHaveProviderWithProperties(AwsProvider, {
      region: "eu-west-1",
      default_tags: [{ tags: environments.dev.tags }],
    });
  });
});

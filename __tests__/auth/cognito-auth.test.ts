import { CognitoResourceServer } from "@cdktf/provider-aws/lib/cognito-resource-server";
import { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool";
import { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import { CognitoUserPoolDomain } from "@cdktf/provider-aws/lib/cognito-user-pool-domain";
import { environments } from "../../environments";
import { isStandardScope, notesClients, notesScopes } from "../../stacks/auth/clients";
import { findResource, referenceTo, synthNotesStack } from "../helpers/stacks";

const dev = synthNotesStack().data;
const prod = synthNotesStack({}, "prod").data;
const webClient = findResource(dev.json, "aws_cognito_user_pool_client", "name", "notes-dev-web");
const reportingClient = findResource(dev.json, "aws_cognito_user_pool_client", "name", "notes-dev-reporting");
const identifierRef = referenceTo(dev.json, "aws_cognito_resource_server", "name", "notes-api", "identifier");

describe("CognitoAuth", () => {
  test("user pool signs in with a verified email and a strong password", () => {
    expect(dev.synthesized).toHaveResourceWithProperties(CognitoUserPool, {
      name: "notes-dev-users",
      username_attributes: ["email"],
      auto_verified_attributes: ["email"],
      password_policy: {
        minimum_length: 12,
        require_lowercase: true,
        require_uppercase: true,
        require_numbers: true,
        require_symbols: true,
        temporary_password_validity_days: 7,
      },
      account_recovery_setting: { recovery_mechanism: [{ name: "verified_email", priority: 1 }] },
      admin_create_user_config: { allow_admin_create_user_only: true },
      user_pool_tier: "ESSENTIALS",
    });
  });

  test("dev has optional TOTP MFA and no deletion protection; prod requires MFA and is protected", () => {
    expect(dev.synthesized).toHaveResourceWithProperties(CognitoUserPool, {
      mfa_configuration: "OPTIONAL",
      software_token_mfa_configuration: { enabled: true },
      deletion_protection: "INACTIVE",
    });
    expect(prod.synthesized).toHaveResourceWithProperties(CognitoUserPool, {
      mfa_configuration: "ON",
      software_token_mfa_configuration: { enabled: true },
      deletion_protection: "ACTIVE",
    });
  });

  test("self sign-up is opt-in", () => {
    const config = { ...environments.dev, auth: { ...environments.dev.auth, selfSignUp: true } };
    expect(synthNotesStack({ config }).data.synthesized).toHaveResourceWithProperties(CognitoUserPool, {
      admin_create_user_config: { allow_admin_create_user_only: false },
    });
  });

  test("resource server defines the route table's scopes under the configured identifier", () => {
    expect(dev.synthesized).toHaveResourceWithProperties(CognitoResourceServer, {
      identifier: "https://notes.example.com",
      name: "notes-api",
      user_pool_id: referenceTo(dev.json, "aws_cognito_user_pool", "name", "notes-dev-users", "id"),
      scope: notesScopes.map((scope) => ({ scope_name: scope.name, scope_description: scope.description })),
    });
  });

  test("web client uses the code flow without a secret, and no SDK sign-in it never uses", () => {
    expect(webClient).toMatchObject({
      generate_secret: false,
      allowed_oauth_flows: ["code"],
      allowed_oauth_flows_user_pool_client: true,
      supported_identity_providers: ["COGNITO"],
      callback_urls: environments.dev.auth.callbackUrls,
      logout_urls: environments.dev.auth.logoutUrls,
      explicit_auth_flows: ["ALLOW_REFRESH_TOKEN_AUTH"],
      prevent_user_existence_errors: "ENABLED",
      enable_token_revocation: true,
      access_token_validity: 60,
      id_token_validity: 60,
      refresh_token_validity: 30,
      token_validity_units: [{ access_token: "minutes", id_token: "minutes", refresh_token: "days" }],
    });
  });

  test("a client offers SDK sign-in only where its definition says why", () => {
    const clients = notesClients(environments.dev.auth).map((client) => (client.name === "web" ? { ...client, sdkSignIn: { flows: ["USER_SRP_AUTH"] as const, reason: "the mobile app signs in with Amplify" } } : client));
    const web = findResource(synthNotesStack({ clients }).data.json, "aws_cognito_user_pool_client", "name", "notes-dev-web");
    expect(web.explicit_auth_flows).toEqual(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
  });

  test("web client asks for openid, email and its custom scopes through the resource server", () => {
    const defined = notesClients(environments.dev.auth).find((client) => client.name === "web")!.scopes;
    expect(defined).toEqual(expect.arrayContaining(["openid", "email", "notes.read", "notes.write"]));
    expect(webClient.allowed_oauth_scopes).toEqual(defined.map((scope) => (isStandardScope(scope) ? scope : `${identifierRef}/${scope}`)));
  });

  test("reporting client uses client credentials only, with a secret and notes.read only", () => {
    expect(reportingClient).toMatchObject({
      generate_secret: true,
      allowed_oauth_flows: ["client_credentials"],
      allowed_oauth_flows_user_pool_client: true,
      allowed_oauth_scopes: [`${identifierRef}/notes.read`],
      explicit_auth_flows: ["ALLOW_REFRESH_TOKEN_AUTH"],
      prevent_user_existence_errors: "ENABLED",
      enable_token_revocation: true,
    });
    expect(reportingClient.callback_urls).toBeUndefined();
  });

  test("every client's custom scopes reference the resource server, so Terraform creates it first", () => {
    for (const client of [webClient, reportingClient]) {
      const custom = (client.allowed_oauth_scopes as string[]).filter((scope) => scope.includes("/"));
      expect(custom.length).toBeGreaterThan(0);
      expect(custom.every((scope) => scope.startsWith(`${identifierRef}/`))).toBe(true);
    }
  });

  test("no client enables the implicit flow", () => {
    expect(dev.synthesized).not.toHaveResourceWithProperties(CognitoUserPoolClient, { allowed_oauth_flows: ["implicit"] });
  });

  test("hosted-UI domain uses the configured prefix and the classic hosted UI", () => {
    expect(dev.synthesized).toHaveResourceWithProperties(CognitoUserPoolDomain, {
      domain: "notes-example-dev",
      managed_login_version: 1,
    });
  });

  test("prod's pool cannot be destroyed by a plan: prevent_destroy on top of deletion protection", () => {
    expect(findResource(prod.json, "aws_cognito_user_pool", "name", "notes-prod-users")).toMatchObject({
      deletion_protection: "ACTIVE",
      lifecycle: { prevent_destroy: true },
    });
    expect(findResource(dev.json, "aws_cognito_user_pool", "name", "notes-dev-users").lifecycle).toBeUndefined();
  });

  test("prevent_destroy can be turned off apart from deletion protection", () => {
    const config = { ...environments.prod, auth: { ...environments.prod.auth, preventDestroy: false } };
    const pool = findResource(synthNotesStack({ config }).data.json, "aws_cognito_user_pool", "name", "notes-prod-users");
    expect(pool.deletion_protection).toBe("ACTIVE");
    expect(pool.lifecycle).toBeUndefined();
  });

  test("email goes through Cognito's default sender unless an SES identity is configured", () => {
    expect(findResource(dev.json, "aws_cognito_user_pool", "name", "notes-dev-users").email_configuration).toEqual({ email_sending_account: "COGNITO_DEFAULT" });
    const email = { sesIdentityArn: "arn:aws:ses:eu-west-1:111122223333:identity/notes.example.com", fromEmailAddress: "Notes <no-reply@notes.example.com>" };
    const config = { ...environments.prod, auth: { ...environments.prod.auth, email } };
    expect(findResource(synthNotesStack({ config }).data.json, "aws_cognito_user_pool", "name", "notes-prod-users").email_configuration).toEqual({
      email_sending_account: "DEVELOPER",
      source_arn: email.sesIdentityArn,
      from_email_address: email.fromEmailAddress,
    });
  });
});

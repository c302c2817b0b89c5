import { Construct } from "constructs";
import { CognitoResourceServer } from "@cdktf/provider-aws/lib/cognito-resource-server";
import { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool";
import { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import { CognitoUserPoolDomain } from "@cdktf/provider-aws/lib/cognito-user-pool-domain";
import { CognitoUserGroup } from "@cdktf/provider-aws/lib/cognito-user-group";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { AuthConfig } from "../config";
import { explicitAuthFlows, isStandardScope, type AppClientDefinition, type ScopeDefinition } from "./clients";
import { groupConstructId, type UserGroupDefinition } from "./groups";

export interface CognitoAuthProps {
  /** Prefix of the pool and client names, for example `notes-dev`. */
  readonly name: string;
  readonly region: string;
  readonly auth: AuthConfig;
  readonly scopes: readonly ScopeDefinition[];
  readonly clients: readonly AppClientDefinition[];
  /** @default - none */
  readonly groups?: readonly UserGroupDefinition[];
  /**
   * The pre-token-generation trigger (event version `V2_0`, which can change access-token scopes).
   * @default - none
   */
  readonly preTokenGeneration?: LambdaFunction;
  /**
   * The hosted UI at its own name, with an ACM certificate from us-east-1, in place of
   * `auth.domainPrefix` (Cognito developer guide, "Using your own domain for managed login").
   * @default - the prefix domain `auth.domainPrefix`
   */
  readonly customDomain?: { readonly name: string; readonly certificateArn: string };
}

/** A user pool, its resource server and custom scopes, the app clients and the hosted-UI domain. */
export class CognitoAuth extends Construct {
  readonly userPool: CognitoUserPool;
  readonly resourceServer: CognitoResourceServer;
  readonly clients: ReadonlyMap<string, CognitoUserPoolClient>;
  readonly domain: CognitoUserPoolDomain;
  readonly groups: ReadonlyMap<string, CognitoUserGroup>;
  private readonly identifier: string;
  private readonly region: string;
  private readonly customDomainName?: string;
  private readonly definitions: readonly AppClientDefinition[];

  constructor(scope: Construct, id: string, props: CognitoAuthProps) {
    super(scope, id);
    const { auth } = props;
    this.identifier = auth.resourceServerIdentifier;
    this.region = props.region;
    this.definitions = props.clients;
    this.customDomainName = props.customDomain?.name;

    this.userPool = new CognitoUserPool(this, "user-pool", {
      name: `${props.name}-users`,
      usernameAttributes: ["email"],
      autoVerifiedAttributes: ["email"],
      usernameConfiguration: { caseSensitive: false },
      userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdate: ["email"] },
      passwordPolicy: {
        minimumLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: true,
        temporaryPasswordValidityDays: 7,
      },
      mfaConfiguration: auth.mfa,
      softwareTokenMfaConfiguration: auth.mfa === "OFF" ? undefined : { enabled: true },
      accountRecoverySetting: { recoveryMechanism: [{ name: "verified_email", priority: 1 }] },
      adminCreateUserConfig: { allowAdminCreateUserOnly: !(auth.selfSignUp ?? false) },
      deletionProtection: auth.deletionProtection ? "ACTIVE" : "INACTIVE",
      userPoolTier: auth.userPoolTier ?? "ESSENTIALS",
      // V2_0 events may add and suppress access-token scopes; they need the Essentials or Plus plan (docs/aws-facts.md §7).
      lambdaConfig: props.preTokenGeneration
        ? { preTokenGenerationConfig: { lambdaArn: props.preTokenGeneration.arn, lambdaVersion: "V2_0" } }
        : undefined,
      emailConfiguration: auth.email
        ? {
            emailSendingAccount: "DEVELOPER",
            sourceArn: auth.email.sesIdentityArn,
            fromEmailAddress: auth.email.fromEmailAddress,
            replyToEmailAddress: auth.email.replyToEmailAddress,
          }
        : { emailSendingAccount: "COGNITO_DEFAULT" },
      lifecycle: (auth.preventDestroy ?? auth.deletionProtection) ? { preventDestroy: true } : undefined,
    });

    this.resourceServer = new CognitoResourceServer(this, "resource-server", {
      userPoolId: this.userPool.id,
      identifier: auth.resourceServerIdentifier,
      name: auth.resourceServerName,
      scope: props.scopes.map((definition) => ({
        scopeName: definition.name,
        scopeDescription: definition.description,
      })),
    });

    if (props.preTokenGeneration) {
      new LambdaPermission(this, "pre-token-generation-permission", {
        statementId: "AllowCognitoPreTokenGeneration",
        action: "lambda:InvokeFunction",
        functionName: props.preTokenGeneration.functionName,
        principal: "cognito-idp.amazonaws.com",
        sourceArn: this.userPool.arn,
      });
    }
    this.groups = new Map(
      (props.groups ?? []).map((group) => [
        group.name,
        new CognitoUserGroup(this, groupConstructId(group.name), {
          userPoolId: this.userPool.id,
          name: group.name,
          description: group.description,
          precedence: group.precedence,
        }),
      ]),
    );

    const clients = new Map<string, CognitoUserPoolClient>();
    for (const definition of props.clients) {
      clients.set(definition.name, this.addClient(props.name, auth, definition));
    }
    this.clients = clients;

    this.domain = new CognitoUserPoolDomain(this, "domain", {
      // The guard checked that exactly one of the two is set.
      domain: props.customDomain?.name ?? auth.domainPrefix!,
      certificateArn: props.customDomain?.certificateArn,
      userPoolId: this.userPool.id,
      // 1 = the classic hosted UI, which needs no branding resource; 2 (managed login) does.
      managedLoginVersion: 1,
    });
  }

  /** Ids of the clients whose users get ID tokens: sign-in (`code`) clients that ask for `openid`. */
  get idTokenClientIds(): string[] {
    return this.definitions.filter((definition) => definition.flows.includes("code") && definition.scopes.includes("openid")).map((definition) => this.clients.get(definition.name)!.id);
  }

  /** The full scope string a method lists and a client asks for: `<identifier>/<name>`. */
  scopeString(name: string): string {
    return `${this.identifier}/${name}`;
  }

  get issuer(): string {
    return `https://cognito-idp.${this.region}.amazonaws.com/${this.userPool.id}`;
  }

  get hostedUiDomain(): string {
    return this.customDomainName ? this.domain.domain : `${this.domain.domain}.auth.${this.region}.amazoncognito.com`;
  }

  private addClient(prefix: string, auth: AuthConfig, definition: AppClientDefinition): CognitoUserPoolClient {
    const validity = auth.tokenValidity;
    const isMachine = definition.flows.includes("client_credentials");
    return new CognitoUserPoolClient(this, `client-${definition.name}`, {
      name: `${prefix}-${definition.name}`,
      userPoolId: this.userPool.id,
      generateSecret: definition.generateSecret,
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthFlows: [...definition.flows],
      // Custom scopes reference the resource server, so Terraform creates it first (docs/aws-facts.md §3).
      allowedOauthScopes: definition.scopes.map((scope) =>
        isStandardScope(scope) ? scope : `${this.resourceServer.identifier}/${scope}`,
      ),
      callbackUrls: definition.callbackUrls ? [...definition.callbackUrls] : undefined,
      logoutUrls: definition.logoutUrls ? [...definition.logoutUrls] : undefined,
      supportedIdentityProviders: isMachine ? undefined : ["COGNITO"],
      explicitAuthFlows: explicitAuthFlows(definition),
      preventUserExistenceErrors: "ENABLED",
      enableTokenRevocation: true,
      accessTokenValidity: validity.accessTokenMinutes,
      idTokenValidity: validity.idTokenMinutes,
      refreshTokenValidity: validity.refreshTokenDays,
      tokenValidityUnits: [{ accessToken: "minutes", idToken: "minutes", refreshToken: "days" }],
    });
  }
}

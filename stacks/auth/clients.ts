import type { AuthConfig } from "../config";

export interface ScopeDefinition {
  /** The part after `<identifier>/`; Cognito allows `[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+` (docs/aws-facts.md §2). */
  readonly name: string;
  /** Shown on consent and in the auth matrix; 1-256 characters. */
  readonly description: string;
}

export type OAuthFlow = "code" | "client_credentials" | "implicit";

/** OAuth scopes Cognito defines itself; every other scope of a client is a custom scope of the resource server. */
export const STANDARD_SCOPES = ["openid", "email", "profile", "phone", "aws.cognito.signin.user.admin"] as const;

export interface AppClientDefinition {
  /** Short name: construct id, resource name suffix and output name. */
  readonly name: string;
  readonly flows: readonly OAuthFlow[];
  /** Standard scopes (`openid`, `email` ...) and custom scope names (`notes.read`). */
  readonly scopes: readonly string[];
  /** A confidential client (server or machine) has a secret; a browser or mobile app has none. */
  readonly generateSecret: boolean;
  /** @default - none; required by the `code` flow */
  readonly callbackUrls?: readonly string[];
  /** @default - none */
  readonly logoutUrls?: readonly string[];
  /**
   * Sign-in through the SDK (`InitiateAuth`) besides the hosted UI, and why the client needs it.
   * Such a session asks for no custom scope: the pool's scope trigger adds its groups' scopes.
   * @default - none: the client signs users in through the hosted UI only (and refreshes)
   */
  readonly sdkSignIn?: SdkSignIn;
}

/** The `InitiateAuth` flows a client offers (Cognito's explicit auth flows, without the `ALLOW_` prefix). */
export interface SdkSignIn {
  readonly flows: ReadonlyArray<"USER_SRP_AUTH" | "USER_PASSWORD_AUTH">;
  /** Why the client signs users in outside the hosted UI; at least 10 characters. */
  readonly reason: string;
}

/** Cognito's explicit auth flows of a client: refresh always, SDK sign-in only where the definition says why. */
export function explicitAuthFlows(definition: Pick<AppClientDefinition, "sdkSignIn">): string[] {
  return [...(definition.sdkSignIn?.flows ?? []).map((flow) => `ALLOW_${flow}`), "ALLOW_REFRESH_TOKEN_AUTH"];
}

export const notesScopes: readonly ScopeDefinition[] = [
  { name: "notes.read", description: "Read notes" },
  { name: "notes.write", description: "Create, change and delete notes" },
];

export function isStandardScope(scope: string): boolean {
  return (STANDARD_SCOPES as readonly string[]).includes(scope);
}

export function notesClients(auth: AuthConfig): AppClientDefinition[] {
  return [
    {
      name: "web",
      flows: ["code"],
      scopes: ["openid", "email", "notes.read", "notes.write"],
      generateSecret: false,
      callbackUrls: auth.callbackUrls,
      logoutUrls: auth.logoutUrls,
    },
    { name: "reporting", flows: ["client_credentials"], scopes: ["notes.read"], generateSecret: true },
  ];
}

import { JwtVerifier } from "aws-jwt-verify";
import type { LocalIssuer } from "../cognito/local-issuer";

export type AuthorizerDecision =
  | { readonly allow: true; readonly claims: Record<string, string>; readonly reason: string }
  | { readonly allow: false; readonly reason: string };

/** Claims reach the integration as strings, `scope` space separated (docs/aws-facts.md §1). */
export function claimsAsStrings(payload: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [name, Array.isArray(value) ? `[${value.join(" ")}]` : String(value)]),
  );
}

/**
 * The Cognito user pool authorizer's rules as API Gateway applies them (docs/aws-facts.md §1): with
 * scopes, only an access token holding one of them; without, only an ID token of one of the
 * pool's clients. Everything else (no, malformed, expired, tampered or foreign token) is 401.
 */
export class LocalCognitoAuthorizer {
  private readonly verifier;

  constructor(
    issuer: LocalIssuer,
    private readonly clientIds: readonly string[],
  ) {
    this.verifier = JwtVerifier.create({ issuer: issuer.issuer, audience: null, jwksUri: `${issuer.issuer}/.well-known/jwks.json` });
    this.verifier.cacheJwks(issuer.jwks as never);
  }

  async authorize(authorization: string | undefined, scopes: readonly string[]): Promise<AuthorizerDecision> {
    if (!authorization?.trim()) return { allow: false, reason: "no token" };
    const token = authorization.trim().replace(/^Bearer\s+/i, "");
    let payload: Record<string, unknown>;
    try {
      payload = (await this.verifier.verify(token)) as Record<string, unknown>;
    } catch (error) {
      return { allow: false, reason: `invalid token: ${(error as Error).message}` };
    }
    // A Cognito token always expires; one without exp is not Cognito's, whatever signed it.
    if (typeof payload.exp !== "number") return { allow: false, reason: "invalid token: no exp claim" };
    const claims = claimsAsStrings(payload);
    if (scopes.length > 0) {
      if (payload.token_use !== "access") return { allow: false, reason: `token_use=${String(payload.token_use)} on a method with scopes: it takes access tokens only` };
      const held = String(payload.scope ?? "").split(" ");
      const match = scopes.find((scope) => held.includes(scope));
      return match ? { allow: true, claims, reason: `access token with ${match}` } : { allow: false, reason: `no scope of ${scopes.join(" ")}` };
    }
    if (payload.token_use !== "id") return { allow: false, reason: `token_use=${String(payload.token_use)} on a method without scopes: it takes ID tokens only` };
    if (!this.clientIds.includes(String(payload.aud))) return { allow: false, reason: `ID token for unknown client ${String(payload.aud)}` };
    return { allow: true, claims, reason: "ID token" };
  }
}

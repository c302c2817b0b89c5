import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from "jose";
import { claimsAsStrings } from "./cognito-authorizer";

/** What an HTTP API's JWT authorizer answers: the claims for the integration, or a refusal with its status and `WWW-Authenticate`. */
export type JwtDecision =
  | { readonly allow: true; readonly claims: Record<string, string>; readonly reason: string }
  | { readonly allow: false; readonly status: 401 | 403; readonly wwwAuthenticate: string; readonly reason: string };

export interface JwtAuthorizerConfig {
  /** Must equal the token's `iss` exactly. */
  readonly issuer: string;
  /** The token's `aud`, or its `client_id` when it has no `aud`, must be one of these. */
  readonly audience: readonly string[];
  /** The issuer's key set (what API Gateway fetches from its `jwks_uri`). */
  readonly jwks: JSONWebKeySet;
}

/** Only RSA-based algorithms (API Gateway developer guide, "Control access to HTTP APIs with JWT authorizers"). */
const ALGORITHMS = ["RS256", "RS384", "RS512"];

/**
 * An HTTP API's JWT authorizer, by the documented workflow (docs/aws-facts.md §11): the token from
 * `Authorization` (alone or after `Bearer`), its RSA signature against the issuer's keys (`kid`),
 * then `iss` exactly, `aud` or else `client_id` in the audience, `exp` after now, `nbf` and `iat`
 * before it, and, on a route with scopes, one of them in `scope` (or `scp`). A failed check is 401
 * `{"message":"Unauthorized"}` with `WWW-Authenticate: Bearer ... error="invalid_token"`; a valid
 * token without the route's scopes is 403 `{"message":"Forbidden"}`. An ID token (no `scope`)
 * passes a route without scopes and is refused by every route with them.
 */
export class LocalJwtAuthorizer {
  private readonly keys;

  constructor(private readonly config: JwtAuthorizerConfig) {
    this.keys = createLocalJWKSet(config.jwks);
  }

  async authorize(authorization: string | undefined, scopes: readonly string[]): Promise<JwtDecision> {
    const scopeHint = `scope="${scopes.join(" ")}"`;
    const invalid = (description: string): JwtDecision => ({
      allow: false,
      status: 401,
      wwwAuthenticate: `Bearer ${scopeHint} error="invalid_token" error_description="${description}"`,
      reason: description,
    });
    const token = authorization?.trim().replace(/^Bearer\s+/i, "");
    if (!token) return { allow: false, status: 401, wwwAuthenticate: "Bearer", reason: "no token in the Authorization header" };

    let payload: Record<string, unknown>;
    try {
      const { alg } = decodeProtectedHeader(token);
      if (!alg || !ALGORITHMS.includes(alg)) return invalid(`the token's algorithm ${alg ?? "(none)"} is not supported: only RS256, RS384 and RS512`);
      const verified = await compactVerify(token, this.keys, { algorithms: ALGORITHMS });
      payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "ERR_JWKS_NO_MATCHING_KEY") return invalid("the token's kid matches no key of the issuer");
      if (code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED") return invalid("the token's signature is not valid");
      return invalid("the token is not a valid JWT");
    }
    if (payload.iss !== this.config.issuer) return invalid("the token does not have a valid issuer");
    // API Gateway evaluates aud when the token has one, and client_id only when it has none.
    const audience = payload.aud !== undefined ? [payload.aud].flat().map(String) : payload.client_id !== undefined ? [String(payload.client_id)] : [];
    if (!audience.some((value) => this.config.audience.includes(value))) return invalid("the token does not have a valid audience");
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.exp !== "number" || payload.exp <= now) return invalid("the token has expired");
    if (typeof payload.nbf === "number" && payload.nbf > now) return invalid("the token is not valid yet");
    if (typeof payload.iat === "number" && payload.iat > now) return invalid("the token was issued in the future");

    const claims = claimsAsStrings(payload);
    if (scopes.length === 0) return { allow: true, claims, reason: `${String(payload.token_use ?? "a")} token of client ${audience[0]}` };
    const held = String(payload.scope ?? payload.scp ?? "").split(" ");
    const match = scopes.find((scope) => held.includes(scope));
    if (match) return { allow: true, claims, reason: `${String(payload.token_use ?? "a")} token with ${match}` };
    return {
      allow: false,
      status: 403,
      wwwAuthenticate: `Bearer ${scopeHint} error="insufficient_scope" error_description="the token does not have any of the route's scopes"`,
      reason: `no scope of ${scopes.join(" ")} (token_use=${String(payload.token_use)})`,
    };
  }
}

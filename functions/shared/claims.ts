import type { APIGatewayProxyEvent } from "aws-lambda";

/** The caller as the Cognito authorizer describes it; every claim arrives as a string (docs/aws-facts.md §1). */
export interface Caller {
  readonly sub: string;
  /** Present on user access tokens only; machine (client_credentials) tokens carry none (docs/aws-facts.md §2). */
  readonly username?: string;
  readonly clientId?: string;
  readonly tokenUse?: string;
  readonly scopes: readonly string[];
  readonly groups: readonly string[];
  readonly isMachine: boolean;
}

type Claims = Record<string, unknown>;

/**
 * The one place a handler reads the authorizer's claims, whichever API delivered the event: a REST
 * API's Cognito authorizer puts them at `requestContext.authorizer.claims`, an HTTP API's JWT
 * authorizer (payload 2.0) at `requestContext.authorizer.jwt.claims` (docs/aws-facts.md §1, §11).
 * Every other field a handler reads (headers, path and query parameters, body) has the same name
 * in both events, so the same zip serves every flavour.
 */
function claimsOf(event: APIGatewayProxyEvent): Claims | undefined {
  const authorizer = event.requestContext?.authorizer as { claims?: unknown; jwt?: { claims?: unknown } } | null | undefined;
  const claims = authorizer?.claims ?? authorizer?.jwt?.claims;
  return claims !== null && typeof claims === "object" ? (claims as Claims) : undefined;
}

/** A claim as one string: an array (a JWT authorizer may pass `cognito:groups` as one) is space separated. */
function stringClaim(claims: Claims, name: string): string | undefined {
  const raw = claims[name];
  const value = Array.isArray(raw) ? raw.map(String).join(" ") : raw;
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** `scope` is one space-separated string in the claims map (docs/aws-facts.md §1). */
export function parseScopes(value: string | undefined): string[] {
  return value ? value.split(" ").filter((scope) => scope !== "") : [];
}

/** The separator of `cognito:groups` is not documented: accept `a,b`, `a b` and `[a b]` (docs/aws-facts.md §1). */
export function parseGroups(value: string | undefined): string[] {
  if (!value) return [];
  const unwrapped = value.startsWith("[") && value.endsWith("]") ? value.slice(1, -1) : value;
  return unwrapped.split(/[\s,]+/).filter((group) => group !== "");
}

export function callerFrom(event: APIGatewayProxyEvent): Caller | undefined {
  const claims = claimsOf(event);
  if (!claims) return undefined;
  const sub = stringClaim(claims, "sub");
  if (!sub) return undefined;
  // Access tokens name the user `username` and the client `client_id`; ID tokens `cognito:username` and `aud`.
  const username = stringClaim(claims, "username") ?? stringClaim(claims, "cognito:username");
  return {
    sub,
    username,
    clientId: stringClaim(claims, "client_id") ?? stringClaim(claims, "aud"),
    tokenUse: stringClaim(claims, "token_use"),
    scopes: parseScopes(stringClaim(claims, "scope")),
    groups: parseGroups(stringClaim(claims, "cognito:groups")),
    isMachine: username === undefined,
  };
}

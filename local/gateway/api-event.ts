import type { APIGatewayProxyEvent, APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";

export interface TokenClaimsInput {
  readonly sub: string;
  /** Absent for client_credentials tokens. */
  readonly username?: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly tokenUse?: "access" | "id";
  readonly groups?: string;
}

/**
 * Claims the way the Cognito authorizer hands them to a Lambda proxy integration: every value a
 * string, `scope` space separated, times as strings (docs/aws-facts.md §1).
 */
export function tokenClaims(input: TokenClaimsInput): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, string> = {
    sub: input.sub,
    iss: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TEST",
    client_id: input.clientId,
    origin_jti: "2b8a2d1f-2a9c-4a63-9a59-0d7b0c6f0a11",
    event_id: "8c6f8b9f-1d4b-4c55-9a51-2f3d1c0e7a22",
    token_use: input.tokenUse ?? "access",
    scope: input.scopes.join(" "),
    auth_time: String(now - 10),
    exp: String(now + 3600),
    iat: String(now - 10),
    jti: "6f1f4f4e-8a3c-4c8e-bd0c-3a5e1f2d9b33",
  };
  if (input.username !== undefined) claims.username = input.username;
  if (input.groups !== undefined) claims["cognito:groups"] = input.groups;
  return claims;
}

export interface ApiEventInput {
  readonly method: string;
  /** Resource path as declared: `/notes/{id}`. */
  readonly resource: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly claims?: Record<string, string>;
  /** Every value of every header, as received. @default - one value per header */
  readonly multiValueHeaders?: Record<string, string[]>;
  /** Every value of every query parameter. @default - one value per parameter */
  readonly multiValueQuery?: Record<string, string[]>;
  /** @default "dev" */
  readonly stage?: string;
  /** @default a fixed id */
  readonly requestId?: string;
  /** @default "203.0.113.7" */
  readonly sourceIp?: string;
}

/** A REST API (v1) Lambda proxy event, shaped as API Gateway delivers it. */
export function apiEvent(input: ApiEventInput): APIGatewayProxyEvent {
  const path = input.resource.replace(/\{(\w+)\}/g, (_, name: string) => input.pathParameters?.[name] ?? "");
  const headers = input.multiValueHeaders ? { ...input.headers } : { Host: "abc123.execute-api.eu-west-1.amazonaws.com", ...input.headers };
  const query = input.query && Object.keys(input.query).length ? input.query : null;
  const stage = input.stage ?? "dev";
  return {
    resource: input.resource,
    path,
    httpMethod: input.method,
    headers,
    multiValueHeaders: input.multiValueHeaders ?? Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: input.multiValueQuery ?? (query ? Object.fromEntries(Object.entries(query).map(([name, value]) => [name, [value]])) : null),
    pathParameters: input.pathParameters ?? null,
    stageVariables: null,
    body: input.body ?? null,
    isBase64Encoded: input.isBase64Encoded ?? false,
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      authorizer: input.claims ? { claims: input.claims } : null,
      domainName: "abc123.execute-api.eu-west-1.amazonaws.com",
      domainPrefix: "abc123",
      extendedRequestId: "extended-id",
      httpMethod: input.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: input.sourceIp ?? "203.0.113.7",
        user: null,
        userAgent: "jest",
        userArn: null,
      },
      path: `/${stage}${path}`,
      protocol: "HTTP/1.1",
      requestId: input.requestId ?? "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
      requestTimeEpoch: Date.now(),
      resourceId: "res123",
      resourcePath: input.resource,
      stage,
    },
  } as APIGatewayProxyEvent;
}

export interface HttpApiEventInput {
  readonly method: string;
  /** The route's path as declared: `/notes/{id}`. */
  readonly routePath: string;
  readonly pathParameters?: Record<string, string>;
  /** The request path as received, with the stage: `/dev/notes/1`. @default - the route path filled in, under the stage */
  readonly rawPath?: string;
  /** @default "" */
  readonly rawQueryString?: string;
  /** Every value of every header, as received (names any case). */
  readonly headers?: Record<string, string | readonly string[]>;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  /** The JWT authorizer's claims, every value a string. */
  readonly claims?: Record<string, string>;
  /** @default "dev" */
  readonly stage?: string;
  /** @default a fixed id */
  readonly requestId?: string;
  /** @default "203.0.113.7" */
  readonly sourceIp?: string;
}

/**
 * An HTTP API Lambda proxy event, payload format 2.0, shaped as API Gateway delivers it (API
 * Gateway developer guide, "Create AWS Lambda proxy integrations for HTTP APIs"): header names
 * lower case and repeated values joined with commas, repeated query parameters too, cookies apart,
 * and a JWT authorizer's claims and scopes at `requestContext.authorizer.jwt`. The handlers read
 * it with the same code as a REST API's event (functions/shared/claims.ts).
 */
export function httpApiEvent(input: HttpApiEventInput): APIGatewayProxyEventV2WithJWTAuthorizer {
  const stage = input.stage ?? "dev";
  const filled = input.routePath.replace(/\{(\w+)\+?\}/g, (_, name: string) => input.pathParameters?.[name] ?? "");
  const rawPath = input.rawPath ?? `/${stage}${filled}`;
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(input.headers ?? { host: "abc123.execute-api.eu-west-1.amazonaws.com" })) {
    const values = typeof value === "string" ? [value] : [...value];
    if (name.toLowerCase() === "cookie") cookies = values.flatMap((cookie) => cookie.split(/;\s*/)).filter((cookie) => cookie !== "");
    else headers[name.toLowerCase()] = headers[name.toLowerCase()] === undefined ? values.join(",") : `${headers[name.toLowerCase()]},${values.join(",")}`;
  }
  const rawQueryString = input.rawQueryString ?? "";
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  const now = Date.now();
  const routeKey = `${input.method} ${input.routePath}`;
  const scopes = input.claims?.scope ? input.claims.scope.split(" ").filter((scope) => scope !== "") : null;
  return {
    version: "2.0",
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      ...(input.claims ? { authorizer: { jwt: { claims: input.claims, scopes } } } : {}),
      domainName: "abc123.execute-api.eu-west-1.amazonaws.com",
      domainPrefix: "abc123",
      http: { method: input.method, path: rawPath, protocol: "HTTP/1.1", sourceIp: input.sourceIp ?? "203.0.113.7", userAgent: headers["user-agent"] ?? "" },
      requestId: input.requestId ?? "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
      routeKey,
      stage,
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(input.body !== undefined && input.body !== null ? { body: input.body } : {}),
    isBase64Encoded: input.isBase64Encoded ?? false,
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/**
 * The route table: the single source of truth of the API. Resources, methods, integrations,
 * functions, permissions, deployment triggers and docs are all derived from it.
 */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type TableAction = "dynamodb:GetItem" | "dynamodb:Query" | "dynamodb:PutItem" | "dynamodb:UpdateItem" | "dynamodb:DeleteItem";

export interface Route {
  readonly method: HttpMethod;
  /** `/notes/{id}` style: literal segments and `{param}` segments. */
  readonly path: string;
  /** Handler module under `functions/`, without extension; it exports `handler`. */
  readonly handler: string;
  /**
   * Scope names (without the resource server identifier) of which the access token must hold
   * at least one: API Gateway ORs them (docs/aws-facts.md §1).
   */
  readonly scopes?: readonly string[];
  /**
   * Declares the route open to anyone, without a token, and says why (at least 10 characters).
   * The only way to have no authorizer; the reason shows in the auth matrix.
   */
  readonly public?: string;
  /**
   * Opts the route into the Cognito authorizer without scopes, which makes API Gateway accept
   * ID tokens instead of access tokens (docs/aws-facts.md §1). Only with a reason (at least 10
   * characters), for example `legacy mobile app until 2027`; it shows in the auth matrix.
   */
  readonly acceptIdToken?: string;
  /**
   * What the handler may do to the notes table; nothing else is granted.
   * @default - no table access
   */
  readonly tableActions?: readonly TableAction[];
}

export const notesRoutes: readonly Route[] = [
  { method: "GET", path: "/health", handler: "health", public: "uptime checks call it without a token; it returns only {status: ok}" },
  { method: "GET", path: "/me", handler: "me", scopes: ["notes.read"] },
  { method: "GET", path: "/notes", handler: "notes/list", scopes: ["notes.read"], tableActions: ["dynamodb:Query"] },
  { method: "POST", path: "/notes", handler: "notes/create", scopes: ["notes.write"], tableActions: ["dynamodb:PutItem"] },
  { method: "GET", path: "/notes/{id}", handler: "notes/get", scopes: ["notes.read"], tableActions: ["dynamodb:GetItem"] },
  { method: "PUT", path: "/notes/{id}", handler: "notes/update", scopes: ["notes.write"], tableActions: ["dynamodb:UpdateItem"] },
  { method: "DELETE", path: "/notes/{id}", handler: "notes/delete", scopes: ["notes.write"], tableActions: ["dynamodb:DeleteItem"] },
];

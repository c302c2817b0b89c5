import type { BuiltFlavour } from "../config";
import { markdownCell, NO_GROUP, type AuthMatrix, type AuthMatrixRoute } from "./auth-matrix";

/** Who calls: nobody, a user's ID token, a user of a group through a sign-in client, or a machine client. */
export type Caller =
  | { readonly kind: "anonymous"; readonly label: string }
  | { readonly kind: "id-token"; readonly label: string; readonly client: string }
  | { readonly kind: "user"; readonly label: string; readonly client: string; readonly group: string; readonly scopes: readonly string[] }
  | { readonly kind: "machine"; readonly label: string; readonly client: string; readonly scopes: readonly string[] };

/**
 * What the gateway does with a call: lets it reach the handler, or refuses it. The Cognito
 * authorizer answers 401 to every refusal; the JWT authorizer 401 to an invalid token and 403 to
 * a valid one without the route's scopes.
 */
export type Decision = "handler" | 401 | 403;

export interface Cell {
  readonly route: AuthMatrixRoute;
  readonly caller: Caller;
  readonly expected: Decision;
}

/**
 * Every caller the matrix knows: no token; an ID token per sign-in client; per sign-in client a
 * user of each group and one in no group (with the scopes the pre-token trigger gives them: the
 * group's, within what the client may ask for); each machine client with all of its scopes.
 */
export function callersOf(matrix: AuthMatrix): Caller[] {
  const callers: Caller[] = [{ kind: "anonymous", label: "no token" }];
  const custom = (scopes: readonly string[]) => scopes.filter((scope) => scope.startsWith(`${matrix.resourceServer}/`));
  for (const client of matrix.clients) {
    if (client.flows.includes("client_credentials")) {
      callers.push({ kind: "machine", label: `${client.name} (machine)`, client: client.name, scopes: custom(client.scopes) });
      continue;
    }
    if (!client.flows.includes("code")) continue;
    callers.push({ kind: "id-token", label: `${client.name} ID token`, client: client.name });
    const groups = matrix.groups.length ? [...matrix.groups.map((group) => ({ name: group.name, scopes: group.scopes })), { name: NO_GROUP, scopes: matrix.scopesWithoutGroup }] : [{ name: NO_GROUP, scopes: custom(client.scopes) }];
    for (const group of groups) {
      callers.push({ kind: "user", label: `${client.name} ${group.name}`, client: client.name, group: group.name, scopes: custom(client.scopes).filter((scope) => group.scopes.includes(scope)) });
    }
  }
  return callers;
}

/**
 * What the gateway decides for a caller (every caller's token is valid and of the pool's clients,
 * or absent). A REST API's Cognito authorizer (docs/aws-facts.md §1): scopes OR'ed, access tokens
 * only on scoped methods, ID tokens only on the others, 401 for every refusal. An HTTP API's JWT
 * authorizer (§11): no token is 401; on a route with scopes a token without one of them is 403 (an
 * ID token has no scope); a route without scopes takes any token of its audience.
 */
export function decisionFor(route: AuthMatrixRoute, caller: Caller, flavour: BuiltFlavour = "rest-cognito"): Decision {
  if (route.auth === "public") return "handler";
  if (flavour === "http-jwt") {
    if (caller.kind === "anonymous") return 401;
    if (route.auth === "id-token") return "handler";
    return (caller.kind === "user" || caller.kind === "machine") && route.scopes.some((scope) => caller.scopes.includes(scope)) ? "handler" : 403;
  }
  if (route.auth === "id-token") return caller.kind === "id-token" ? "handler" : 401;
  if (caller.kind === "user" || caller.kind === "machine") return route.scopes.some((scope) => caller.scopes.includes(scope)) ? "handler" : 401;
  return 401;
}

export function cellsOf(matrix: AuthMatrix): Cell[] {
  const callers = callersOf(matrix);
  return matrix.routes.flatMap((route) => callers.map((caller) => ({ route, caller, expected: decisionFor(route, caller, matrix.flavour) })));
}

/** The body API Gateway's JWT authorizer sends with its 403 (a handler's 403 says why in its own words). */
export const GATEWAY_FORBIDDEN_BODY = JSON.stringify({ message: "Forbidden" });

/**
 * What an answer says about the gateway's decision: 401 is the authorizer's (a handler behind it
 * always has claims); with the JWT authorizer, a 403 whose body is API Gateway's `{"message":"Forbidden"}`
 * is its refusal too. Anything else, a handler's 400, 403 or 404 included, reached the handler.
 */
export function observedDecision(status: number, body = "", flavour: BuiltFlavour = "rest-cognito"): Decision {
  if (status === 401) return 401;
  if (flavour === "http-jwt" && status === 403 && body.replace(/\s+/g, "") === GATEWAY_FORBIDDEN_BODY) return 403;
  return "handler";
}

/** The gateway's answer to every caller on every route, as a Markdown section of the matrix. */
export function gatewayAnswers(matrix: AuthMatrix): string[] {
  const callers = callersOf(matrix);
  const label = (decision: Decision) => (decision === "handler" ? "handler" : `**${decision}**`);
  return [
    "## What the gateway answers",
    "",
    `Each caller with a valid token of the pool (or none). \`handler\`: the call reaches the route's function, which may still refuse it; a number: the gateway refuses it.`,
    "",
    `| Route | ${callers.map((caller) => markdownCell(caller.label)).join(" | ")} |`,
    `|---|${callers.map(() => "---").join("|")}|`,
    ...matrix.routes.map((route) => `| ${route.method} \`${route.path}\` | ${callers.map((caller) => label(decisionFor(route, caller, matrix.flavour))).join(" | ")} |`),
  ];
}

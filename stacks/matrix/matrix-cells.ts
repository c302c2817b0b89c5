import { NO_GROUP, type AuthMatrix, type AuthMatrixRoute } from "./auth-matrix";

/** Who calls: nobody, a user's ID token, a user of a group through a sign-in client, or a machine client. */
export type Caller =
  | { readonly kind: "anonymous"; readonly label: string }
  | { readonly kind: "id-token"; readonly label: string; readonly client: string }
  | { readonly kind: "user"; readonly label: string; readonly client: string; readonly group: string; readonly scopes: readonly string[] }
  | { readonly kind: "machine"; readonly label: string; readonly client: string; readonly scopes: readonly string[] };

/** What the gateway does with a call: lets it reach the handler, or refuses it (the Cognito authorizer answers 401 to every refusal). */
export type Decision = "handler" | 401;

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

/** What the REST API's Cognito authorizer decides (docs/aws-facts.md §1): scopes OR'ed, access tokens only on scoped methods, 401 for every refusal. */
export function decisionFor(route: AuthMatrixRoute, caller: Caller): Decision {
  if (route.auth === "public") return "handler";
  if (route.auth === "id-token") return caller.kind === "id-token" ? "handler" : 401;
  if (caller.kind === "user" || caller.kind === "machine") return route.scopes.some((scope) => caller.scopes.includes(scope)) ? "handler" : 401;
  return 401;
}

export function cellsOf(matrix: AuthMatrix): Cell[] {
  const callers = callersOf(matrix);
  return matrix.routes.flatMap((route) => callers.map((caller) => ({ route, caller, expected: decisionFor(route, caller) })));
}

/**
 * What a status says about the gateway's decision: 401 is the authorizer's (a handler behind it
 * always has claims); anything else, a handler's 400, 403 or 404 included, reached the handler.
 */
export function observedDecision(status: number): Decision {
  return status === 401 ? 401 : "handler";
}

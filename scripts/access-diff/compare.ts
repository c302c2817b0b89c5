import { NO_GROUP, type AuthMatrix, type AuthMatrixRoute } from "../../stacks/matrix/auth-matrix";
import { callersOf, decisionFor, type Caller } from "../../stacks/matrix/matrix-cells";

/** One caller's access to one route that a change gives or takes, and how. */
export interface AccessChange {
  /** `POST /notes` */
  readonly route: string;
  /** The auth matrix's caller label: `no token`, `web ID token`, `web readers`, `reporting (machine)`. */
  readonly caller: string;
  readonly how: string;
}

export interface StackAccessDiff {
  readonly stack: string;
  readonly gained: readonly AccessChange[];
  readonly lost: readonly AccessChange[];
  readonly routesAdded: readonly string[];
  readonly routesRemoved: readonly string[];
  /** What changed without changing who reaches what: descriptions, precedence, handlers, reasons, token lifetimes, unused scopes. */
  readonly otherChanges: readonly string[];
}


const routeKey = (route: Pick<AuthMatrixRoute, "method" | "path">) => `${route.method} ${route.path}`;
const short = (matrix: AuthMatrix, scope: string) => (scope.startsWith(`${matrix.resourceServer}/`) ? scope.slice(matrix.resourceServer.length + 1) : scope);
const added = <T>(after: readonly T[], before: readonly T[]) => after.filter((item) => !before.includes(item));

/** The scopes a user caller holds come from its group (or the no-group grant) and its client; a machine's from its client. */
function groupScopes(matrix: AuthMatrix, group: string): readonly string[] | undefined {
  if (group === NO_GROUP) return matrix.groups.length ? matrix.scopesWithoutGroup : undefined;
  return matrix.groups.find((candidate) => candidate.name === group)?.scopes;
}

/**
 * Why `caller` reaches `route` in `to` but not in `from`: the differences that explain it, as a
 * reviewer would say them. For a gain `to` is the change, for a loss it is the base.
 */
function explain(from: AuthMatrix | undefined, to: AuthMatrix, route: AuthMatrixRoute, caller: Caller, gain: boolean): string {
  if (!from) return gain ? "new stack" : "stack removed";
  const other = from.routes.find((candidate) => routeKey(candidate) === routeKey(route));
  if (!other) return gain ? "new route" : "route removed";
  const scopeList = (scopes: readonly string[]) => scopes.map((scope) => short(to, scope)).join(" or ");
  if (other.auth !== route.auth) {
    if (gain) {
      if (route.auth === "public") return "route made public";
      if (route.auth === "id-token") return "route accepts ID tokens (acceptIdToken)";
      return `route takes access tokens with ${scopeList(route.scopes)} (it took ${other.auth === "id-token" ? "ID tokens" : "no token"})`;
    }
    if (other.auth === "id-token") return "route accepts only ID tokens now (acceptIdToken)";
    return `route no longer public: it needs an access token with ${scopeList(other.scopes)}`;
  }
  const earlier = callersOf(from).find((candidate) => candidate.label === caller.label);
  if (!earlier) {
    if (caller.kind === "machine") return gain ? `new machine client ${caller.client}` : `machine client ${caller.client} removed`;
    if (caller.kind === "user" && from.clients.some((client) => client.name === caller.client)) return gain ? `new group ${caller.group}` : `group ${caller.group} removed`;
    const client = "client" in caller ? caller.client : "";
    return gain ? `new client ${client}` : `client ${client} removed`;
  }
  if (caller.kind !== "user" && caller.kind !== "machine") return "the token rules changed";
  const reasons: string[] = [];
  const routeScopes = added(route.scopes, other.scopes).filter((scope) => caller.scopes.includes(scope));
  if (routeScopes.length) reasons.push(`route ${gain ? "now accepts" : "no longer accepts"} ${scopeList(routeScopes)}`);
  const clientScopes = (matrix: AuthMatrix) => matrix.clients.find((candidate) => candidate.name === caller.client)?.scopes ?? [];
  const clientDelta = added(clientScopes(to), clientScopes(from)).filter((scope) => route.scopes.includes(scope));
  if (clientDelta.length) {
    const verb = caller.kind === "machine" ? (gain ? "granted" : "no longer granted") : gain ? "may now ask for" : "may no longer ask for";
    reasons.push(`client ${caller.client} ${verb} ${scopeList(clientDelta)}`);
  }
  if (caller.kind === "user") {
    const groupDelta = added(groupScopes(to, caller.group) ?? [], groupScopes(from, caller.group) ?? []).filter((scope) => route.scopes.includes(scope));
    if (groupDelta.length) reasons.push(`${caller.group === NO_GROUP ? "users in no group" : `group ${caller.group}`} ${gain ? "granted" : "no longer granted"} ${scopeList(groupDelta)}`);
    if (!from.groups.length !== !to.groups.length) reasons.push(to.groups.length ? "users' scopes come from their groups" : "users' scopes come from their client");
  }
  return reasons.length ? reasons.join("; ") : "the token rules changed";
}

/** Changes between two matrices of one stack that give or take no access. */
function otherChanges(before: AuthMatrix, after: AuthMatrix, explained: readonly string[]): string[] {
  const changes: string[] = [];
  for (const group of after.groups) {
    const previous = before.groups.find((candidate) => candidate.name === group.name);
    if (!previous) continue;
    if (previous.description !== group.description) changes.push(`group ${group.name}: description "${previous.description}" -> "${group.description}"`);
    if (previous.precedence !== group.precedence) changes.push(`group ${group.name}: precedence ${previous.precedence ?? "none"} -> ${group.precedence ?? "none"}`);
    const scopes = [...added(group.scopes, previous.scopes).map((scope) => `+${short(after, scope)}`), ...added(previous.scopes, group.scopes).map((scope) => `-${short(after, scope)}`)];
    if (scopes.length && !explained.some((how) => how.includes(`group ${group.name} `))) changes.push(`group ${group.name}: scopes ${scopes.join(" ")} (no route's access changes)`);
  }
  for (const client of after.clients) {
    const previous = before.clients.find((candidate) => candidate.name === client.name);
    if (!previous) continue;
    const scopes = [...added(client.scopes, previous.scopes).map((scope) => `+${short(after, scope)}`), ...added(previous.scopes, client.scopes).map((scope) => `-${short(after, scope)}`)];
    if (scopes.length && !explained.some((how) => how.includes(`client ${client.name} `))) changes.push(`client ${client.name}: scopes ${scopes.join(" ")} (no route's access changes)`);
    if (JSON.stringify(previous.tokenValidity) !== JSON.stringify(client.tokenValidity)) changes.push(`client ${client.name}: token validity ${JSON.stringify(previous.tokenValidity)} -> ${JSON.stringify(client.tokenValidity)}`);
    if (previous.flows.join() !== client.flows.join()) changes.push(`client ${client.name}: flows ${previous.flows.join(", ")} -> ${client.flows.join(", ")}`);
  }
  for (const route of after.routes) {
    const previous = before.routes.find((candidate) => routeKey(candidate) === routeKey(route));
    if (!previous) continue;
    if (previous.handler !== route.handler) changes.push(`${routeKey(route)}: handler ${previous.handler} -> ${route.handler}`);
    if (previous.auth === route.auth && (previous.reason ?? "") !== (route.reason ?? "")) changes.push(`${routeKey(route)}: reason "${previous.reason ?? ""}" -> "${route.reason ?? ""}"`);
  }
  return changes;
}

/** Every route × caller decision of one stack before and after: who gains, who loses, and what else changed. */
export function compareStack(stack: string, before: AuthMatrix | undefined, after: AuthMatrix | undefined): StackAccessDiff {
  const cells = (matrix: AuthMatrix | undefined) =>
    new Map(matrix ? matrix.routes.flatMap((route) => callersOf(matrix).map((caller) => [`${routeKey(route)}\u0000${caller.label}`, { route, caller, decision: decisionFor(route, caller, matrix.flavour) }] as const)) : []);
  const [old, now] = [cells(before), cells(after)];
  const gained: AccessChange[] = [];
  const lost: AccessChange[] = [];
  for (const [key, cell] of now) {
    if (cell.decision === "handler" && old.get(key)?.decision !== "handler") gained.push({ route: routeKey(cell.route), caller: cell.caller.label, how: explain(before, after!, cell.route, cell.caller, true) });
  }
  for (const [key, cell] of old) {
    if (cell.decision === "handler" && now.get(key)?.decision !== "handler") lost.push({ route: routeKey(cell.route), caller: cell.caller.label, how: explain(after, before!, cell.route, cell.caller, false) });
  }
  const routes = (matrix: AuthMatrix | undefined) => (matrix?.routes ?? []).map(routeKey);
  return {
    stack,
    gained,
    lost,
    routesAdded: added(routes(after), routes(before)),
    routesRemoved: added(routes(before), routes(after)),
    otherChanges: before && after ? otherChanges(before, after, [...gained, ...lost].map((change) => change.how)) : [],
  };
}

/** Every stack of either side, compared. */
export function compareMatrices(before: ReadonlyMap<string, AuthMatrix>, after: ReadonlyMap<string, AuthMatrix>): StackAccessDiff[] {
  return [...new Set([...before.keys(), ...after.keys()])].sort().map((stack) => compareStack(stack, before.get(stack), after.get(stack)));
}

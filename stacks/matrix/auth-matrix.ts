import type { Route } from "../api/routes";
import { isStandardScope, type AppClientDefinition, type OAuthFlow, type ScopeDefinition } from "../auth/clients";
import type { ScopeGrants } from "../auth/groups";
import type { BuiltFlavour, TokenValidity } from "../config";
import type { PolicyFinding } from "../policy/finding";

export interface AuthMatrixInput {
  readonly stack: string;
  /** Whose rules the gateway applies: a REST API's Cognito authorizer or an HTTP API's JWT authorizer. @default "rest-cognito" */
  readonly flavour?: BuiltFlavour;
  readonly resourceServerIdentifier: string;
  readonly routes: readonly Route[];
  readonly scopes: readonly ScopeDefinition[];
  readonly clients: readonly AppClientDefinition[];
  /** @default - no groups: scopes are per client */
  readonly scopeGrants?: ScopeGrants;
  readonly tokenValidity: TokenValidity;
  readonly findings: readonly PolicyFinding[];
}

export interface RouteAccess {
  readonly client: string;
  readonly how: string;
}

export interface AuthMatrixRoute {
  readonly method: string;
  readonly path: string;
  readonly handler: string;
  /** `access-token`, `id-token` or `public`. */
  readonly auth: "access-token" | "id-token" | "public";
  /** Full scope strings; any one passes. */
  readonly scopes: readonly string[];
  readonly tokenAccepted: string;
  readonly reason?: string;
  readonly clients: readonly RouteAccess[];
  /**
   * With scope grants, the groups whose members' access tokens pass (`(no group)` for users in
   * none); undefined when scopes are per client.
   */
  readonly groups?: readonly string[];
}

export interface AuthMatrix {
  readonly stack: string;
  readonly flavour: BuiltFlavour;
  readonly resourceServer: string;
  readonly routes: readonly AuthMatrixRoute[];
  readonly clients: ReadonlyArray<{
    readonly name: string;
    readonly flows: readonly OAuthFlow[];
    readonly scopes: readonly string[];
    readonly secret: boolean;
    readonly tokenValidity: TokenValidity;
  }>;
  /** Groups and the full scopes they grant; empty when scopes are per client. */
  readonly groups: ReadonlyArray<{ readonly name: string; readonly description: string; readonly scopes: readonly string[]; readonly precedence?: number }>;
  /** Full scopes of a user in no group, when there are groups. */
  readonly scopesWithoutGroup: readonly string[];
  readonly findings: readonly PolicyFinding[];
}

/** The name the matrix gives users in no group. */
export const NO_GROUP = "(no group)";

const HOW: Record<OAuthFlow, string> = {
  code: "user sign-in through the hosted UI (authorization code with PKCE)",
  client_credentials: "client credentials (machine to machine)",
  implicit: "implicit flow (unsafe)",
};

function howClientGetsTokens(client: AppClientDefinition): string {
  return client.flows.map((flow) => HOW[flow]).join("; ");
}

/** Who can call what: derived from the route table and the clients, never written by hand. */
export function buildAuthMatrix(input: AuthMatrixInput): AuthMatrix {
  const flavour = input.flavour ?? "rest-cognito";
  const full = (scope: string) => (isStandardScope(scope) ? scope : `${input.resourceServerIdentifier}/${scope}`);
  const grants = input.scopeGrants;
  const granting = grants?.groups.length || grants?.withoutGroup?.length
    ? [...grants.groups.map((group) => ({ name: group.name, scopes: group.scopes })), ...(grants.withoutGroup?.length ? [{ name: NO_GROUP, scopes: grants.withoutGroup }] : [])]
    : undefined;
  const routes = input.routes.map((route): AuthMatrixRoute => {
    const base = { method: route.method, path: route.path, handler: `functions/${route.handler}.ts` };
    if (route.public !== undefined) {
      return { ...base, auth: "public", scopes: [], tokenAccepted: "none (public)", reason: route.public, clients: [{ client: "anyone", how: "no token" }] };
    }
    if (route.acceptIdToken !== undefined) {
      const clients = input.clients
        .filter((client) => client.flows.includes("code") && client.scopes.includes("openid"))
        .map((client) => ({ client: client.name, how: howClientGetsTokens(client) }));
      const tokenAccepted = flavour === "http-jwt" ? "ID token (the gateway passes any valid token of the audience; the handler answers access tokens 403)" : "ID token (access tokens get 401)";
      return { ...base, auth: "id-token", scopes: [], tokenAccepted, reason: route.acceptIdToken, clients };
    }
    const required = route.scopes ?? [];
    const clients = input.clients
      .filter((client) => client.scopes.some((scope) => required.includes(scope)))
      .map((client) => ({ client: client.name, how: howClientGetsTokens(client) }));
    const groups = granting?.filter((group) => group.scopes.some((scope) => required.includes(scope))).map((group) => group.name);
    const tokenAccepted = flavour === "http-jwt" ? "access token holding any of the scopes (a valid token without one gets 403)" : "access token holding any of the scopes";
    return { ...base, auth: "access-token", scopes: required.map(full), tokenAccepted, clients, ...(groups ? { groups } : {}) };
  });
  return {
    stack: input.stack,
    flavour,
    resourceServer: input.resourceServerIdentifier,
    routes,
    clients: input.clients.map((client) => ({
      name: client.name,
      flows: client.flows,
      scopes: client.scopes.map(full),
      secret: client.generateSecret,
      tokenValidity: input.tokenValidity,
    })),
    groups: (grants?.groups ?? []).map((group) => ({
      name: group.name,
      description: group.description,
      scopes: group.scopes.map(full),
      ...(group.precedence !== undefined ? { precedence: group.precedence } : {}),
    })),
    scopesWithoutGroup: (grants?.withoutGroup ?? []).map(full),
    findings: input.findings,
  };
}

/** A table cell's text with its pipes escaped. */
export const markdownCell = (value: string) => value.replace(/\|/g, "\\|");
const nodeId = (value: string) => value.replace(/[^A-Za-z0-9]/g, "_");

function mermaid(matrix: AuthMatrix): string {
  const lines = ["flowchart LR"];
  const shortScope = (scope: string) => scope.slice(scope.lastIndexOf("/") + 1);
  for (const client of matrix.clients) {
    lines.push(`  client_${nodeId(client.name)}["${client.name} (${client.flows.join(", ")})"]`);
  }
  for (const scope of new Set(matrix.routes.flatMap((route) => route.scopes))) {
    lines.push(`  scope_${nodeId(scope)}(["${shortScope(scope)}"])`);
  }
  for (const group of matrix.groups) {
    lines.push(`  group_${nodeId(group.name)}{{"group ${group.name}"}}`);
    for (const scope of group.scopes.filter((candidate) => matrix.routes.some((route) => route.scopes.includes(candidate)))) {
      lines.push(`  group_${nodeId(group.name)} --> scope_${nodeId(scope)}`);
    }
  }
  for (const route of matrix.routes) lines.push(`  route_${nodeId(route.method + route.path)}["${route.method} ${route.path}"]`);
  for (const client of matrix.clients) {
    for (const scope of client.scopes.filter((candidate) => matrix.routes.some((route) => route.scopes.includes(candidate)))) {
      lines.push(`  client_${nodeId(client.name)} --> scope_${nodeId(scope)}`);
    }
  }
  for (const route of matrix.routes) {
    const target = `route_${nodeId(route.method + route.path)}`;
    if (route.auth === "public") lines.push(`  anyone((anyone)) -. public .-> ${target}`);
    for (const scope of route.scopes) lines.push(`  scope_${nodeId(scope)} --> ${target}`);
    if (route.auth === "id-token") {
      for (const access of route.clients) lines.push(`  client_${nodeId(access.client)} -. ID token .-> ${target}`);
    }
  }
  return lines.join("\n");
}

const FLAVOUR_LINE: Record<BuiltFlavour, string> = {
  "rest-cognito": "A REST API with a Cognito authorizer (flavour `rest-cognito`): it refuses with 401.",
  "http-jwt": "An HTTP API with a JWT authorizer (flavour `http-jwt`): it refuses an invalid token with 401 and a valid one without the route's scopes with 403.",
};

/** The matrix as Markdown; `answers`, the gateway's answer per route and caller (matrix-cells.ts), goes after the routes. */
export function renderAuthMatrixMarkdown(matrix: AuthMatrix, answers: readonly string[] = []): string {
  const out: string[] = [];
  out.push(`# Auth matrix: stack \`${matrix.stack}\``, "");
  out.push(`Resource server \`${matrix.resourceServer}\`. ${FLAVOUR_LINE[matrix.flavour]} Generated by synth from the route table and the app clients; do not edit.`, "");
  out.push("## Routes", "");
  const withGroups = matrix.routes.some((route) => route.groups !== undefined);
  out.push(`| Method | Path | Scopes (any of) | Token accepted | Clients that can call it |${withGroups ? " Groups whose users reach it |" : ""} Handler |`);
  out.push(`|---|---|---|---|---|${withGroups ? "---|" : ""}---|`);
  for (const route of matrix.routes) {
    const scopes = route.scopes.length ? route.scopes.map((scope) => `\`${scope}\``).join("<br>") : "-";
    const token = route.reason ? `${route.tokenAccepted}: ${route.reason}` : route.tokenAccepted;
    const clients = route.clients.length ? route.clients.map((access) => `**${access.client}**: ${access.how}`).join("<br>") : "**none**";
    const groups = withGroups ? ` ${route.groups === undefined ? "-" : route.groups.length ? markdownCell(route.groups.map((group) => `**${group}**`).join(", ")) : "**none**"} |` : "";
    out.push(`| ${route.method} | \`${route.path}\` | ${markdownCell(scopes)} | ${markdownCell(token)} | ${markdownCell(clients)} |${groups} \`${route.handler}\` |`);
  }
  if (answers.length) out.push("", ...answers);
  if (matrix.groups.length) {
    out.push("", "## Groups", "");
    out.push("A pre-token-generation trigger (`V2_0`) puts in each user's access token exactly the scopes of the user's groups: for a hosted-UI sign-in the requested scopes the groups grant, for an SDK (SRP) sign-in all of them. Machine (`client_credentials`) tokens keep their client's scopes.", "");
    out.push("| Group | Precedence | Scopes granted | Description |", "|---|---|---|---|");
    for (const group of matrix.groups) {
      const scopes = group.scopes.length ? group.scopes.map((scope) => `\`${scope}\``).join("<br>") : "none";
      out.push(`| ${markdownCell(group.name)} | ${group.precedence ?? "-"} | ${markdownCell(scopes)} | ${markdownCell(group.description)} |`);
    }
    const without = matrix.scopesWithoutGroup.map((scope) => `\`${scope}\``).join(", ");
    out.push("", `A user in no group gets ${without || "no custom scope: such a user's tokens reach no scoped route"}.`);
  }
  out.push("", "## Clients", "");
  for (const client of matrix.clients) {
    const validity = client.tokenValidity;
    out.push(`### ${client.name}`, "");
    out.push(`- Flows: ${client.flows.map((flow) => `\`${flow}\``).join(", ")}`);
    out.push(`- Scopes: ${client.scopes.map((scope) => `\`${scope}\``).join(", ")}`);
    out.push(`- Secret: ${client.secret ? "yes (confidential client)" : "no (public client: browser or mobile app)"}`);
    const machine = client.flows.includes("client_credentials");
    out.push(
      machine
        ? `- Token validity: access ${validity.accessTokenMinutes} min (client credentials issue no ID or refresh token)`
        : `- Token validity: access ${validity.accessTokenMinutes} min, ID ${validity.idTokenMinutes} min, refresh ${validity.refreshTokenDays} days`,
      "",
    );
  }
  out.push("## Who reaches what", "", "```mermaid", mermaid(matrix), "```", "");
  out.push("## Policy findings", "");
  const open = matrix.findings.filter((finding) => finding.suppressedBecause === undefined);
  const suppressed = matrix.findings.filter((finding) => finding.suppressedBecause !== undefined);
  if (open.length === 0) out.push("None.");
  else {
    out.push("| Level | Rule | Resource | Cause |", "|---|---|---|---|");
    for (const finding of open) {
      const details = finding.details.length ? ` (${finding.details.join(", ")})` : "";
      out.push(`| ${finding.level} | ${finding.ruleId} | \`${finding.path}\` | ${markdownCell(finding.cause + details)} |`);
    }
  }
  out.push("", "## Suppressions", "");
  if (suppressed.length === 0) out.push("None.");
  else {
    out.push("| Rule | Resource | Reason |", "|---|---|---|");
    for (const finding of suppressed) {
      const details = finding.details.length ? ` (${finding.details.join(", ")})` : "";
      out.push(`| ${finding.ruleId}${markdownCell(details)} | \`${finding.path}\` | ${markdownCell(finding.suppressedBecause ?? "")} |`);
    }
  }
  return out.join("\n") + "\n";
}

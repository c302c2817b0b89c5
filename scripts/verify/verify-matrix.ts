import { randomBytes, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalGateway } from "../../local/gateway/local-gateway";
import { LocalUsers } from "../../local/cognito/local-users";
import { synthesizeLocalStack } from "../../local/stack/local-stack";
import type { StackModel } from "../../local/stack/stack-model";
import type { AuthMatrix } from "../../stacks/matrix/auth-matrix";
import { AUTH_MATRIX_JSON } from "../../stacks/matrix/auth-matrix-files";
import { machineToken, signInThroughHostedUi } from "./hosted-ui-sign-in";
import { cellsOf, observedDecision, type Caller, type Cell, type Decision } from "../../stacks/matrix/matrix-cells";

/** A stack to ask: its URLs, its clients, and the credentials of whoever verify may sign in as. */
export interface VerifyTarget {
  readonly apiUrl: string;
  readonly authorizeEndpoint: string;
  readonly tokenEndpoint: string;
  /** By client name: its id and, for a sign-in client, a registered callback URL. */
  readonly clients: ReadonlyMap<string, { readonly clientId: string; readonly redirectUri?: string }>;
  /** Machine clients' secrets, by client name. */
  readonly secrets: ReadonlyMap<string, string>;
  /** A test user per group (and `(no group)`), by group name. */
  readonly users: ReadonlyMap<string, { readonly username: string; readonly password: string }>;
}

export interface CellResult {
  readonly cell: Cell;
  readonly status?: number;
  readonly observed?: Decision;
  /** Why the cell was not asked (no credentials for its caller). */
  readonly skipped?: string;
  readonly ok: boolean;
}

/** A path of the route with every parameter filled: a random id reaches the handler without touching data. */
function concretePath(routePath: string): string {
  return routePath.replace(/\{[^}]+\}/g, () => randomUUID());
}

/**
 * Asks the stack every cell of the matrix: each route, with each caller's token, a request that
 * changes nothing (an empty body where one is expected, random ids), and compares what the
 * gateway did with what the matrix says.
 */
export async function verifyMatrix(matrix: AuthMatrix, target: VerifyTarget): Promise<CellResult[]> {
  const signIns = new Map<string, Promise<{ accessToken: string; idToken?: string }>>();
  const signIn = (client: string, group: string) => {
    const key = `${client}/${group}`;
    if (!signIns.has(key)) {
      const user = target.users.get(group);
      const registered = target.clients.get(client);
      const definition = matrix.clients.find((candidate) => candidate.name === client)!;
      if (!user || !registered?.redirectUri) return undefined;
      signIns.set(
        key,
        signInThroughHostedUi(
          { authorizeEndpoint: target.authorizeEndpoint, tokenEndpoint: target.tokenEndpoint, clientId: registered.clientId, redirectUri: registered.redirectUri, scopes: definition.scopes },
          user.username,
          user.password,
        ),
      );
    }
    return signIns.get(key);
  };
  const machines = new Map<string, Promise<string>>();
  const tokenFor = async (caller: Caller): Promise<string | undefined | { skipped: string }> => {
    switch (caller.kind) {
      case "anonymous":
        return undefined;
      case "machine": {
        const secret = target.secrets.get(caller.client);
        if (!secret) return { skipped: `no secret for client ${caller.client} (${secretVariable(caller.client)})` };
        if (!machines.has(caller.client)) machines.set(caller.client, machineToken(target.tokenEndpoint, target.clients.get(caller.client)!.clientId, secret));
        return machines.get(caller.client)!;
      }
      case "user": {
        const session = signIn(caller.client, caller.group);
        return session ? (await session).accessToken : { skipped: `no test user for group ${caller.group} (${userVariables(caller.group).join(", ")})` };
      }
      case "id-token": {
        const group = [...target.users.keys()][0];
        const session = group === undefined ? undefined : signIn(caller.client, group);
        const idToken = session ? (await session).idToken : undefined;
        return idToken ?? { skipped: "no test user to get an ID token from" };
      }
    }
  };

  const results: CellResult[] = [];
  for (const cell of cellsOf(matrix)) {
    const token = await tokenFor(cell.caller);
    if (typeof token === "object") {
      results.push({ cell, skipped: token.skipped, ok: true });
      continue;
    }
    const method = cell.route.method;
    const response = await fetch(`${target.apiUrl.replace(/\/$/, "")}${concretePath(cell.route.path)}`, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(["POST", "PUT", "PATCH"].includes(method) ? { "Content-Type": "application/json" } : {}) },
      body: ["POST", "PUT", "PATCH"].includes(method) ? "{}" : undefined,
    });
    const observed = observedDecision(response.status, await response.text(), matrix.flavour);
    results.push({ cell, status: response.status, observed, ok: observed === cell.expected });
  }
  return results;
}

const label = (decision: Decision) => (decision === "handler" ? "reaches the handler" : String(decision));

/** The route × caller table, each cell the status seen (`x` marks a difference, `-` a cell not asked), then one line per difference. */
export function report(results: readonly CellResult[]): string[] {
  const callers = [...new Set(results.map((result) => result.cell.caller.label))];
  const routes = [...new Set(results.map((result) => `${result.cell.route.method} ${result.cell.route.path}`))];
  const width = Math.max(...routes.map((route) => route.length));
  const cellText = (result: CellResult) => (result.skipped ? "-" : `${result.ok ? "" : "x "}${result.status}`);
  const lines = [[`${"route".padEnd(width)}`, ...callers].join(" | ")];
  for (const route of routes) {
    const row = callers.map((caller) => {
      const result = results.find((candidate) => `${candidate.cell.route.method} ${candidate.cell.route.path}` === route && candidate.cell.caller.label === caller)!;
      return cellText(result).padEnd(caller.length);
    });
    lines.push([route.padEnd(width), ...row].join(" | "));
  }
  for (const result of results.filter((candidate) => !candidate.ok)) {
    lines.push(`DIFF ${result.cell.route.method} ${result.cell.route.path}, ${result.cell.caller.label}: got ${result.status} (${label(result.observed!)}), the matrix says ${label(result.cell.expected)}`);
  }
  const skipped = [...new Set(results.filter((result) => result.skipped).map((result) => result.skipped!))];
  for (const reason of skipped) lines.push(`skipped: ${reason}`);
  const asked = results.filter((result) => !result.skipped);
  lines.push(`${asked.filter((result) => result.ok).length} of ${asked.length} cells as the matrix says${skipped.length ? `, ${results.length - asked.length} not asked` : ""}`);
  return lines;
}

const variablePart = (name: string) => name.replace(/^\(no group\)$/, "no group").toUpperCase().replace(/[^A-Z0-9]+/g, "_");
export const secretVariable = (client: string) => `${variablePart(client)}_CLIENT_SECRET`;
export const userVariables = (group: string) => [`VERIFY_${variablePart(group)}_USERNAME`, `VERIFY_${variablePart(group)}_PASSWORD`];

/** A client's name in the matrix (`web`) from its Cognito name (`notes-dev-web`). */
export function shortClientName(name: string, stack: string): string {
  const marker = `-${stack}-`;
  const at = name.indexOf(marker);
  return at >= 0 ? name.slice(at + marker.length) : name;
}

export function readMatrix(model: StackModel): AuthMatrix {
  return JSON.parse(fs.readFileSync(path.join(path.dirname(model.openApiFile), AUTH_MATRIX_JSON), "utf8")) as AuthMatrix;
}

/** A local gateway of the stack on a free port, with a fresh database and a test user per group, and the target that reaches it. */
export async function localTarget(stack: string, dataDir: string, matrix: AuthMatrix, loaded = synthesizeLocalStack(stack)): Promise<{ gateway: LocalGateway; target: VerifyTarget }> {
  fs.rmSync(dataDir, { recursive: true, force: true });
  const users = new Map<string, { username: string; password: string }>();
  const store = LocalUsers.forStack(dataDir, stack);
  for (const group of [...matrix.groups.map((candidate) => candidate.name), "(no group)"]) {
    const user = { username: `verify-${variablePart(group).toLowerCase()}`, password: randomBytes(12).toString("base64url") };
    store.add(user.username, user.password, { groups: group === "(no group)" ? [] : [group] });
    users.set(group, user);
  }
  const gateway = new LocalGateway({ model: loaded.model, terraform: loaded.terraform, dataDir, port: 0, fresh: true, log: () => undefined });
  await gateway.start();
  const clients = new Map(gateway.clients.map((client) => [shortClientName(client.name, stack), { clientId: client.clientId, redirectUri: client.callbackUrls[0] }]));
  const secrets = new Map(gateway.clients.filter((client) => client.clientSecret).map((client) => [shortClientName(client.name, stack), client.clientSecret!]));
  return { gateway, target: { apiUrl: gateway.apiUrl, authorizeEndpoint: `${gateway.url}/oauth2/authorize`, tokenEndpoint: `${gateway.url}/oauth2/token`, clients, secrets, users } };
}

import { environments } from "../../environments";
import { notesRoutes } from "../../stacks/api/routes";
import { notesClients, notesScopes } from "../../stacks/auth/clients";
import { notesScopeGrants } from "../../stacks/auth/groups";
import { buildAuthMatrix, NO_GROUP } from "../../stacks/matrix/auth-matrix";
import { callersOf, cellsOf, gatewayAnswers, observedDecision } from "../../stacks/matrix/matrix-cells";
import { report, type CellResult } from "../../scripts/verify/verify-matrix";

const matrix = buildAuthMatrix({
  stack: "dev",
  resourceServerIdentifier: environments.dev.auth.resourceServerIdentifier,
  routes: notesRoutes,
  scopes: notesScopes,
  clients: notesClients(environments.dev.auth),
  scopeGrants: notesScopeGrants,
  tokenValidity: environments.dev.auth.tokenValidity,
  findings: [],
});

describe("verify: the cells of the auth matrix", () => {
  test("callers: no token, an ID token and a user per group (and none) per sign-in client, each machine client", () => {
    expect(callersOf(matrix).map((caller) => caller.label)).toEqual(["no token", "web ID token", "web readers", "web editors", `web ${NO_GROUP}`, "reporting (machine)"]);
  });

  test("agree with the matrix's own columns: a group's users and a machine client reach a route exactly where the matrix lists them", () => {
    for (const cell of cellsOf(matrix)) {
      const { route, caller, expected } = cell;
      if (route.auth === "public") expect(expected).toBe("handler");
      else if (caller.kind === "user") expect([route.path, caller.group, expected]).toEqual([route.path, caller.group, (route.groups ?? []).includes(caller.group) ? "handler" : 401]);
      else if (caller.kind === "machine") expect([route.path, caller.client, expected]).toEqual([route.path, caller.client, route.clients.some((access) => access.client === caller.client) ? "handler" : 401]);
      else expect([route.path, caller.kind, expected]).toEqual([route.path, caller.kind, 401]);
    }
  });

  test("a 401 is the authorizer's; a handler's 400, 403 or 404 means the call got through", () => {
    expect([200, 201, 204, 400, 403, 404, 500].map((status) => observedDecision(status))).toEqual(Array(7).fill("handler"));
    expect(observedDecision(401)).toBe(401);
  });

  test("the report names each difference in one line and counts what was asked", () => {
    const cells = cellsOf(matrix);
    const results: CellResult[] = cells.map((cell) =>
      cell.route.method === "DELETE" && cell.caller.label === "web readers" ? { cell, status: 404, observed: "handler", ok: false } : { cell, status: cell.expected === 401 ? 401 : 200, observed: cell.expected, ok: true },
    );
    const lines = report(results);
    expect(lines.filter((line) => line.startsWith("DIFF"))).toEqual(["DIFF DELETE /notes/{id}, web readers: got 404 (reaches the handler), the matrix says 401"]);
    expect(lines.at(-1)).toBe(`${cells.length - 1} of ${cells.length} cells as the matrix says`);
    expect(lines.find((line) => line.startsWith("DELETE /notes/{id}"))).toMatch(/\| x 404 +\|/);
  });
});

describe("the cells of an http-jwt matrix (an HTTP API's JWT authorizer)", () => {
  const http = buildAuthMatrix({
    stack: "devhttp",
    flavour: "http-jwt",
    resourceServerIdentifier: environments.devhttp.auth.resourceServerIdentifier,
    routes: notesRoutes,
    scopes: notesScopes,
    clients: notesClients(environments.devhttp.auth),
    scopeGrants: notesScopeGrants,
    tokenValidity: environments.devhttp.auth.tokenValidity,
    findings: [],
  });
  const rest = cellsOf(matrix);

  test("refuse no token with 401 and a valid token without the route's scopes with 403, where the Cognito authorizer says 401 to both", () => {
    const cells = cellsOf(http);
    expect(cells.map((cell) => [cell.route.method, cell.route.path, cell.caller.label])).toEqual(rest.map((cell) => [cell.route.method, cell.route.path, cell.caller.label]));
    cells.forEach((cell, index) => {
      const before = rest[index]!.expected;
      if (cell.route.auth === "public") expect(cell.expected).toBe("handler");
      else if (cell.caller.kind === "anonymous") expect(cell.expected).toBe(401);
      // Who reaches a handler is the same; only the refusal's status differs.
      else expect([cell.route.path, cell.caller.label, cell.expected]).toEqual([cell.route.path, cell.caller.label, before === "handler" ? "handler" : 403]);
    });
    expect(cells.filter((cell) => cell.caller.kind === "id-token" && cell.route.auth === "access-token").every((cell) => cell.expected === 403)).toBe(true);
  });

  test("a 403 is the gateway's when its body is API Gateway's {\"message\":\"Forbidden\"}; a handler's 403 says why", () => {
    expect(observedDecision(403, '{"message":"Forbidden"}', "http-jwt")).toBe(403);
    expect(observedDecision(403, '{"message":"insufficient scope"}', "http-jwt")).toBe("handler");
    expect(observedDecision(403, '{"message":"Forbidden"}', "rest-cognito")).toBe("handler");
    expect(observedDecision(401, "", "http-jwt")).toBe(401);
  });

  test("the matrix's Markdown shows the gateway's answer per route and caller", () => {
    const lines = gatewayAnswers(http);
    expect(lines).toContain(`| Route | ${callersOf(http).map((caller) => caller.label).join(" | ")} |`);
    expect(lines.find((line) => line.startsWith("| POST `/notes`"))).toBe("| POST `/notes` | **401** | **403** | **403** | handler | **403** | **403** |");
    expect(gatewayAnswers(matrix).find((line) => line.startsWith("| POST `/notes`"))).toBe("| POST `/notes` | **401** | **401** | **401** | handler | **401** | **401** |");
  });
});

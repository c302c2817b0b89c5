import { environments } from "../../environments";
import { notesRoutes } from "../../stacks/api/routes";
import { notesClients, notesScopes } from "../../stacks/auth/clients";
import { notesScopeGrants } from "../../stacks/auth/groups";
import { buildAuthMatrix, NO_GROUP } from "../../stacks/matrix/auth-matrix";
import { callersOf, cellsOf, observedDecision } from "../../stacks/matrix/matrix-cells";
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
    expect([200, 201, 204, 400, 403, 404, 500].map(observedDecision)).toEqual(Array(7).fill("handler"));
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

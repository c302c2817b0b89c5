import * as fs from "node:fs";
import * as path from "node:path";
import { environments } from "../../environments";
import { notesRoutes } from "../../stacks/api/routes";
import { isStandardScope, notesClients } from "../../stacks/auth/clients";
import type { AuthMatrix } from "../../stacks/matrix/auth-matrix";
import { sharedSynth } from "../helpers/local-stack";

// The dev stack's matrix files as synth writes them (the tests' shared synth of the project)
const { outdir } = sharedSynth();
const matrix = JSON.parse(fs.readFileSync(path.join(outdir, "stacks/dev/auth-matrix.json"), "utf8")) as AuthMatrix;
const markdown = fs.readFileSync(path.join(outdir, "stacks/dev/auth-matrix.md"), "utf8");

const READ = "https://notes.example.com/notes.read";
const WRITE = "https://notes.example.com/notes.write";

/** The dev stack's access rules, written out as the specification. */
const expected: Array<[string, string, string[], string[]]> = [
  ["GET", "/health", [], ["anyone"]],
  ["GET", "/me", [READ], ["web", "reporting"]],
  ["GET", "/notes", [READ], ["web", "reporting"]],
  ["POST", "/notes", [WRITE], ["web"]],
  ["GET", "/notes/{id}", [READ], ["web", "reporting"]],
  ["PUT", "/notes/{id}", [WRITE], ["web"]],
  ["DELETE", "/notes/{id}", [WRITE], ["web"]],
];

describe("auth matrix of the dev stack", () => {
  test("has one row per route of the route table", () => {
    expect(matrix.routes.map((route) => `${route.method} ${route.path}`)).toEqual(notesRoutes.map((route) => `${route.method} ${route.path}`));
  });

  test.each(expected)("%s %s needs %p and is reachable by exactly %p", (method, routePath, scopes, clients) => {
    const row = matrix.routes.find((route) => route.method === method && route.path === routePath)!;
    expect(row.scopes).toEqual(scopes);
    expect(row.clients.map((access) => access.client)).toEqual(clients);
  });

  test("says how each client gets its token", () => {
    const me = matrix.routes.find((route) => route.path === "/me")!;
    expect(me.clients).toEqual([
      { client: "web", how: "user sign-in through the hosted UI (authorization code with PKCE)" },
      { client: "reporting", how: "client credentials (machine to machine)" },
    ]);
    expect(me.tokenAccepted).toBe("access token holding any of the scopes");
    expect(matrix.routes[0]).toMatchObject({ auth: "public", tokenAccepted: "none (public)", reason: expect.stringContaining("uptime checks") });
  });

  test("describes each client's flows, scopes and secret", () => {
    const full = (scope: string) => (isStandardScope(scope) ? scope : `https://notes.example.com/${scope}`);
    expect(matrix.clients.map(({ name, flows, scopes, secret }) => ({ name, flows, scopes, secret }))).toEqual(
      notesClients(environments.dev.auth).map((client) => ({ name: client.name, flows: client.flows, scopes: client.scopes.map(full), secret: client.generateSecret })),
    );
    expect(matrix.clients.find((client) => client.name === "web")!.scopes).toEqual(expect.arrayContaining([READ, WRITE]));
    expect(matrix.clients.find((client) => client.name === "reporting")!.scopes).toEqual([READ]);
  });

  test("the markdown has the route table, a Mermaid diagram, findings and suppressions", () => {
    expect(markdown).toContain("| POST | `/notes` | `https://notes.example.com/notes.write` | access token holding any of the scopes | **web**: user sign-in");
    expect(markdown).toContain("```mermaid\nflowchart LR\n");
    expect(markdown).toContain("client_reporting --> scope_https___notes_example_com_notes_read");
    expect(markdown).toContain("scope_https___notes_example_com_notes_write --> route_POST_notes");
    expect(markdown).toContain("| warning | COG2 | `dev-data/auth/user-pool` |");
    expect(markdown).toMatch(/\| APIG4 \| `dev\/api\/method_GET_health` \| declared public: uptime checks/);
  });
});

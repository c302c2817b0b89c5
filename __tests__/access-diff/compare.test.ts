import { environments } from "../../environments";
import { compareMatrices, compareStack } from "../../scripts/access-diff/compare";
import { reportLines, widened } from "../../scripts/access-diff/report";
import { notesRoutes, type Route } from "../../stacks/api/routes";
import { notesClients, notesScopes, type AppClientDefinition } from "../../stacks/auth/clients";
import { notesScopeGrants, type ScopeGrants } from "../../stacks/auth/groups";
import { buildAuthMatrix, type AuthMatrix } from "../../stacks/matrix/auth-matrix";
import { callersOf, decisionFor } from "../../stacks/matrix/matrix-cells";

const dev = environments.dev;

/** The dev stack's matrix as synth builds it, with one part of its input changed. */
function matrix(change: { routes?: readonly Route[]; clients?: readonly AppClientDefinition[]; scopeGrants?: ScopeGrants } = {}): AuthMatrix {
  return buildAuthMatrix({
    stack: "dev",
    resourceServerIdentifier: dev.auth.resourceServerIdentifier,
    routes: change.routes ?? notesRoutes,
    scopes: notesScopes,
    clients: change.clients ?? notesClients(dev.auth),
    scopeGrants: change.scopeGrants ?? notesScopeGrants,
    tokenValidity: dev.auth.tokenValidity,
    findings: [],
  });
}

const base = matrix();
const routesWithScope = (scope: string) => notesRoutes.filter((route) => route.scopes?.includes(scope)).map((route) => `${route.method} ${route.path}`);
const withGroup = (name: string, change: (scopes: readonly string[]) => readonly string[]): ScopeGrants => ({
  ...notesScopeGrants,
  groups: notesScopeGrants.groups.map((group) => (group.name === name ? { ...group, scopes: change(group.scopes) } : group)),
});

describe("access diff", () => {
  test("the same matrix on both sides changes nothing", () => {
    const diff = compareStack("dev", base, matrix());
    expect(diff).toEqual({ stack: "dev", gained: [], lost: [], routesAdded: [], routesRemoved: [], otherChanges: [] });
  });

  test("readers granted notes.write gain exactly the write routes, for readers, and the diff widens", () => {
    // GIVEN readers also granted notes.write
    const after = matrix({ scopeGrants: withGroup("readers", (scopes) => [...scopes, "notes.write"]) });
    // WHEN the matrices are compared
    const diff = compareStack("dev", base, after);
    // THEN the readers' cells of every route that takes notes.write (and no other) are gained, with the reason
    expect(diff.gained.map((change) => `${change.caller} ${change.route}`).sort()).toEqual(routesWithScope("notes.write").map((route) => `web readers ${route}`).sort());
    expect(new Set(diff.gained.map((change) => change.how))).toEqual(new Set(["group readers granted notes.write"]));
    expect(diff.lost).toEqual([]);
    expect(widened([diff])).toBe(true);
  });

  test("a route made public is gained by a caller without a token", () => {
    const routes = notesRoutes.map((route) => (route.method === "GET" && route.path === "/notes/{id}" ? { ...route, scopes: undefined, public: "a public note viewer, for a demo" } : route));
    const diff = compareStack("dev", base, matrix({ routes }));
    expect(diff.gained).toContainEqual({ route: "GET /notes/{id}", caller: "no token", how: "route made public" });
    expect(diff.gained.every((change) => change.route === "GET /notes/{id}")).toBe(true);
    expect(widened([diff])).toBe(true);
  });

  test("a new route with an existing scope is listed as added, with the callers that scope already lets in", () => {
    // GIVEN POST /notes/{id}/archive, requiring what POST /notes requires
    const create = notesRoutes.find((route) => route.method === "POST" && route.path === "/notes")!;
    const archive: Route = { ...create, path: "/notes/{id}/archive", handler: "notes/archive" };
    const diff = compareStack("dev", base, matrix({ routes: [...notesRoutes, archive] }));
    // THEN it is a new route, gained by exactly the callers that reach POST /notes
    expect(diff.routesAdded).toEqual(["POST /notes/{id}/archive"]);
    const reachingCreate = callersOf(base).filter((caller) => decisionFor(base.routes.find((route) => route.method === "POST" && route.path === "/notes")!, caller) === "handler");
    expect(diff.gained).toEqual(reachingCreate.map((caller) => ({ route: "POST /notes/{id}/archive", caller: caller.label, how: "new route" })));
    expect(reachingCreate.length).toBeGreaterThan(0);
  });

  test("a scope taken from the web client is only access lost: the diff does not widen", () => {
    const clients = notesClients(dev.auth).map((client) => (client.name === "web" ? { ...client, scopes: client.scopes.filter((scope) => scope !== "notes.write") } : client));
    const diff = compareStack("dev", base, matrix({ clients }));
    expect(diff.gained).toEqual([]);
    expect(diff.lost.map((change) => change.route).sort()).toEqual(routesWithScope("notes.write").sort());
    expect(new Set(diff.lost.map((change) => `${change.caller}: ${change.how}`))).toEqual(new Set(["web editors: client web may no longer ask for notes.write"]));
    expect(widened([diff])).toBe(false);
  });

  test("a group's new description changes no access: it is listed as a change that gives or takes none", () => {
    const scopeGrants = { ...notesScopeGrants, groups: notesScopeGrants.groups.map((group) => (group.name === "editors" ? { ...group, description: "Editors of the notes" } : group)) };
    const diff = compareStack("dev", base, matrix({ scopeGrants }));
    expect([diff.gained, diff.lost]).toEqual([[], []]);
    expect(diff.otherChanges).toEqual([`group editors: description "Read, create, change and delete notes" -> "Editors of the notes"`]);
    expect(reportLines([diff], "main")).toContain("access did not widen: 0 route x caller cells lost");
  });

  test("a route that starts accepting ID tokens is gained by the ID token and lost by access tokens", () => {
    const routes = notesRoutes.map((route) => (route.method === "GET" && route.path === "/me" ? { ...route, scopes: undefined, acceptIdToken: "the legacy app sends ID tokens" } : route));
    const diff = compareStack("dev", base, matrix({ routes }));
    expect(diff.gained).toEqual([{ route: "GET /me", caller: "web ID token", how: "route accepts ID tokens (acceptIdToken)" }]);
    expect(diff.lost.length).toBeGreaterThan(0);
    expect(diff.lost.every((change) => change.route === "GET /me" && change.how === "route accepts only ID tokens now (acceptIdToken)")).toBe(true);
  });

  test("a new stack's routes are gained and a removed one's lost; the stacks are compared in order", () => {
    const diffs = compareMatrices(new Map([["dev", base]]), new Map([["dev", base], ["staging", { ...base, stack: "staging" }]]));
    expect(diffs.map((diff) => diff.stack)).toEqual(["dev", "staging"]);
    expect(diffs[1]!.gained.length).toBeGreaterThan(0);
    expect(new Set(diffs[1]!.gained.map((change) => change.how))).toEqual(new Set(["new stack"]));
    expect(compareMatrices(new Map([["staging", base]]), new Map())[0]!.lost.every((change) => change.how === "stack removed")).toBe(true);
  });

  test("the report leads with access gained, then lost, routes, and other changes, and says the diff widened", () => {
    const after = matrix({ scopeGrants: withGroup("readers", (scopes) => [...scopes, "notes.write"]) });
    const lines = reportLines([compareStack("dev", base, after)], "main (abc)");
    expect(lines[0]).toBe("access diff against main (abc), 1 stacks");
    expect(lines[1]).toBe("dev:");
    expect(lines[2]).toBe(`  access gained (${routesWithScope("notes.write").length}):`);
    expect(lines.at(-1)).toMatch(/^access widened: \d+ route x caller cells gained, 0 lost \(exit 1/);
  });
});

import type { APIGatewayProxyResult } from "aws-lambda";
import { randomUUID } from "node:crypto";
import { createTablesFromTerraform, startLocalDynamo, type LocalDynamo } from "../../local/runtime/dynamodb";
import { notesRoutes } from "../../stacks/api/routes";
import type { ApiHandler } from "../../functions/shared/handler";
import { environments } from "../../environments";
import { apiEvent, tokenClaims, type ApiEventInput } from "../../local/gateway/api-event";
import { loadRouteHandler } from "../helpers/handlers";
import { synthNotesStack } from "../helpers/stacks";

const READ = "https://notes.example.com/notes.read";
const WRITE = "https://notes.example.com/notes.write";
const alice = { sub: randomUUID(), username: "alice", clientId: "webclient", scopes: ["openid", "email", READ, WRITE] };
const bob = { sub: randomUUID(), username: "bob", clientId: "webclient", scopes: ["openid", "email", READ, WRITE] };
const reporting = { sub: "reportingclient", clientId: "reportingclient", scopes: [READ] };
const ORIGIN = environments.dev.api.corsAllowedOrigins[0]!;

let dynamo: LocalDynamo;
const handlers = new Map<string, ApiHandler>();

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
  });
  const dev = synthNotesStack();
  await createTablesFromTerraform(dynamo.client, dev.data.json);
  for (const route of notesRoutes) handlers.set(`${route.method} ${route.path}`, loadRouteHandler(dev, route));
});

afterAll(async () => {
  await dynamo.close();
});

type Caller = typeof alice | typeof reporting;

async function call(route: string, caller: Caller | undefined, input: Omit<ApiEventInput, "method" | "resource" | "claims"> = {}, tokenUse: "access" | "id" = "access") {
  const [method, resource] = route.split(" ") as [string, string];
  const handler = handlers.get(route);
  if (!handler) throw new Error(`no handler for ${route}`);
  const claims = caller ? tokenClaims({ ...caller, tokenUse }) : undefined;
  const response: APIGatewayProxyResult = await handler(apiEvent({ method, resource, claims, ...input }));
  return { status: response.statusCode, headers: response.headers ?? {}, body: response.body ? JSON.parse(response.body) : undefined };
}

async function createNote(caller: Caller, title = "Groceries", body = "milk, eggs") {
  const response = await call("POST /notes", caller, { body: JSON.stringify({ title, body }) });
  expect(response.status).toBe(201);
  return response.body as { id: string; title: string; body: string; createdAt: string; updatedAt: string };
}

describe("notes handlers", () => {
  describe("POST /notes", () => {
    test("creates a note for the caller", async () => {
      const note = await createNote(alice);
      expect(note).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), title: "Groceries", body: "milk, eggs", createdAt: expect.any(String), updatedAt: note.createdAt });
      expect((await call("GET /notes/{id}", alice, { pathParameters: { id: note.id } })).body).toEqual(note);
    });

    test("body may be omitted and defaults to empty", async () => {
      const response = await call("POST /notes", alice, { body: JSON.stringify({ title: "Only a title" }) });
      expect(response.status).toBe(201);
      expect(response.body.body).toBe("");
    });

    test("reads a base64-encoded body", async () => {
      const body = Buffer.from(JSON.stringify({ title: "encoded", body: "x" })).toString("base64");
      expect((await call("POST /notes", alice, { body, isBase64Encoded: true })).status).toBe(201);
    });

    test.each([
      ["no body", null, "body is required"],
      ["bad JSON", "{title:", "body is not valid JSON"],
      ["a JSON array", "[]", "body must be a JSON object"],
      ["JSON null", "null", "body must be a JSON object"],
      ["an unknown field", JSON.stringify({ title: "t", body: "b", owner: "someone-else" }), "unknown field 'owner'"],
      ["a missing title", JSON.stringify({ body: "b" }), "title is required"],
      ["a numeric title", JSON.stringify({ title: 42, body: "b" }), "title must be a string"],
      ["an empty title", JSON.stringify({ title: "", body: "b" }), "title must not be empty"],
      ["a blank title", JSON.stringify({ title: "   ", body: "b" }), "title must not be blank"],
      ["a 201-character title", JSON.stringify({ title: "t".repeat(201), body: "b" }), "title must be at most 200 characters"],
      ["a 10001-character body", JSON.stringify({ title: "t", body: "b".repeat(10_001) }), "body must be at most 10000 characters"],
      ["a non-string body", JSON.stringify({ title: "t", body: ["b"] }), "body must be a string"],
    ])("fails with 400 on %s", async (_, body, message) => {
      const response = await call("POST /notes", alice, { body });
      expect(response).toMatchObject({ status: 400, body: { message } });
    });

    test("accepts the limits exactly", async () => {
      const response = await call("POST /notes", alice, { body: JSON.stringify({ title: "t".repeat(200), body: "b".repeat(10_000) }) });
      expect(response.status).toBe(201);
    });

    test("fails with 403 for a machine token", async () => {
      const machineWithWrite = { ...reporting, scopes: [READ, WRITE] };
      expect(await call("POST /notes", machineWithWrite, { body: JSON.stringify({ title: "t", body: "b" }) })).toMatchObject({
        status: 403,
        body: { message: "a user token is required to change notes" },
      });
    });
  });

  describe("GET /notes/{id}", () => {
    test("another owner's note is 404", async () => {
      const note = await createNote(alice);
      expect(await call("GET /notes/{id}", bob, { pathParameters: { id: note.id } })).toMatchObject({ status: 404, body: { message: "note not found" } });
    });

    test.each(["not-a-uuid", "x".repeat(5000), "' OR 1=1 --"])("a malformed id (%#) is 404, never 5xx", async (id) => {
      expect((await call("GET /notes/{id}", alice, { pathParameters: { id } })).status).toBe(404);
    });

    test("a machine token reads a user's note with ?owner=", async () => {
      const note = await createNote(alice);
      expect((await call("GET /notes/{id}", reporting, { pathParameters: { id: note.id }, query: { owner: alice.sub } })).body).toEqual(note);
    });
  });

  describe("GET /notes", () => {
    const carol = { sub: randomUUID(), username: "carol", clientId: "webclient", scopes: [READ, WRITE] };
    const titles = ["one", "two", "three", "four", "five"];
    beforeAll(async () => {
      for (const title of titles) await createNote(carol, title);
    });

    test("pages through the caller's notes with limit and cursor", async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 5; page += 1) {
        const response = await call("GET /notes", carol, { query: { limit: "2", ...(cursor ? { cursor } : {}) } });
        expect(response.status).toBe(200);
        expect(response.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...response.body.items.map((item: { title: string }) => item.title));
        cursor = response.body.nextCursor;
        if (!cursor) break;
      }
      expect(seen.sort()).toEqual([...titles].sort());
    });

    test("lists 20 by default and only the caller's notes", async () => {
      const response = await call("GET /notes", carol);
      expect(response.body.items).toHaveLength(5);
      expect(response.body.nextCursor).toBeUndefined();
    });

    test.each([["0"], ["101"], ["abc"], ["1.5"], ["-1"]])("fails with 400 on limit=%s", async (limit) => {
      expect(await call("GET /notes", carol, { query: { limit } })).toMatchObject({ status: 400, body: { message: "limit must be a whole number from 1 to 100" } });
    });

    test.each([["garbage"], [Buffer.from('{"id":"not-a-uuid"}').toString("base64url")], [Buffer.from("[]").toString("base64url")]])(
      "fails with 400 on a forged cursor %#",
      async (cursor) => {
        expect(await call("GET /notes", carol, { query: { cursor } })).toMatchObject({ status: 400, body: { message: "cursor is not valid" } });
      },
    );

    test("a machine token must name the owner", async () => {
      expect(await call("GET /notes", reporting)).toMatchObject({ status: 400, body: { message: "owner is required with a machine token" } });
      const response = await call("GET /notes", reporting, { query: { owner: carol.sub } });
      expect(response.status).toBe(200);
      expect(response.body.items.map((item: { title: string }) => item.title).sort()).toEqual([...titles].sort());
    });

    test("a machine token's owner must be a sub", async () => {
      expect(await call("GET /notes", reporting, { query: { owner: "../../etc" } })).toMatchObject({ status: 400 });
    });

    test("a user cannot read another owner's list", async () => {
      expect(await call("GET /notes", alice, { query: { owner: carol.sub } })).toMatchObject({ status: 403 });
    });
  });

  describe("PUT /notes/{id}", () => {
    test("replaces title and body and moves updatedAt", async () => {
      const note = await createNote(alice);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const response = await call("PUT /notes/{id}", alice, { pathParameters: { id: note.id }, body: JSON.stringify({ title: "Changed", body: "new" }) });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: note.id, title: "Changed", body: "new", createdAt: note.createdAt });
      expect(response.body.updatedAt > note.updatedAt).toBe(true);
    });

    test("another owner's note is 404 and stays unchanged", async () => {
      const note = await createNote(alice);
      const response = await call("PUT /notes/{id}", bob, { pathParameters: { id: note.id }, body: JSON.stringify({ title: "hijack", body: "" }) });
      expect(response.status).toBe(404);
      expect((await call("GET /notes/{id}", alice, { pathParameters: { id: note.id } })).body.title).toBe("Groceries");
      expect((await call("GET /notes/{id}", bob, { pathParameters: { id: note.id } })).status).toBe(404);
    });

    test("never brings back a deleted note", async () => {
      const note = await createNote(alice);
      expect((await call("DELETE /notes/{id}", alice, { pathParameters: { id: note.id } })).status).toBe(204);
      const response = await call("PUT /notes/{id}", alice, { pathParameters: { id: note.id }, body: JSON.stringify({ title: "zombie", body: "" }) });
      expect(response.status).toBe(404);
      expect((await call("GET /notes/{id}", alice, { pathParameters: { id: note.id } })).status).toBe(404);
    });

    test("validates the body like POST", async () => {
      const note = await createNote(alice);
      expect(await call("PUT /notes/{id}", alice, { pathParameters: { id: note.id }, body: JSON.stringify({ title: "t", extra: 1 }) })).toMatchObject({
        status: 400,
        body: { message: "unknown field 'extra'" },
      });
    });
  });

  describe("DELETE /notes/{id}", () => {
    test("deletes once; the second time is 404", async () => {
      const note = await createNote(alice);
      const first = await call("DELETE /notes/{id}", alice, { pathParameters: { id: note.id } });
      expect(first.status).toBe(204);
      expect(first.body).toBeUndefined();
      expect((await call("DELETE /notes/{id}", alice, { pathParameters: { id: note.id } })).status).toBe(404);
    });

    test("another owner's note is 404 and survives", async () => {
      const note = await createNote(alice);
      expect((await call("DELETE /notes/{id}", bob, { pathParameters: { id: note.id } })).status).toBe(404);
      expect((await call("GET /notes/{id}", alice, { pathParameters: { id: note.id } })).status).toBe(200);
    });
  });

  describe("defense in depth", () => {
    test.each(notesRoutes.filter((route) => route.scopes).map((route) => `${route.method} ${route.path}`))("%s refuses an ID token with 403", async (route) => {
      const response = await call(route, alice, { pathParameters: { id: randomUUID() }, body: JSON.stringify({ title: "t" }) }, "id");
      expect(response).toMatchObject({ status: 403, body: { message: "an access token is required" } });
    });

    test.each(notesRoutes.filter((route) => route.scopes?.includes("notes.write")).map((route) => `${route.method} ${route.path}`))(
      "%s refuses an access token with only notes.read",
      async (route) => {
        const readOnly = { ...alice, scopes: [READ] };
        const response = await call(route, readOnly, { pathParameters: { id: randomUUID() }, body: JSON.stringify({ title: "t" }) });
        expect(response).toMatchObject({ status: 403, body: { message: "insufficient scope" } });
      },
    );

    test("a call without authorizer claims is 401", async () => {
      expect((await call("GET /notes", undefined)).status).toBe(401);
    });
  });

  describe("CORS", () => {
    test("echoes an allowed origin", async () => {
      const response = await call("GET /notes", alice, { headers: { origin: ORIGIN } });
      expect(response.headers).toMatchObject({ "Access-Control-Allow-Origin": ORIGIN, Vary: "Origin" });
    });

    test("gives no origin to a stranger", async () => {
      const response = await call("GET /notes", alice, { headers: { Origin: "https://evil.example" } });
      expect(response.headers["Access-Control-Allow-Origin"]).toBeUndefined();
    });

    test("error responses carry CORS headers too", async () => {
      const response = await call("GET /notes/{id}", alice, { pathParameters: { id: "nope" }, headers: { Origin: ORIGIN } });
      expect(response.status).toBe(404);
      expect(response.headers["Access-Control-Allow-Origin"]).toBe(ORIGIN);
    });
  });
});

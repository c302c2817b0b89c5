import type { APIGatewayProxyEvent } from "aws-lambda";
import { randomUUID } from "node:crypto";
import { apiEvent, tokenClaims } from "../../local/api-event";
import { createTablesFromTerraform, startLocalDynamo, type LocalDynamo } from "../../local/dynamodb";
import { notesRoutes } from "../../stacks/api/routes";
import type { ApiHandler } from "../../functions/shared/handler";
import { loadRouteHandler } from "../helpers/handlers";
import { synthNotesStack } from "../helpers/stacks";

const READ = "https://notes.example.com/notes.read";
const WRITE = "https://notes.example.com/notes.write";
let dynamo: LocalDynamo;
const handlers: Array<[string, ApiHandler]> = [];

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" });
  const dev = synthNotesStack();
  await createTablesFromTerraform(dynamo.client, dev.data.json);
  for (const route of notesRoutes) handlers.push([`${route.method} ${route.path}`, loadRouteHandler(dev, route)]);
});

afterAll(async () => {
  await dynamo.close();
});

const bodies: Array<string | null> = [
  null,
  "",
  " ",
  "{",
  "null",
  "true",
  "42",
  '"a string"',
  "[]",
  "{}",
  '{"title":null}',
  '{"title":{"nested":true}}',
  '{"title":"' + "x".repeat(100_000) + '"}',
  '{"title":"\\u0000\\ud800"}',
  '{"__proto__":{"polluted":true},"title":"t"}',
  '{"constructor":{"prototype":{}},"title":"t"}',
  '{"title":"t","body":' + "[".repeat(5000) + "]".repeat(5000) + "}",
  Buffer.from([0xff, 0xfe, 0x00]).toString("latin1"),
];
const ids = ["", "%", "..", "x".repeat(3000), "{id}", randomUUID().toUpperCase(), "00000000-0000-0000-0000-000000000000"];
const queries: Array<Record<string, string>> = [
  { limit: "" },
  { limit: "1e3" },
  { limit: "9".repeat(400) },
  { cursor: "" },
  { cursor: "%%%" },
  { cursor: Buffer.from('{"id":' + "1".repeat(500) + "}").toString("base64url") },
  { owner: "" },
  { owner: "x".repeat(5000) },
];

function events(): APIGatewayProxyEvent[] {
  const claims = tokenClaims({ sub: randomUUID(), username: "fuzz", clientId: "webclient", scopes: [READ, WRITE] });
  const list: APIGatewayProxyEvent[] = [];
  for (const body of bodies) list.push(apiEvent({ method: "POST", resource: "/notes", body, claims }));
  for (const id of ids) {
    for (const body of [null, '{"title":"t"}', "{"]) list.push(apiEvent({ method: "PUT", resource: "/notes/{id}", pathParameters: { id }, body, claims }));
  }
  for (const query of queries) list.push(apiEvent({ method: "GET", resource: "/notes", query, claims }));
  list.push(apiEvent({ method: "GET", resource: "/notes", claims: { ...claims, scope: "" } }));
  list.push(apiEvent({ method: "GET", resource: "/notes", claims: { sub: "" } }));
  list.push({ ...apiEvent({ method: "GET", resource: "/notes", claims }), headers: null as never, queryStringParameters: null });
  return list;
}

describe("no input gets a 5xx or a stack trace", () => {
  test("malformed bodies, ids, queries and claims, sent to every handler", async () => {
    let calls = 0;
    for (const [route, handler] of handlers) {
      for (const event of events()) {
        const response = await handler(event);
        calls += 1;
        if (response.statusCode >= 500 || /at .*\.(js|ts):\d+/.test(response.body)) {
          throw new Error(`${route} answered ${response.statusCode} ${response.body.slice(0, 200)} to ${event.httpMethod} ${event.resource} body=${String(event.body).slice(0, 80)}`);
        }
      }
    }
    expect(calls).toBe(handlers.length * events().length);
  });
});

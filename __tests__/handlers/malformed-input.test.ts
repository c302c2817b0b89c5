import type { APIGatewayProxyEvent } from "aws-lambda";
import { randomUUID } from "node:crypto";
import { apiEvent, tokenClaims } from "../../local/gateway/api-event";
import { createTablesFromTerraform, startLocalDynamo, type LocalDynamo } from "../../local/runtime/dynamodb";
import { notesRoutes } from "../../stacks/api/routes";
import type { ApiHandler } from "../../functions/shared/handler";
import { BAD_BODIES as bodies, BAD_IDS as ids, BAD_QUERIES as queries } from "../helpers/bad-inputs";
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

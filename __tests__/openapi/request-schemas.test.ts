import * as fs from "node:fs";
import * as path from "node:path";
import { randomUUID } from "node:crypto";
import type Ajv2020 from "ajv/dist/2020";
import { apiEvent, tokenClaims } from "../../local/gateway/api-event";
import { createTablesFromTerraform, startLocalDynamo, type LocalDynamo } from "../../local/runtime/dynamodb";
import { sharedSynth } from "../helpers/local-stack";
import { CURSOR_MAX } from "../../functions/shared/validation";
import { notesRoutes } from "../../stacks/api/routes";
import { OPENAPI_FILE } from "../../stacks/openapi/openapi";
import { BAD_BODIES, BAD_QUERIES } from "../helpers/bad-inputs";
import { openApiAjv } from "../helpers/contract";
import { loadRouteHandler } from "../helpers/handlers";
import { synthNotesStack } from "../helpers/stacks";

const READ = "https://notes.example.com/notes.read";
const WRITE = "https://notes.example.com/notes.write";

/**
 * Rules the handlers check that JSON Schema cannot say; a bad input only they catch is listed here
 * with the rule, and nothing else may pass the document's schema yet be refused by a handler.
 */
const INEXPRESSIBLE: Record<string, string> = {
  '{"title":"   "}': "a title of only spaces (valibot check: the trimmed title is not empty)",
  [`cursor=${BAD_QUERIES.find((query) => query.cursor?.length && query.cursor.length <= CURSOR_MAX && /^[A-Za-z0-9_-]+$/.test(query.cursor))?.cursor}`]: "a cursor that is base64url but does not hold a note id (cursors are opaque to the document)",
};

let dynamo: LocalDynamo;
let document: Record<string, any>;
let ajv: Ajv2020;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" });
  document = JSON.parse(fs.readFileSync(path.join(sharedSynth().outdir, "stacks", "dev", OPENAPI_FILE), "utf8"));
  ajv = openApiAjv(document);
  await createTablesFromTerraform(dynamo.client, synthNotesStack().data.json);
});

afterAll(async () => {
  await dynamo.close();
});

/** Why the document refuses a JSON body, or undefined when it accepts it. */
function bodyRefusal(body: string | null): string | undefined {
  const requestBody = document.paths["/notes"].post.requestBody;
  if (body === null || body === "") return requestBody.required ? "the body is required" : undefined;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return "not application/json";
  }
  const validator = ajv.getSchema("openapi.json#/components/schemas/NoteInput")!;
  return validator(value) ? undefined : ajv.errorsText(validator.errors);
}

/** Why the document refuses a query of GET /notes, or undefined when it accepts it. Query text is converted as OpenAPI's simple style does. */
function queryRefusal(query: Record<string, string>): string | undefined {
  const parameters = document.paths["/notes"].get.parameters as Array<{ name: string; in: string; schema: Record<string, unknown> }>;
  for (const [name, text] of Object.entries(query)) {
    const parameter = parameters.find((candidate) => candidate.in === "query" && candidate.name === name);
    if (!parameter) return `unknown parameter ${name}`;
    const integer = parameter.schema.type === "integer";
    if (integer && !/^-?\d+$/.test(text)) return `${name} is not an integer`;
    const validator = ajv.compile(parameter.schema);
    if (!validator(integer ? Number(text) : text)) return `${name}: ${ajv.errorsText(validator.errors)}`;
  }
  return undefined;
}

describe("every bad input a handler refuses with 400, the OpenAPI request schema refuses too", () => {
  const dev = synthNotesStack();
  const user = tokenClaims({ sub: randomUUID(), username: "fuzz", clientId: "webclient", scopes: [READ, WRITE] });
  const machine = tokenClaims({ sub: "reportingclient", clientId: "reportingclient", scopes: [READ] });

  test("request bodies of POST /notes", async () => {
    const create = loadRouteHandler(dev, notesRoutes.find((route) => route.handler === "notes/create")!);
    let refusedByHandler = 0;
    for (const body of BAD_BODIES) {
      const response = await create(apiEvent({ method: "POST", resource: "/notes", body, claims: user }));
      if (response.statusCode !== 400) continue;
      refusedByHandler += 1;
      const listed = body !== null && INEXPRESSIBLE[body];
      const refusal = bodyRefusal(body);
      // A listed case is one the schema cannot refuse; if it ever does, the list is stale.
      expect({ body: body?.slice(0, 60), refusedByDocument: refusal !== undefined }).toEqual({ body: body?.slice(0, 60), refusedByDocument: !listed });
    }
    expect(refusedByHandler).toBeGreaterThan(10);
  });

  test("query strings of GET /notes, from a user and from a machine", async () => {
    const list = loadRouteHandler(dev, notesRoutes.find((route) => route.handler === "notes/list")!);
    let refusedByHandler = 0;
    for (const claims of [user, machine]) {
      for (const query of BAD_QUERIES) {
        const response = await list(apiEvent({ method: "GET", resource: "/notes", query: claims === machine && !query.owner ? { ...query, owner: randomUUID() } : query, claims }));
        if (response.statusCode !== 400) continue;
        refusedByHandler += 1;
        const listed = Object.entries(query).some(([name, value]) => INEXPRESSIBLE[`${name}=${value}`]);
        expect({ query, refusedByDocument: queryRefusal(query) !== undefined }).toEqual({ query, refusedByDocument: !listed });
      }
    }
    expect(refusedByHandler).toBeGreaterThan(5);
  });
});

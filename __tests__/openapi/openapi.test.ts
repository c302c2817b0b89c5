import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { validate } from "@readme/openapi-parser";
import * as v from "valibot";
import { environments } from "../../environments";
import { NoteInput, TITLE_MAX } from "../../functions/shared/validation";
import { HANDLER_CONTRACTS } from "../../functions/contracts";
import { readEnvironmentConfig, resolveLiterals, resourcesOf } from "../../local/stack/terraform-config";
import { readStackModel } from "../../local/stack/stack-model";
import { sharedSynth } from "../helpers/local-stack";
import { notesRoutes } from "../../stacks/api/routes";
import { notesScopes } from "../../stacks/auth/clients";
import { buildOpenApi, OPENAPI_FILE, operationId } from "../../stacks/openapi/openapi";

type Json = Record<string, any>;
const METHODS = ["get", "put", "post", "delete", "patch"];
const { outdir } = sharedSynth();
const stacks = Object.keys(environments);
const documentOf = (stack: string): Json => JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, OPENAPI_FILE), "utf8"));
/** Every operation of a document as `METHOD /path`. */
const operations = (document: Json) =>
  Object.entries(document.paths as Record<string, Json>).flatMap(([route, item]) => METHODS.filter((method) => item[method]).map((method) => ({ key: `${method.toUpperCase()} ${route}`, operation: item[method] as Json })));
/** The scopes an operation accepts: one security requirement per scope (API Gateway ORs them). */
const scopesOf = (operation: Json) => (operation.security as Array<Record<string, string[]>>).flatMap((requirement) => Object.values(requirement).flat()).sort();


describe.each(stacks)("the OpenAPI document of stack %s", (stack) => {
  test("passes a real OpenAPI 3.1 validator, without warnings", async () => {
    const result = await validate(documentOf(stack) as Parameters<typeof validate>[0]);
    expect(result).toMatchObject({ valid: true, warnings: [], specification: "OpenAPI" });
    expect(documentOf(stack).openapi).toBe("3.1.0");
  });

  test("has one operation per method of the Terraform (CORS preflights aside, which API Gateway answers itself), with the method's scopes", () => {
    const terraform = readEnvironmentConfig(outdir, stack);
    const methods = readStackModel(terraform, stack, path.join(outdir, "stacks", stack)).methods.filter((method) => method.httpMethod !== "OPTIONS");
    const documented = new Map(operations(documentOf(stack)).map(({ key, operation }) => [key, operation]));
    expect([...documented.keys()].sort()).toEqual(methods.map((method) => `${method.httpMethod} ${method.resourcePath}`).sort());
    for (const method of methods) {
      const operation = documented.get(`${method.httpMethod} ${method.resourcePath}`)!;
      expect(scopesOf(operation)).toEqual([...method.scopes].sort());
      // A method without an authorizer is public: no security at all.
      if (method.authorization === "NONE") expect(operation.security).toEqual([]);
      expect(operation["x-token-use"]).toBe(method.authorization === "NONE" ? "none" : method.scopes.length ? "access" : "id");
    }
  });

  test("its OAuth flows are the stack's hosted UI endpoints, with the resource server's scopes and descriptions", () => {
    const terraform = readEnvironmentConfig(outdir, stack);
    const output = (name: string) => resolveLiterals(terraform, String(terraform.output![name]!.value));
    const { flows } = documentOf(stack).components.securitySchemes.cognito;
    expect(flows.authorizationCode.authorizationUrl).toBe(output("authorize_endpoint"));
    expect(flows.authorizationCode.tokenUrl).toBe(output("token_endpoint"));
    expect(flows.clientCredentials.tokenUrl).toBe(output("token_endpoint"));
    const server = resourcesOf(terraform, "aws_cognito_resource_server")[0]!.config as { identifier: string; scope: Array<{ scope_name: string; scope_description: string }> };
    const expected = Object.fromEntries(server.scope.map((scope) => [`${server.identifier}/${scope.scope_name}`, scope.scope_description]));
    expect(flows.authorizationCode.scopes).toEqual(expected);
    expect(flows.clientCredentials.scopes).toEqual(expected);
  });

  test("its first server is the stack's api_url: the custom domain where the API has one, else the execute-api URL", () => {
    const terraform = readEnvironmentConfig(outdir, stack);
    const servers = documentOf(stack).servers as Array<{ url: string }>;
    if (environments[stack as keyof typeof environments].domains?.api) expect(servers[0]!.url).toBe(resolveLiterals(terraform, String(terraform.output!.api_url!.value)));
    else {
      const config = environments[stack as keyof typeof environments];
      const variable = config.api.flavour === "http-jwt" ? "apiId" : "restApiId";
      expect(servers.map((server) => server.url)).toEqual([`https://{${variable}}.execute-api.eu-west-1.amazonaws.com/${config.api.stageName}`]);
    }
  });

  test("each operation is named after its handler, and every scoped one documents the gateway's 401 with WWW-Authenticate", () => {
    const document = documentOf(stack);
    for (const route of notesRoutes) {
      const operation = document.paths[route.path][route.method.toLowerCase()];
      expect(operation.operationId).toBe(operationId(route.handler));
      expect(operation["x-handler"]).toBe(`functions/${route.handler}.ts`);
      if (route.public === undefined) expect(operation.responses["401"]).toEqual({ $ref: "#/components/responses/Unauthorized" });
    }
    expect(new Set(operations(document).map(({ operation }) => operation.operationId)).size).toBe(operations(document).length);
    expect(document.components.responses.Unauthorized.headers).toHaveProperty("WWW-Authenticate");
  });
});

test("every stack's document is byte-identical when built again (no dates, no machine paths)", () => {
  const again = fs.mkdtempSync(path.join(os.tmpdir(), "openapi-again-"));
  try {
    const { synthesizeProject } = require("../../local/stack/synth") as typeof import("../../local/stack/synth");
    synthesizeProject({ outdir: again, log: () => undefined, env: {} });
    for (const stack of stacks) expect([stack, fs.readFileSync(path.join(again, "stacks", stack, OPENAPI_FILE), "utf8")]).toEqual([stack, fs.readFileSync(path.join(outdir, "stacks", stack, OPENAPI_FILE), "utf8")]);
  } finally {
    fs.rmSync(again, { recursive: true, force: true });
  }
});

describe("buildOpenApi", () => {
  const input = { stack: "dev", version: "0.0.0", region: "eu-west-1", stageName: "dev", resourceServerIdentifier: "https://notes.example.com", hostedUiUrl: "https://notes-example-dev.auth.eu-west-1.amazoncognito.com", scopes: notesScopes };

  test("a route that opted into ID tokens says so in its description, its security and x-token-use", () => {
    const routes = notesRoutes.map((route) => (route.path === "/me" ? { ...route, scopes: undefined, acceptIdToken: "legacy mobile app until 2027" } : route));
    const document = buildOpenApi({ ...input, routes }) as Json;
    const me = document.paths["/me"].get;
    expect(me.security).toEqual([{ cognitoIdToken: [] }]);
    expect(me["x-token-use"]).toBe("id");
    expect(me.description).toContain("ID token");
    expect(me.description).toContain("legacy mobile app until 2027");
    expect(document.components.securitySchemes.cognitoIdToken).toMatchObject({ type: "http", scheme: "bearer" });
  });

  test("request and response schemas come from the handlers' valibot schemas", () => {
    const document = buildOpenApi({ ...input, routes: notesRoutes }) as Json;
    expect(document.paths["/notes"].post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/NoteInput" });
    // The defaulted body field is optional in a request; every field of a note is present in an answer.
    expect(document.components.schemas.NoteInput.required).toEqual(["title"]);
    expect(document.components.schemas.Note.required).toEqual(["id", "title", "body", "createdAt", "updatedAt"]);
    expect(document.paths["/notes"].get.parameters.find((parameter: Json) => parameter.name === "limit").schema).toEqual({ type: "integer", minimum: 1, maximum: 100 });
    expect(Object.keys(HANDLER_CONTRACTS).sort()).toEqual(notesRoutes.map((route) => route.handler).sort());
  });

  test("documents what the server does at the edges: 413 and 415 on every body, CORS on every answer, limits on every list and string, a tag per resource", () => {
    const document = buildOpenApi({ ...input, routes: notesRoutes }) as Json;
    for (const route of notesRoutes) {
      const operation = document.paths[route.path][route.method.toLowerCase()];
      expect([route.path, operation.tags]).toEqual([route.path, [route.path.split("/")[1]]]);
      if (operation.requestBody) {
        expect(operation.responses["413"]).toEqual({ $ref: "#/components/responses/PayloadTooLarge" });
        expect(operation.responses["415"]).toBeDefined();
      }
    }
    expect(document.tags.map((tag: Json) => tag.name)).toEqual(["health", "me", "notes"]);
    for (const [name, response] of Object.entries<Json>(document.components.responses)) {
      expect([name, response.headers?.["Access-Control-Allow-Origin"]?.required]).toEqual([name, false]);
    }
    expect(document.components.responses.Unauthorized.headers["WWW-Authenticate"].required).toBe(true);
    const schemas = document.components.schemas;
    expect(schemas.NotePage.properties.items.maxItems).toBe(100);
    expect(schemas.NotePage.properties.nextCursor.maxLength).toBeLessThanOrEqual(256);
    const parameters = document.paths["/notes"].get.parameters as Json[];
    expect(parameters.find((parameter) => parameter.name === "cursor")!.schema.maxLength).toBeLessThanOrEqual(256);
    expect(parameters.find((parameter) => parameter.name === "owner")!.schema.maxLength).toBe(36);
  });

  test("a title's length is counted in code points, as JSON Schema's maxLength counts it, by the document and by the handler", () => {
    const document = buildOpenApi({ ...input, routes: notesRoutes }) as Json;
    expect(document.components.schemas.NoteInput.properties.title.maxLength).toBe(TITLE_MAX);
    // 150 emoji: 150 code points, 300 UTF-16 units
    const title = "\u{1F600}".repeat(150);
    expect(v.safeParse(NoteInput, { title }).success).toBe(true);
    expect(v.safeParse(NoteInput, { title: "\u{1F600}".repeat(TITLE_MAX + 1) }).success).toBe(false);
  });

  test("a route without a contract fails with its name", () => {
    expect(() => buildOpenApi({ ...input, routes: notesRoutes, contracts: {} })).toThrow("route GET /health: handler 'health' has no contract in functions/contracts.ts");
  });
});

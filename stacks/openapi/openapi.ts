import { toJsonSchema, toJsonSchemaDefs, type ConversionConfig } from "@valibot/to-json-schema";
import type { GenericSchema } from "valibot";
import { HANDLER_CONTRACTS, NAMED_SCHEMAS, type HandlerContract } from "../../functions/contracts";
import { pathParameters } from "../api/route-paths";
import type { Route } from "../api/routes";
import type { ScopeDefinition } from "../auth/clients";
import type { BuiltFlavour } from "../config";

export { OPENAPI_FILE } from "../paths";

/**
 * Rules the handlers check that JSON Schema cannot express: dropped from the document on purpose
 * (every other unsupported valibot feature fails synth). The contract tests list the bad inputs
 * only these rules catch.
 */
export const INEXPRESSIBLE_ACTIONS = ["check"] as const;

export interface OpenApiInput {
  readonly stack: string;
  /** The API's flavour: who answers 401 and 403, and the server URL's variable. @default "rest-cognito" */
  readonly flavour?: BuiltFlavour;
  readonly version: string;
  readonly region: string;
  readonly stageName: string;
  readonly resourceServerIdentifier: string;
  /** The hosted UI's base URL (its custom domain or the prefix domain): the OAuth endpoints are under it. */
  readonly hostedUiUrl: string;
  /** The API's custom-domain URL. @default - none: the execute-api URL only */
  readonly customApiUrl?: string;
  /** Whether the execute-api URL answers (off when the custom domain is the only endpoint). @default true */
  readonly executeApiEndpoint?: boolean;
  readonly routes: readonly Route[];
  readonly scopes: readonly ScopeDefinition[];
  /** @default HANDLER_CONTRACTS */
  readonly contracts?: Readonly<Record<string, HandlerContract>>;
}

type Json = Record<string, unknown>;

const SCHEMA_REF = "#/components/schemas/";
const conversion = (typeMode: "input" | "output"): ConversionConfig => ({
  target: "draft-2020-12",
  typeMode,
  errorMode: "throw",
  ignoreActions: [...INEXPRESSIBLE_ACTIONS],
  definitions: NAMED_SCHEMAS,
  overrideRef: ({ referenceId }) => `${SCHEMA_REF}${referenceId}`,
  // The handlers' code-point limit (shared/validation.ts) is JSON Schema's maxLength.
  overrideAction: ({ valibotAction, jsonSchema: converted }) =>
    "maxCodePoints" in valibotAction ? { ...converted, maxLength: (valibotAction as unknown as { maxCodePoints: number }).maxCodePoints } : undefined,
});

/** Conversions already made, per schema and type mode: every route of a handler's kind, in every stack, shares its schemas. */
const converted = new WeakMap<GenericSchema, Partial<Record<"input" | "output", Json>>>();

/** A JSON Schema for one valibot schema: a `$ref` when it is a named one. Shared, so never changed by a caller. */
function jsonSchema(schema: GenericSchema, typeMode: "input" | "output"): Json {
  const known = converted.get(schema) ?? {};
  if (!known[typeMode]) {
    const { $schema: _dialect, $defs: _definitions, ...result } = toJsonSchema(schema, conversion(typeMode)) as Json;
    known[typeMode] = Object.freeze(result);
    converted.set(schema, known);
  }
  return known[typeMode]!;
}

/** The named schemas; a request body is described as the handler accepts it (a defaulted field is optional), the rest as sent. */
function namedSchemas(contracts: Readonly<Record<string, HandlerContract>>): Json {
  const requestBodies = new Set(Object.values(contracts).flatMap((contract) => (contract.body ? [contract.body] : [])));
  const { definitions: _all, ...config } = conversion("output");
  const defs = (typeMode: "input" | "output") => toJsonSchemaDefs(NAMED_SCHEMAS, { ...config, typeMode }) as Record<string, Json>;
  const [input, output] = [defs("input"), defs("output")];
  return Object.fromEntries(Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [name, (requestBodies.has(schema) ? input : output)[name]]));
}

/** The resource an operation belongs to, for grouping in docs and generated clients: its path's first segment. */
function resourceTag(routePath: string): string {
  return routePath.split("/")[1] || "root";
}

/** `notes/list` gives `notesList`. */
export function operationId(handler: string): string {
  return handler.replace(/[^A-Za-z0-9]+(.)/g, (_, next: string) => next.toUpperCase());
}

const errorContent = { "application/json": { schema: { $ref: `${SCHEMA_REF}Error` } } };
/** Every answer, the gateway's and the handlers', carries it when the request's Origin is an allowed one. */
const CORS_HEADER = {
  "Access-Control-Allow-Origin": { description: "The request's Origin when it is one of the stack's allowed origins (or `*`); absent otherwise.", required: false, schema: { type: "string" } },
};
const errorResponse = (description: string, headers: Json = {}): Json => ({ description, headers: { ...CORS_HEADER, ...headers }, content: errorContent });

function operation(route: Route, contract: HandlerContract, full: (scope: string) => string, flavour: BuiltFlavour): Json {
  const parameters = [
    ...pathParameters(route.path).map((name) => ({
      name,
      in: "path",
      required: true,
      description: contract.pathParameters?.[name]?.description ?? name,
      schema: contract.pathParameters?.[name] ? jsonSchema(contract.pathParameters[name]!.schema, "input") : { type: "string" },
    })),
    ...Object.entries(contract.query ?? {}).map(([name, query]) => ({ name, in: "query", required: false, description: query.description, schema: jsonSchema(query.schema, "output") })),
  ];
  const responses: Json = {
    [contract.success.status]: {
      description: contract.success.description,
      headers: CORS_HEADER,
      ...(contract.success.schema ? { content: { "application/json": { schema: jsonSchema(contract.success.schema, "output") } } } : {}),
    },
  };
  for (const [status, why] of Object.entries(contract.errors)) responses[status] = errorResponse(`The handler refuses: ${why}.`);
  let security: Json[];
  let tokenUse: "access" | "id" | "none";
  let description = contract.description ?? "";
  if (route.public !== undefined) {
    security = [];
    tokenUse = "none";
    description = [description, `Public, no token: ${route.public}.`].filter(Boolean).join(" ");
  } else if (route.acceptIdToken !== undefined) {
    security = [{ cognitoIdToken: [] }];
    tokenUse = "id";
    description = [description, `Takes a Cognito **ID token**, not an access token (opted in: ${route.acceptIdToken}).`].filter(Boolean).join(" ");
    responses["401"] = { $ref: "#/components/responses/Unauthorized" };
  } else {
    // One requirement per scope: API Gateway accepts a token holding any of them.
    security = (route.scopes ?? []).map((scope) => ({ cognito: [full(scope)] }));
    tokenUse = "access";
    description = [description, `Needs an access token holding ${(route.scopes ?? []).map((scope) => `\`${full(scope)}\``).join(" or ")}.`].filter(Boolean).join(" ");
    responses["401"] = { $ref: "#/components/responses/Unauthorized" };
    if (flavour === "http-jwt") {
      // The JWT authorizer answers 403 where the Cognito authorizer answers 401: a valid token without the scopes.
      const handler = contract.errors[403];
      responses["403"] = errorResponse(`API Gateway's JWT authorizer refuses a valid token without any of the operation's scopes (an ID token has none)${handler ? `; or the handler refuses: ${handler}` : ""}.`, {
        "WWW-Authenticate": { description: 'From API Gateway: `Bearer scope="..." error="insufficient_scope" ...`.', required: false, schema: { type: "string" } },
      });
    }
  }
  if (tokenUse !== "none") responses["429"] = { $ref: "#/components/responses/TooManyRequests" };
  if (contract.body) responses["413"] = { $ref: "#/components/responses/PayloadTooLarge" };
  responses["500"] = { $ref: "#/components/responses/InternalError" };
  return {
    operationId: operationId(route.handler),
    tags: [resourceTag(route.path)],
    summary: contract.summary,
    description,
    ...(parameters.length ? { parameters } : {}),
    ...(contract.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(contract.body, "input") } } } } : {}),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b))),
    security,
    "x-token-use": tokenUse,
    "x-handler": `functions/${route.handler}.ts`,
  };
}

/**
 * The API's OpenAPI 3.1 document, from the route table, the resource server's scopes and the
 * handlers' valibot schemas: nothing in it is written by hand.
 */
export function buildOpenApi(input: OpenApiInput): Json {
  const contracts = input.contracts ?? HANDLER_CONTRACTS;
  const flavour = input.flavour ?? "rest-cognito";
  const apiIdVariable = flavour === "http-jwt" ? "apiId" : "restApiId";
  const full = (scope: string) => `${input.resourceServerIdentifier}/${scope}`;
  const hostedUi = input.hostedUiUrl;
  const scopes = Object.fromEntries(input.scopes.map((scope) => [full(scope.name), scope.description]));
  const paths: Record<string, Json> = {};
  for (const route of input.routes) {
    const contract = contracts[route.handler];
    if (!contract) throw new Error(`route ${route.method} ${route.path}: handler '${route.handler}' has no contract in functions/contracts.ts`);
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, contract, full, flavour);
  }
  const sortedPaths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: "3.1.0",
    info: {
      title: `Notes API (${input.stack})`,
      version: input.version,
      description:
        "Generated by synth from the route table, the resource server's scopes and the handlers' schemas; do not edit. " +
        (flavour === "http-jwt"
          ? "An HTTP API with a JWT authorizer: scoped operations take Cognito **access tokens** (a valid token without one of the operation's scopes, an ID token among them, gets 403); any one of an operation's scopes is enough."
          : "Scoped operations take Cognito **access tokens** (an ID token gets 401); any one of an operation's scopes is enough."),
    },
    servers: [
      ...(input.customApiUrl ? [{ url: input.customApiUrl, description: "The API's custom domain (the stack's api_url output)." }] : []),
      ...(input.executeApiEndpoint === false
        ? []
        : [
            {
              url: `https://{${apiIdVariable}}.execute-api.${input.region}.amazonaws.com/${input.stageName}`,
              variables: { [apiIdVariable]: { default: apiIdVariable, description: input.customApiUrl ? `The ${flavour === "http-jwt" ? "HTTP" : "REST"} API's id.` : "The id in the API stack's api_url output." } },
            },
          ]),
    ],
    tags: [...new Set(input.routes.map((route) => resourceTag(route.path)))].sort().map((name) => ({ name, description: `Operations on /${name}.` })),
    paths: sortedPaths,
    components: {
      schemas: namedSchemas(contracts),
      responses: {
        Unauthorized:
          flavour === "http-jwt"
            ? errorResponse("API Gateway's JWT authorizer refused the token: missing, malformed, expired, signed by another key, of another issuer, or for a client outside its audience.", {
                "WWW-Authenticate": { description: '`Bearer`, with `error="invalid_token"` and an `error_description` naming the failed check when there was a token.', required: true, schema: { type: "string" } },
              })
            : errorResponse("API Gateway's authorizer refused the token: missing, expired, an ID token where an access token is needed, or none of the operation's scopes.", {
                "WWW-Authenticate": { description: "`Bearer`, as the stack's gateway response sets it.", required: true, schema: { type: "string" } },
              }),
        PayloadTooLarge: errorResponse("API Gateway refuses a body over its 10 MB payload quota before any handler runs."),
        TooManyRequests: errorResponse("Throttled by the stage's rate or burst limit."),
        InternalError: errorResponse("The handler failed; its log has the details."),
      },
      securitySchemes: {
        cognito: {
          type: "oauth2",
          description: `The Cognito user pool's hosted UI. Users sign in with the authorization code flow and PKCE (S256); machines use client credentials. Scopes belong to the resource server \`${input.resourceServerIdentifier}\`.`,
          flows: {
            authorizationCode: { authorizationUrl: `${hostedUi}/oauth2/authorize`, tokenUrl: `${hostedUi}/oauth2/token`, refreshUrl: `${hostedUi}/oauth2/token`, scopes },
            clientCredentials: { tokenUrl: `${hostedUi}/oauth2/token`, scopes },
          },
        },
        ...(input.routes.some((route) => route.acceptIdToken !== undefined)
          ? { cognitoIdToken: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "A Cognito ID token, for the operations that opted into ID tokens." } }
          : {}),
      },
    },
  };
}

import * as path from "node:path";
import { resolveLiterals, resourcesOf, type TerraformJson } from "./terraform-config";
import { functionEnvironment } from "./function-env";
import { OPENAPI_FILE } from "../../stacks/paths";
import { UsageError } from "../cli/command-line";
import type { BuiltFlavour } from "../../stacks/config";

/** One method of the REST API, or one route of the HTTP API, as the synthesized Terraform declares it. */
export interface LocalMethod {
  readonly httpMethod: string;
  /** `/notes/{id}` */
  readonly resourcePath: string;
  /** `JWT`: an HTTP API route with the JWT authorizer. */
  readonly authorization: "NONE" | "COGNITO_USER_POOLS" | "JWT";
  readonly scopes: readonly string[];
  readonly integration: { readonly type: "AWS_PROXY"; readonly functionName: string } | { readonly type: "MOCK"; readonly response: MockResponse };
}

export interface MockResponse {
  readonly statusCode: number;
  /** Header name to static value. */
  readonly headers: Readonly<Record<string, string>>;
  /** Origins the preflight's mapping template echoes; empty when the origin is static. */
  readonly echoedOrigins: readonly string[];
}

export interface LocalFunction {
  readonly name: string;
  readonly zipPath: string;
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly environment: Readonly<Record<string, string>>;
}

export interface LocalGatewayResponse {
  readonly responseType: string;
  readonly statusCode?: number;
  /** Header name to `'static'` or `method.request.header.<Name>`. */
  readonly parameters: Readonly<Record<string, string>>;
  readonly template?: string;
}

export interface LocalClient {
  readonly name: string;
  readonly flows: readonly string[];
  /** Full scope strings. */
  readonly scopes: readonly string[];
  readonly generateSecret: boolean;
  /** Whether the client offers SDK sign-in (`InitiateAuth`: an `ALLOW_USER_*` explicit auth flow). */
  readonly sdkSignIn: boolean;
  /** Where the hosted UI may send a code, exactly as configured. */
  readonly callbackUrls: readonly string[];
  readonly logoutUrls: readonly string[];
}

/** The client a browser or a terminal signs users in with: the code flow and no secret (PKCE). */
export function browserClient<Client extends LocalClient>(clients: readonly Client[]): Client | undefined {
  return clients.find((client) => client.flows.includes("code") && !client.generateSecret);
}

/** `notes.read` as the full scope string `<identifier>/notes.read`; full and standard scopes stay as they are. */
export function fullScope(identifier: string, scope: string): string {
  return scope.includes("/") || !scope.includes(".") ? scope : `${identifier}/${scope}`;
}

export interface LocalGroup {
  readonly name: string;
  readonly precedence?: number;
}

/** The stack's group names; a UsageError for a `--group` that is none of them. */
export function checkGroupOption(model: Pick<StackModel, "stack" | "groups">, wanted: readonly string[] | undefined): string[] {
  const known = model.groups.map((group) => group.name);
  const unknown = (wanted ?? []).find((group) => !known.includes(group));
  if (unknown !== undefined) throw new UsageError(`--group must name a group of stack '${model.stack}' (${known.join(", ") || "it has none"}), got '${unknown}'`);
  return known;
}

/** An HTTP API's CORS configuration: API Gateway answers preflights and adds the headers itself. */
export interface LocalCors {
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly maxAge?: number;
}

export interface StackModel {
  readonly stack: string;
  /** `rest-cognito` (a REST API) or `http-jwt` (an HTTP API), from the resources the stack has. */
  readonly flavour: BuiltFlavour;
  readonly region: string;
  readonly stageName: string;
  /** The HTTP API's CORS configuration (`http-jwt` only). */
  readonly cors?: LocalCors;
  /** Names of the clients whose tokens the JWT authorizer takes (`http-jwt` only): its audience. */
  readonly jwtAudience?: readonly string[];
  readonly resourceServerIdentifier: string;
  readonly methods: readonly LocalMethod[];
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly gatewayResponses: readonly LocalGatewayResponse[];
  readonly clients: readonly LocalClient[];
  readonly tables: readonly string[];
  /** The user pool's groups, lowest precedence first. */
  readonly groups: readonly LocalGroup[];
  /** The stack's OpenAPI document, as synth wrote it. */
  readonly openApiFile: string;
  /** The user pool's pre-token-generation trigger, when it has one. */
  readonly preTokenGeneration?: { readonly functionName: string; readonly version: string };
}

const REFERENCE = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/;

function referenced(value: unknown): { type: string; name: string; attribute: string } | undefined {
  const match = typeof value === "string" ? REFERENCE.exec(value) : null;
  return match ? { type: match[1]!, name: match[2]!, attribute: match[3]! } : undefined;
}

/** Paths of every API resource, from the `parent_id` references back to the root. */
function resourcePaths(tf: TerraformJson): Map<string, string> {
  const resources = tf.resource?.aws_api_gateway_resource ?? {};
  const paths = new Map<string, string>();
  const pathOf = (name: string): string => {
    const known = paths.get(name);
    if (known) return known;
    const config = resources[name];
    if (!config) throw new Error(`unknown aws_api_gateway_resource '${name}'`);
    const parent = referenced(config.parent_id);
    const parentPath = parent?.type === "aws_api_gateway_resource" ? pathOf(parent.name) : "";
    const full = `${parentPath}/${String(config.path_part)}`;
    paths.set(name, full);
    return full;
  };
  Object.keys(resources).forEach(pathOf);
  return paths;
}

function unquote(value: string): string {
  return value.startsWith("'") && value.endsWith("'") ? value.slice(1, -1) : value;
}

/** Reads what the local gateway serves from one synthesized stack: it never reads the route table. */
export function readStackModel(tf: TerraformJson, stack: string, stackFolder: string): StackModel {
  const paths = resourcePaths(tf);
  const pathOfResourceId = (value: unknown) => {
    const reference = referenced(value);
    return reference?.type === "aws_api_gateway_resource" ? paths.get(reference.name)! : "/";
  };
  const keyOf = (config: Record<string, unknown>) => {
    const method = referenced(config.http_method);
    const httpMethod = method ? String(tf.resource?.aws_api_gateway_method?.[method.name]?.http_method) : String(config.http_method);
    return `${httpMethod} ${pathOfResourceId(config.resource_id)}`;
  };

  const integrations = new Map(resourcesOf(tf, "aws_api_gateway_integration").map((entry) => [keyOf(entry.config), entry.config]));
  const integrationResponses = new Map(resourcesOf(tf, "aws_api_gateway_integration_response").map((entry) => [keyOf(entry.config), entry.config]));
  const functionNames = new Map(resourcesOf(tf, "aws_lambda_function").map((entry) => [entry.name, String(entry.config.function_name)]));
  const deployed = new Set(functionNames.values());

  const methods = resourcesOf(tf, "aws_api_gateway_method").map(({ config }): LocalMethod => {
    const key = keyOf(config);
    const integration = integrations.get(key);
    if (!integration) throw new Error(`method ${key} has no integration`);
    const base = {
      httpMethod: String(config.http_method),
      resourcePath: pathOfResourceId(config.resource_id),
      authorization: config.authorization === "COGNITO_USER_POOLS" ? ("COGNITO_USER_POOLS" as const) : ("NONE" as const),
      scopes: (config.authorization_scopes as string[] | undefined) ?? [],
    };
    if (integration.type === "AWS_PROXY") {
      const target = referenced(integration.uri);
      const named = /:function:([^/:]+)\/invocations$/.exec(String(integration.uri))?.[1];
      const functionName = target ? functionNames.get(target.name) : named !== undefined && deployed.has(named) ? named : undefined;
      if (!functionName) throw new Error(`method ${key} integrates with an unknown function: ${String(integration.uri)}`);
      return { ...base, integration: { type: "AWS_PROXY", functionName } };
    }
    const response = integrationResponses.get(key) ?? {};
    const statusReference = referenced(response.status_code);
    const statusCode = statusReference
      ? Number(tf.resource?.[statusReference.type]?.[statusReference.name]?.status_code)
      : Number(response.status_code ?? 200);
    const headers = Object.fromEntries(
      Object.entries((response.response_parameters as Record<string, string> | undefined) ?? {}).map(([name, value]) => [
        name.replace("method.response.header.", ""),
        unquote(value),
      ]),
    );
    const template = String((response.response_templates as Record<string, string> | undefined)?.["application/json"] ?? "");
    const echoedOrigins = template.includes("responseOverride.header.Access-Control-Allow-Origin")
      ? [...template.matchAll(/\$origin == '([^']+)'/g)].map((match) => match[1]!)
      : [];
    return { ...base, integration: { type: "MOCK", response: { statusCode, headers, echoedOrigins } } };
  });

  const functions = new Map(
    resourcesOf(tf, "aws_lambda_function").map(({ config }) => {
      const name = String(config.function_name);
      const local: LocalFunction = {
        name,
        zipPath: path.join(stackFolder, String(config.filename)),
        handler: String(config.handler),
        timeoutSeconds: Number(config.timeout ?? 3),
        environment: functionEnvironment(tf, name),
      };
      return [name, local];
    }),
  );

  const gatewayResponses = resourcesOf(tf, "aws_api_gateway_gateway_response").map(({ config }) => ({
    responseType: String(config.response_type),
    statusCode: config.status_code === undefined ? undefined : Number(config.status_code),
    parameters: Object.fromEntries(
      Object.entries((config.response_parameters as Record<string, string> | undefined) ?? {}).map(([name, value]) => [name.replace("gatewayresponse.header.", ""), value]),
    ),
    template: (config.response_templates as Record<string, string> | undefined)?.["application/json"],
  }));

  const resourceServer = resourcesOf(tf, "aws_cognito_resource_server")[0]?.config;
  const identifier = String(resourceServer?.identifier ?? "");
  const clients = resourcesOf(tf, "aws_cognito_user_pool_client").map(({ config }): LocalClient => ({
    name: String(config.name),
    flows: (config.allowed_oauth_flows as string[] | undefined) ?? [],
    scopes: ((config.allowed_oauth_scopes as string[] | undefined) ?? []).map((scope) => resolveLiterals(tf, scope)),
    generateSecret: config.generate_secret === true,
    sdkSignIn: ((config.explicit_auth_flows as string[] | undefined) ?? []).some((flow) => flow.startsWith("ALLOW_USER_")),
    callbackUrls: (config.callback_urls as string[] | undefined) ?? [],
    logoutUrls: (config.logout_urls as string[] | undefined) ?? [],
  }));
  const httpApi = resourcesOf(tf, "aws_apigatewayv2_api")[0]?.config;
  const stage = resourcesOf(tf, "aws_api_gateway_stage")[0]?.config ?? resourcesOf(tf, "aws_apigatewayv2_stage")[0]?.config;
  const groups = resourcesOf(tf, "aws_cognito_user_group")
    .map(({ config }): LocalGroup => ({ name: String(config.name), ...(typeof config.precedence === "number" ? { precedence: config.precedence } : {}) }))
    .sort((a, b) => (a.precedence ?? Infinity) - (b.precedence ?? Infinity) || a.name.localeCompare(b.name));
  const pool = resourcesOf(tf, "aws_cognito_user_pool")[0]?.config;
  const single = <T>(value: T | T[] | undefined): T | undefined => (Array.isArray(value) ? value[0] : value);
  type LambdaConfig = { pre_token_generation_config?: PreTokenConfig | PreTokenConfig[] };
  type PreTokenConfig = { lambda_arn?: string; lambda_version?: string };
  const preToken = single(single(pool?.lambda_config as LambdaConfig | LambdaConfig[] | undefined)?.pre_token_generation_config);
  const trigger = referenced(preToken?.lambda_arn);
  const provider = (tf as { provider?: { aws?: Array<{ region?: string }> } }).provider?.aws?.[0];

  const jwt = httpApi ? httpApiParts(tf, httpApi, deployed) : undefined;
  return {
    stack,
    flavour: httpApi ? "http-jwt" : "rest-cognito",
    region: String(provider?.region ?? "us-east-1"),
    stageName: String(stage?.stage_name ?? stage?.name ?? stack),
    ...(jwt ? { cors: jwt.cors, jwtAudience: jwt.audience } : {}),
    resourceServerIdentifier: identifier,
    methods: [...methods, ...(jwt?.routes ?? [])],
    functions,
    gatewayResponses,
    clients,
    tables: resourcesOf(tf, "aws_dynamodb_table").map(({ config }) => String(config.name)),
    groups,
    openApiFile: path.join(stackFolder, OPENAPI_FILE),
    ...(trigger?.type === "aws_lambda_function" && functionNames.has(trigger.name)
      ? { preTokenGeneration: { functionName: functionNames.get(trigger.name)!, version: String(preToken?.lambda_version ?? "V1_0") } }
      : {}),
  };
}

/**
 * An HTTP API's routes, CORS configuration and the JWT authorizer's audience as client names: each
 * audience entry is a client id the data stack exports, read back to the client it names.
 */
function httpApiParts(tf: TerraformJson, api: Record<string, unknown>, deployed: ReadonlySet<string>): { routes: LocalMethod[]; cors?: LocalCors; audience: string[] } {
  const integrations = new Map(resourcesOf(tf, "aws_apigatewayv2_integration").map((entry) => [entry.name, entry.config]));
  const routes = resourcesOf(tf, "aws_apigatewayv2_route").map(({ config }): LocalMethod => {
    const key = String(config.route_key);
    const [httpMethod, resourcePath] = key.split(" ") as [string, string];
    const target = /^integrations\/\$\{aws_apigatewayv2_integration\.([A-Za-z0-9_-]+)\.id\}$/.exec(String(config.target))?.[1];
    const integration = target === undefined ? undefined : integrations.get(target);
    if (!integration) throw new Error(`route ${key} has no integration`);
    const named = /:function:([^/:]+)$/.exec(String(integration.integration_uri))?.[1];
    const functionName = named !== undefined && deployed.has(named) ? named : undefined;
    if (!functionName) throw new Error(`route ${key} integrates with an unknown function: ${String(integration.integration_uri)}`);
    return {
      httpMethod,
      resourcePath,
      authorization: config.authorization_type === "JWT" ? "JWT" : "NONE",
      scopes: (config.authorization_scopes as string[] | undefined) ?? [],
      integration: { type: "AWS_PROXY", functionName },
    };
  });
  const corsConfig = [api.cors_configuration].flat()[0] as Record<string, unknown> | undefined;
  const cors = corsConfig
    ? {
        allowOrigins: (corsConfig.allow_origins as string[] | undefined) ?? [],
        allowMethods: (corsConfig.allow_methods as string[] | undefined) ?? [],
        allowHeaders: (corsConfig.allow_headers as string[] | undefined) ?? [],
        ...(typeof corsConfig.max_age === "number" ? { maxAge: corsConfig.max_age } : {}),
      }
    : undefined;
  const authorizer = resourcesOf(tf, "aws_apigatewayv2_authorizer")[0]?.config;
  const jwtConfiguration = [authorizer?.jwt_configuration].flat()[0] as { audience?: string[] } | undefined;
  const clientNames = new Map(resourcesOf(tf, "aws_cognito_user_pool_client").map((entry) => [entry.name, String(entry.config.name)]));
  const audience = (jwtConfiguration?.audience ?? []).map((entry) => {
    const output = /outputs\.([A-Za-z0-9_-]+)\}$/.exec(entry)?.[1];
    const exported = output === undefined ? entry : String(tf.output?.[output]?.value ?? entry);
    const client = /^\$\{aws_cognito_user_pool_client\.([A-Za-z0-9_-]+)\.id\}$/.exec(exported)?.[1];
    const name = client === undefined ? undefined : clientNames.get(client);
    if (name === undefined) throw new Error(`the JWT authorizer's audience names no client of the pool: ${entry}`);
    return name;
  });
  return { routes, ...(cors ? { cors } : {}), audience };
}

/**
 * The model with one loopback origin moved to another port everywhere it appears: the clients'
 * callback and sign-out URLs, the CORS origins of preflights, gateway responses and functions.
 * `npm run dev -- --web-port 5174` serves the browser client there, so the environment's
 * `http://localhost:5173` follows it, as if the environment named 5174.
 */
export function withLoopbackOrigin(model: StackModel, from: string, to: string): StackModel {
  if (from === to) return model;
  const pattern = new RegExp(`${from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?=$|[/,'"])`, "g");
  const move = (value: unknown): unknown => {
    if (typeof value === "string") return value.replace(pattern, to);
    if (Array.isArray(value)) return value.map(move);
    if (value instanceof Map) return new Map([...value].map(([key, item]) => [key, move(item)]));
    if (value && Object.getPrototypeOf(value) === Object.prototype) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, move(item)]));
    return value;
  };
  return move(model) as StackModel;
}

/** The first loopback origin (`http://localhost:5173`) among callback URLs. */
export function loopbackOrigin(callbackUrls: readonly string[]): URL | undefined {
  const url = callbackUrls.map((callback) => new URL(callback)).find((callback) => ["localhost", "127.0.0.1"].includes(callback.hostname));
  return url ? new URL(url.origin) : undefined;
}

/** The browser client's loopback origin, from the sign-in client's callback URLs. */
export function loopbackWebOrigin(model: StackModel): URL | undefined {
  return loopbackOrigin(browserClient(model.clients)?.callbackUrls ?? []);
}

/** The browser client's port when no flag names one: its loopback callback's, else Vite's 5173. */
export const defaultWebPort = (origin: URL | undefined) => Number(origin?.port || 5173);

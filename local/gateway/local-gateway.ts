import { randomBytes, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { apiEvent, httpApiEvent } from "./api-event";
import { LocalCognitoAuthorizer, type AuthorizerDecision } from "./cognito-authorizer";
import { LocalJwtAuthorizer, type JwtDecision } from "./jwt-authorizer";
import { expectedError } from "../cli/command-line";
import { ensureTablesFromTerraform, localSdkEnvironment, repairInterruptedTables, startLocalDynamo, type LocalDynamo } from "../runtime/dynamodb";
import { LocalHostedUi, type LocalClientCredentials, type PreTokenHook } from "../cognito/hosted-ui";
import { demoUserGroups, runPreTokenTrigger, scopeTrigger } from "../cognito/pre-token-trigger";
import { openApiFor } from "./openapi";
import { acquireLock, type InstanceLock } from "../stack/instance-lock";
import { LocalUsers } from "../cognito/local-users";
import { FunctionRunner, type RunnerLimits } from "../runtime/function-runner";
import { DEFAULT_PORT } from "../stack/local-stack";
import { refuseForeignHost } from "./loopback-host";
import { applyServerTimeouts } from "./server-timeouts";
import { localClientId, localIssuerUrl, LocalIssuer } from "../cognito/local-issuer";

export { localClientId, localIssuerUrl } from "../cognito/local-issuer";
import type { LocalMethod, StackModel } from "../stack/stack-model";
import type { TerraformJson } from "../stack/terraform-config";

export interface LocalGatewayOptions {
  readonly model: StackModel;
  readonly terraform: TerraformJson;
  /** Keys, client secrets, DynamoDB data and extracted functions. Inside the project, so the SDK resolves. */
  readonly dataDir: string;
  /** @default 3000; 0 picks a free port */
  readonly port?: number;
  /** Start with an empty database; never deletes data another running instance holds. @default false */
  readonly fresh?: boolean;
  /** One line per request. @default console.log */
  readonly log?: (line: string) => void;
  /** Sees every answer the API gives (the contract tests check them against the OpenAPI document). @default - none */
  readonly observe?: (exchange: ApiExchange) => void;
  /** Processes per function and how long an idle one lives. @default DEFAULT_RUNNER_LIMITS */
  readonly functionLimits?: RunnerLimits;
}

/** One request to the API (not the hosted UI) and its answer. */
export interface ApiExchange {
  readonly method: string;
  /** The route's resource path (`/notes/{id}`); undefined when no route matched. */
  readonly resourcePath?: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

interface Route {
  readonly method: LocalMethod;
  readonly pattern: RegExp;
  readonly parameters: readonly string[];
  readonly literalSegments: number;
}

function compile(method: LocalMethod): Route {
  const segments = method.resourcePath.split("/").filter(Boolean);
  const parameters: string[] = [];
  const source = segments
    .map((segment) => {
      const parameter = /^\{(\w+)(\+?)\}$/.exec(segment);
      if (!parameter) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      parameters.push(parameter[1]!);
      return parameter[2] ? "(.+)" : "([^/]+)";
    })
    .join("/");
  return { method, pattern: new RegExp(`^/${source}/?$`), parameters, literalSegments: segments.filter((segment) => !segment.startsWith("{")).length };
}

/** API Gateway's REST API quotas: payload size and the request line with header values. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
export const MAX_REQUEST_LINE_AND_HEADER_BYTES = 10_240;

/** What a client sent, made safe for one log line: control characters are escaped, so nothing forges a line. */
export function escapeForLog(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function decodePathParameter(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** The route's path parameters in `resourcePath`, decoded; undefined when one is malformed percent-encoding. */
function pathParametersOf(route: Route, resourcePath: string): Record<string, string> | undefined {
  const match = route.pattern.exec(resourcePath)!;
  const decoded = route.parameters.map((_, index) => decodePathParameter(match[index + 1]!));
  if (decoded.some((value) => value === undefined)) return undefined;
  return Object.fromEntries(route.parameters.map((name, index) => [name, decoded[index]!]));
}

/** Every value of every header, names as sent. */
function headerValues(request: http.IncomingMessage): Record<string, string[]> {
  const values: Record<string, string[]> = {};
  for (let index = 0; index < request.rawHeaders.length; index += 2) (values[request.rawHeaders[index]!] ??= []).push(request.rawHeaders[index + 1]!);
  return values;
}

function header(request: http.IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Serves one synthesized stack on 127.0.0.1 as API Gateway would: its routes, the Cognito
 * authorizer's rules, Lambda proxy integrations running the deployable zips, MOCK preflights and
 * the stack's gateway responses; or, for an HTTP API (`http-jwt`), the JWT authorizer's rules,
 * CORS from the API's configuration and payload-2.0 events; plus a client_credentials token
 * endpoint and the issuer's JWKS.
 */
export class LocalGateway {
  private server?: http.Server;
  private dynamo?: LocalDynamo;
  private readonly runners = new Map<string, FunctionRunner>();
  private routes: Route[] = [];
  private authorizer?: LocalCognitoAuthorizer;
  private jwtAuthorizer?: LocalJwtAuthorizer;
  private issuerInstance?: LocalIssuer;
  private credentials: LocalClientCredentials[] = [];
  private readonly log: (line: string) => void;
  private model: StackModel;
  private terraform: TerraformJson;
  private lock?: InstanceLock;
  private ready = false;
  private hostedUi?: LocalHostedUi;
  /** Where `GET /` sends a person: the browser client, when `npm run dev` serves one. */
  homeUrl?: string;
  /** Users made on this data folder's first start, with their passwords: shown once. */
  demoUsers: Array<{ username: string; password: string; groups: readonly string[] }> = [];

  /**
   * On a data folder without users: alice and bob, in the stack's groups, with new passwords to
   * print once. Called once everything the server needs is up, so a failed start (a busy port)
   * never makes users whose passwords nobody saw.
   */
  createDemoUsers(): Array<{ username: string; password: string; groups: readonly string[] }> {
    this.demoUsers = LocalUsers.forStack(this.options.dataDir, this.model.stack).createDemoUsers(demoUserGroups(this.model));
    return this.demoUsers;
  }
  /** Local users in no group while the stack has groups: their sign-ins get no custom scope. */
  usersWithoutGroup: string[] = [];

  constructor(private readonly options: LocalGatewayOptions) {
    const log = options.log ?? ((line: string) => console.log(line));
    this.log = (line) => log(escapeForLog(line));
    this.model = options.model;
    this.terraform = options.terraform;
  }

  /** The stack model being served; replaced by `reload`. */
  get stackModel(): StackModel {
    return this.model;
  }

  get issuer(): LocalIssuer {
    if (!this.issuerInstance) throw new Error("the local gateway is not started");
    return this.issuerInstance;
  }

  get clients(): readonly LocalClientCredentials[] {
    return this.credentials;
  }

  /** Function processes alive now, over every function of the stack. */
  get functionProcesses(): number {
    return [...this.runners.values()].reduce((sum, runner) => sum + runner.processes, 0);
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The invoke URL, with the stage, like the stack's `api_url` output. */
  get apiUrl(): string {
    return `${this.url}/${this.model.stageName}`;
  }

  /**
   * Takes the stack's lock, binds the port, and only then opens the data: a second instance, or a
   * port in use, fails before anything is touched. Requests before the data is open get 503.
   */
  async start(): Promise<void> {
    const { dataDir } = this.options;
    const model = this.model;
    fs.mkdirSync(dataDir, { recursive: true });
    this.lock = acquireLock(path.join(dataDir, `${model.stack}.lock`), model.stack);
    try {
      this.server = http.createServer({ maxHeaderSize: 64 * 1024 }, (request, response) => {
        if (refuseForeignHost(request, response)) return this.log(`${request.method} ${request.url} 403 Host ${request.headers.host ?? "(none)"} is not a loopback name`);
        this.handle(request, response).catch((error: unknown) => {
          this.log(`${request.method} ${request.url} 500 local gateway error: ${String(error)}`);
          if (!response.headersSent) response.writeHead(500, { "Content-Type": "application/json" });
          response.end(JSON.stringify({ message: "local gateway error" }));
        });
      });
      applyServerTimeouts(this.server);
      await new Promise<void>((resolve, reject) => {
        this.server!.once("error", (error: NodeJS.ErrnoException) =>
          reject(error.code === "EADDRINUSE" ? expectedError(`port ${this.options.port ?? DEFAULT_PORT} is in use: stop what holds it, or pick another with --port (0 picks a free one)`) : error),
        );
        this.server!.listen(this.options.port ?? DEFAULT_PORT, "127.0.0.1", () => resolve());
      });
      this.lock.update({ url: this.url });

      const databaseFolder = path.join(dataDir, "dynamodb", model.stack);
      if (this.options.fresh) fs.rmSync(databaseFolder, { recursive: true, force: true });
      fs.mkdirSync(databaseFolder, { recursive: true });
      for (const table of await repairInterruptedTables(databaseFolder, model.tables)) this.log(`table ${table} was left by an interrupted start: repaired`);
      this.dynamo = await startLocalDynamo({ path: databaseFolder });
      await ensureTablesFromTerraform(this.dynamo.client, this.terraform);

      const { port } = this.server.address() as AddressInfo;
      this.issuerInstance = new LocalIssuer(localIssuerUrl(model, port), path.join(dataDir, "keys"));
      const users = LocalUsers.forStack(dataDir, model.stack);
      this.usersWithoutGroup = model.groups.length ? users.list().filter((user) => user.groups.length === 0).map((user) => user.username) : [];
      this.serve(model);
      this.ready = true;
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Routes, clients and function processes of `model`; a function keeps its processes when neither its zip nor its settings changed. */
  private serve(model: StackModel): string[] {
    const { dataDir } = this.options;
    this.model = model;
    this.credentials = this.loadClients();
    this.hostedUi ??= new LocalHostedUi(this.url, this.issuer, () => this.credentials, LocalUsers.forStack(dataDir, model.stack), (input) => this.runPreToken(input));
    this.authorizer = new LocalCognitoAuthorizer(this.issuer, this.credentials.map((client) => client.clientId));
    const audience = this.credentials.filter((client) => model.jwtAudience?.includes(client.name)).map((client) => client.clientId);
    this.jwtAuthorizer = model.flavour === "http-jwt" ? new LocalJwtAuthorizer({ issuer: this.issuer.issuer, audience, jwks: this.issuer.jwks }) : undefined;
    this.routes = model.methods.map(compile).sort((a, b) => b.literalSegments - a.literalSegments);
    const sdkEnvironment = localSdkEnvironment(this.dynamo!.endpoint, model.region);
    const changed: string[] = [];
    for (const [name, runner] of this.runners) {
      const next = model.functions.get(name);
      // New code or new settings (environment, timeout) need new processes, as a Lambda update does.
      if (!next || JSON.stringify(next) !== JSON.stringify(runner.function)) {
        runner.drain();
        this.runners.delete(name);
      }
    }
    for (const fn of model.functions.values()) {
      if (this.runners.has(fn.name)) continue;
      // A new folder per zip: processes of the previous zip may still be finishing a call.
      this.runners.set(fn.name, new FunctionRunner(fn, path.join(dataDir, "functions", model.stack, fn.name, path.basename(fn.zipPath, ".zip")), sdkEnvironment, this.options.functionLimits));
      changed.push(fn.name);
    }
    return changed;
  }

  /**
   * Serves a newly synthesized version of the same stack: new routes, clients and tables at once;
   * only functions whose zip or settings changed get new processes. Returns their names.
   */
  async reload(next: { model: StackModel; terraform: TerraformJson }): Promise<string[]> {
    if (next.model.stack !== this.model.stack) throw new Error(`cannot reload stack '${this.model.stack}' with '${next.model.stack}'`);
    await ensureTablesFromTerraform(this.dynamo!.client, next.terraform);
    this.terraform = next.terraform;
    return this.serve(next.model);
  }

  async stop(): Promise<void> {
    this.ready = false;
    const stopped = Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    this.runners.clear();
    if (this.server?.listening) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    }
    await stopped;
    await this.dynamo?.close();
    this.dynamo = undefined;
    this.lock?.release();
    this.lock = undefined;
  }

  /** The pool's pre-token-generation trigger, from its zip, as Cognito runs it for a user sign-in (V2_0 and later change scopes). */
  private readonly runPreToken: PreTokenHook = async (input) => {
    const trigger = scopeTrigger(this.model);
    if (!trigger) return undefined;
    const runner = this.runners.get(trigger.name)!;
    const outcome = await runPreTokenTrigger((event) => runner.invoke(event), this.model, input);
    this.log(`pre-token-generation ${input.triggerSource} for ${input.user.username} (groups ${input.user.groups.join(", ") || "none"}): ${outcome.ok ? outcome.scopes.join(" ") : outcome.message}`);
    return outcome;
  };

  /** The stack's OpenAPI document, pointed at this server: the stage's URL and the local hosted UI. */
  openApiDocument(): string {
    return openApiFor(this.model.openApiFile, { apiUrl: this.apiUrl, hostedUi: this.url, description: `npm run dev: stack ${this.model.stack}` });
  }

  /** Client ids derived from the names; secrets made once and kept in the data folder. */
  private loadClients(): LocalClientCredentials[] {
    const { dataDir } = this.options;
    const model = this.model;
    const file = path.join(dataDir, `clients-${model.stack}.json`);
    const secrets: Record<string, string> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
    const clients = model.clients.map((client) => {
      const clientId = localClientId(model.stack, client.name);
      if (client.generateSecret) secrets[clientId] ??= randomBytes(39).toString("base64url");
      return { ...client, clientId, ...(client.generateSecret ? { clientSecret: secrets[clientId] } : {}) };
    });
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
    return clients;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = request.method ?? "GET";
    const send = (status: number, headers: Record<string, string>, text: string, note: string) => {
      response.writeHead(status, headers);
      response.end(text);
      this.log(`${method} ${url.pathname}${url.search} ${status} ${Math.round(performance.now() - started)}ms ${note}`);
    };
    if (!this.ready) return send(503, { "Content-Type": "application/json", "Retry-After": "1" }, JSON.stringify({ message: "starting" }), "not ready");

    const requestLineAndHeaders =
      Buffer.byteLength(`${method} ${request.url ?? "/"} HTTP/${request.httpVersion}`) + request.rawHeaders.filter((_, index) => index % 2 === 1).reduce((sum, value) => sum + Buffer.byteLength(value), 0);
    if (requestLineAndHeaders > MAX_REQUEST_LINE_AND_HEADER_BYTES) {
      request.resume();
      const error = this.gatewayResponse("REQUEST_TOO_LARGE", 413, "Request Too Long", request);
      return send(error.status, error.headers, error.body, `request line and headers are ${requestLineAndHeaders} bytes, over ${MAX_REQUEST_LINE_AND_HEADER_BYTES}`);
    }
    const body = await readBody(request, MAX_BODY_BYTES);
    if (body === undefined) {
      const error = this.gatewayResponse("REQUEST_TOO_LARGE", 413, "Request Too Long", request);
      response.setHeader("Connection", "close");
      return send(error.status, error.headers, error.body, `body over ${MAX_BODY_BYTES} bytes`);
    }

    if (method === "GET" && url.pathname === `${new URL(this.issuer.issuer).pathname}/.well-known/jwks.json`) {
      return send(200, { "Content-Type": "application/json", "Access-Control-Allow-Origin": "*" }, JSON.stringify(this.issuer.jwks), "jwks");
    }
    if (method === "GET" && url.pathname === "/" && this.homeUrl) return send(302, { Location: `${this.homeUrl}/` }, "", "to the browser client");
    const hosted = await this.hostedUi!.handle({ method, url, authorization: header(request, "authorization"), body, origin: header(request, "origin"), cookie: header(request, "cookie") });
    if (hosted) return send(hosted.status, hosted.headers, hosted.body, hosted.note);

    if (method === "GET" && url.pathname === "/openapi.json") return send(200, { "Content-Type": "application/json", "Access-Control-Allow-Origin": "*" }, this.openApiDocument(), "openapi");

    const stagePrefix = `/${this.model.stageName}`;
    const resourcePath = url.pathname.startsWith(`${stagePrefix}/`) ? url.pathname.slice(stagePrefix.length) : undefined;
    const candidates = resourcePath === undefined ? [] : this.routes.filter((route) => route.pattern.test(resourcePath));
    const route = candidates.find((candidate) => candidate.method.httpMethod === method);
    const answer = (status: number, headers: Record<string, string>, text: string, note: string) => {
      this.options.observe?.({ method, resourcePath: route?.method.resourcePath, status, headers, body: text });
      send(status, headers, text, note);
    };
    if (this.jwtAuthorizer) return this.handleHttpApi({ request, url, method, body, route, resourcePath, answer });
    if (!route) {
      const error = this.gatewayResponse("MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token", request);
      return answer(error.status, error.headers, error.body, "no such resource or method");
    }

    if (route.method.integration.type === "MOCK") {
      const mock = route.method.integration.response;
      const headers = { ...mock.headers };
      const origin = header(request, "origin");
      if (origin && mock.echoedOrigins.includes(origin)) headers["Access-Control-Allow-Origin"] = origin;
      return answer(mock.statusCode, headers, "", "mock");
    }

    let decision: AuthorizerDecision | undefined;
    if (route.method.authorization === "COGNITO_USER_POOLS") {
      decision = await this.authorizer!.authorize(header(request, "authorization"), route.method.scopes);
      if (!decision.allow) {
        const error = this.gatewayResponse("UNAUTHORIZED", 401, "Unauthorized", request);
        return answer(error.status, error.headers, error.body, `authorizer=deny (${decision.reason})`);
      }
    }

    const pathParameters = pathParametersOf(route, resourcePath!);
    if (!pathParameters) {
      const error = this.gatewayResponse("BAD_REQUEST_PARAMETERS", 400, "Bad Request", request);
      return answer(error.status, error.headers, error.body, "malformed percent-encoding in the path");
    }
    const multiValueHeaders = headerValues(request);
    const multiValueQuery: Record<string, string[]> = {};
    for (const [name, value] of url.searchParams) (multiValueQuery[name] ??= []).push(value);
    const event = apiEvent({
      method,
      resource: route.method.resourcePath,
      pathParameters: route.parameters.length ? pathParameters : undefined,
      headers: Object.fromEntries(Object.entries(multiValueHeaders).map(([name, values]) => [name, values.at(-1)!])),
      multiValueHeaders,
      query: Object.fromEntries(Object.entries(multiValueQuery).map(([name, values]) => [name, values.at(-1)!])),
      multiValueQuery: Object.keys(multiValueQuery).length ? multiValueQuery : undefined,
      body: body === "" ? null : body,
      claims: decision?.allow ? decision.claims : undefined,
      stage: this.model.stageName,
      requestId: randomUUID(),
      sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
    });
    const note = decision ? `authorizer=allow (${decision.reason})` : "authorizer=none (public)";
    const outcome = await this.runners.get(route.method.integration.functionName)!.invoke(event);
    const result = outcome.ok ? (outcome.result as { statusCode?: unknown; headers?: Record<string, string>; multiValueHeaders?: Record<string, string[]>; body?: string; isBase64Encoded?: boolean }) : undefined;
    if (!outcome.ok || !result || typeof result.statusCode !== "number") {
      const error = this.gatewayResponse("DEFAULT_5XX", 502, "Internal server error", request);
      const why = outcome.ok ? "malformed Lambda proxy response" : outcome.detail.split("\n")[0];
      return answer(error.status, error.headers, error.body, `${note} function=${outcome.ok ? "bad response" : outcome.reason} (${why})`);
    }
    const headers: Record<string, string> = { ...result.headers };
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.join(", ");
    const text = result.isBase64Encoded && result.body ? Buffer.from(result.body, "base64").toString("utf8") : (result.body ?? "");
    return answer(result.statusCode, headers, text, note);
  }

  /**
   * A request to an HTTP API (`http-jwt`), as API Gateway answers it (docs/aws-facts.md §11): CORS
   * preflights and headers from the API's CORS configuration (an integration's own CORS headers
   * are dropped), 404 for no route, the JWT authorizer's 401 and 403, and Lambda proxy
   * integrations with payload format 2.0.
   */
  private async handleHttpApi(input: {
    request: http.IncomingMessage;
    url: URL;
    method: string;
    body: string;
    route: Route | undefined;
    resourcePath: string | undefined;
    answer: (status: number, headers: Record<string, string>, text: string, note: string) => void;
  }): Promise<void> {
    const { request, url, method, route } = input;
    const cors = this.model.cors;
    const origin = header(request, "origin");
    const allowed = origin !== undefined && cors !== undefined && (cors.allowOrigins.includes("*") || cors.allowOrigins.includes(origin));
    const corsHeaders: Record<string, string> = allowed ? { "access-control-allow-origin": cors!.allowOrigins.includes("*") ? "*" : origin!, vary: "origin" } : {};
    // API Gateway sets the CORS headers of every answer from the configuration, and drops an integration's own.
    const answer = (status: number, headers: Record<string, string>, text: string, note: string) => {
      const own = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith("access-control-")));
      input.answer(status, { ...own, ...corsHeaders }, text, note);
    };
    const json = (status: number, message: string, extra: Record<string, string> = {}) => [status, { "content-type": "application/json", ...extra }, JSON.stringify({ message })] as const;

    if (method === "OPTIONS" && cors && header(request, "access-control-request-method")) {
      const preflight: Record<string, string> = allowed
        ? {
            "access-control-allow-methods": cors.allowMethods.join(","),
            "access-control-allow-headers": cors.allowHeaders.join(","),
            ...(cors.maxAge !== undefined ? { "access-control-max-age": String(cors.maxAge) } : {}),
          }
        : {};
      return input.answer(204, { ...preflight, ...corsHeaders }, "", `cors preflight (origin ${allowed ? "allowed" : "not allowed"})`);
    }
    if (!route) return answer(...json(404, "Not Found"), "no such route");

    let decision: JwtDecision | undefined;
    if (route.method.authorization === "JWT") {
      decision = await this.jwtAuthorizer!.authorize(header(request, "authorization"), route.method.scopes);
      if (!decision.allow) return answer(...json(decision.status, decision.status === 401 ? "Unauthorized" : "Forbidden", { "www-authenticate": decision.wwwAuthenticate }), `authorizer=deny ${decision.status} (${decision.reason})`);
    }
    const pathParameters = pathParametersOf(route, input.resourcePath!);
    if (!pathParameters) return answer(...json(400, "Bad Request"), "malformed percent-encoding in the path");
    const event = httpApiEvent({
      method,
      routePath: route.method.resourcePath,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ""),
      pathParameters: route.parameters.length ? pathParameters : undefined,
      headers: headerValues(request),
      body: input.body === "" ? null : input.body,
      claims: decision?.allow ? decision.claims : undefined,
      stage: this.model.stageName,
      requestId: randomUUID(),
      sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
    });
    const note = decision ? `authorizer=allow (${decision.reason})` : "authorizer=none (public)";
    const integration = route.method.integration;
    if (integration.type !== "AWS_PROXY") return answer(...json(500, "Internal Server Error"), "an HTTP API route integrates with a Lambda function only");
    const outcome = await this.runners.get(integration.functionName)!.invoke(event);
    const result = outcome.ok ? (outcome.result as { statusCode?: unknown; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean }) : undefined;
    if (!outcome.ok || !result || typeof result.statusCode !== "number") {
      const why = outcome.ok ? "malformed Lambda proxy response" : outcome.detail.split("\n")[0];
      return answer(...json(500, "Internal Server Error"), `${note} function=${outcome.ok ? "bad response" : outcome.reason} (${why})`);
    }
    const text = result.isBase64Encoded && result.body ? Buffer.from(result.body, "base64").toString("utf8") : (result.body ?? "");
    return answer(result.statusCode, { ...result.headers }, text, note);
  }

  /** One of the stack's gateway responses, or the DEFAULT_4XX/5XX one, rendered for this request. */
  private gatewayResponse(responseType: string, status: number, message: string, request: http.IncomingMessage) {
    const responses = this.model.gatewayResponses;
    const fallback = status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX";
    const defined = responses.find((candidate) => candidate.responseType === responseType) ?? responses.find((candidate) => candidate.responseType === fallback);
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    for (const [name, source] of Object.entries(defined?.parameters ?? {})) {
      const requestHeader = /^method\.request\.header\.(.+)$/.exec(source);
      const value = requestHeader ? header(request, requestHeader[1]!) : source.replace(/^'(.*)'$/, "$1");
      if (value !== undefined) headers[name] = value;
    }
    const template = defined?.template ?? '{"message":$context.error.messageString}';
    return { status: defined?.statusCode ?? status, headers, body: template.replace("$context.error.messageString", JSON.stringify(message)) };
  }

}

/** The body as text, or undefined once it passes `limit` bytes (the rest is drained unread). */
function readBody(request: http.IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limit) return void chunks.push(chunk);
      request.off("data", onData);
      request.resume();
      resolve(undefined);
    };
    request.on("data", onData);
    request.on("end", () => resolve(size <= limit ? Buffer.concat(chunks).toString("utf8") : undefined));
    request.on("error", reject);
  });
}

import { createHash, randomBytes, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { apiEvent } from "./api-event";
import { LocalCognitoAuthorizer, type AuthorizerDecision } from "./cognito-authorizer";
import { createTablesFromTerraform, localSdkEnvironment, startLocalDynamo, type LocalDynamo } from "./dynamodb";
import { FunctionRunner } from "./function-runner";
import { LocalIssuer } from "./local-issuer";
import type { LocalClient, LocalMethod, StackModel } from "./stack-model";
import type { TerraformJson } from "./terraform-config";

export interface LocalGatewayOptions {
  readonly model: StackModel;
  readonly terraform: TerraformJson;
  /** Keys, client secrets, DynamoDB data and extracted functions. Inside the project, so the SDK resolves. */
  readonly dataDir: string;
  /** @default 3000; 0 picks a free port */
  readonly port?: number;
  /** Start with an empty database. @default false */
  readonly fresh?: boolean;
  /** One line per request. @default console.log */
  readonly log?: (line: string) => void;
}

export interface LocalClientCredentials extends LocalClient {
  readonly clientId: string;
  readonly clientSecret?: string;
}

/** Cognito-like client ids: 26 lower-case letters and digits, the same on every run. */
export function localClientId(stack: string, clientName: string): string {
  return createHash("sha256").update(`${stack}/${clientName}`).digest("hex").slice(0, 26);
}

/** The issuer a local gateway on `port` uses: Cognito-shaped, `<base>/<region>_<pool>`. */
export function localIssuerUrl(model: StackModel, port: number): string {
  return `http://127.0.0.1:${port}/${model.region}_local${model.stack}`;
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

function header(request: http.IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Serves one synthesized stack on 127.0.0.1 as API Gateway would: its routes, the Cognito
 * authorizer's rules, Lambda proxy integrations running the deployable zips, MOCK preflights and
 * the stack's gateway responses; plus a client_credentials token endpoint and the issuer's JWKS.
 */
export class LocalGateway {
  private server?: http.Server;
  private dynamo?: LocalDynamo;
  private readonly runners = new Map<string, FunctionRunner>();
  private routes: Route[] = [];
  private authorizer?: LocalCognitoAuthorizer;
  private issuerInstance?: LocalIssuer;
  private credentials: LocalClientCredentials[] = [];
  private readonly log: (line: string) => void;

  constructor(private readonly options: LocalGatewayOptions) {
    this.log = options.log ?? ((line) => console.log(line));
  }

  get issuer(): LocalIssuer {
    if (!this.issuerInstance) throw new Error("the local gateway is not started");
    return this.issuerInstance;
  }

  get clients(): readonly LocalClientCredentials[] {
    return this.credentials;
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The invoke URL, with the stage, like the stack's `api_url` output. */
  get apiUrl(): string {
    return `${this.url}/${this.options.model.stageName}`;
  }

  async start(): Promise<void> {
    const { model, dataDir } = this.options;
    fs.mkdirSync(dataDir, { recursive: true });
    const databaseFolder = path.join(dataDir, "dynamodb", model.stack);
    if (this.options.fresh) fs.rmSync(databaseFolder, { recursive: true, force: true });
    fs.mkdirSync(databaseFolder, { recursive: true });
    this.dynamo = await startLocalDynamo({ path: databaseFolder });
    await createTablesFromTerraform(this.dynamo.client, this.options.terraform);

    this.server = http.createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.log(`${request.method} ${request.url} 500 local gateway error: ${String(error)}`);
        if (!response.headersSent) response.writeHead(500, { "Content-Type": "application/json" });
        response.end(JSON.stringify({ message: "local gateway error" }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.options.port ?? 3000, "127.0.0.1", () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;

    this.issuerInstance = new LocalIssuer(localIssuerUrl(model, port), path.join(dataDir, "keys"));
    this.credentials = this.loadClients();
    this.authorizer = new LocalCognitoAuthorizer(this.issuerInstance, this.credentials.map((client) => client.clientId));
    this.routes = model.methods.map(compile).sort((a, b) => b.literalSegments - a.literalSegments);
    const sdkEnvironment = localSdkEnvironment(this.dynamo.endpoint, model.region);
    for (const fn of model.functions.values()) {
      this.runners.set(fn.name, new FunctionRunner(fn, path.join(dataDir, "functions", model.stack, fn.name), sdkEnvironment));
    }
  }

  async stop(): Promise<void> {
    for (const runner of this.runners.values()) runner.stop();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    }
    await this.dynamo?.close();
  }

  /** Client ids derived from the names; secrets made once and kept in the data folder. */
  private loadClients(): LocalClientCredentials[] {
    const { model, dataDir } = this.options;
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
    const body = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    });
    const send = (status: number, headers: Record<string, string>, text: string, note: string) => {
      response.writeHead(status, headers);
      response.end(text);
      this.log(`${method} ${url.pathname}${url.search} ${status} ${Math.round(performance.now() - started)}ms ${note}`);
    };

    if (method === "GET" && url.pathname === `${new URL(this.issuer.issuer).pathname}/.well-known/jwks.json`) {
      return send(200, { "Content-Type": "application/json" }, JSON.stringify(this.issuer.jwks), "jwks");
    }
    if (url.pathname === "/oauth2/token") {
      const outcome = await this.tokenEndpoint(method, request, body);
      return send(outcome.status, { "Content-Type": "application/json" }, JSON.stringify(outcome.body), `token endpoint: ${outcome.note}`);
    }

    const stagePrefix = `/${this.options.model.stageName}`;
    const resourcePath = url.pathname.startsWith(`${stagePrefix}/`) ? url.pathname.slice(stagePrefix.length) : undefined;
    const candidates = resourcePath === undefined ? [] : this.routes.filter((route) => route.pattern.test(resourcePath));
    const route = candidates.find((candidate) => candidate.method.httpMethod === method);
    if (!route) {
      const error = this.gatewayResponse("MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token", request);
      return send(error.status, error.headers, error.body, "no such resource or method");
    }

    if (route.method.integration.type === "MOCK") {
      const mock = route.method.integration.response;
      const headers = { ...mock.headers };
      const origin = header(request, "origin");
      if (origin && mock.echoedOrigins.includes(origin)) headers["Access-Control-Allow-Origin"] = origin;
      return send(mock.statusCode, headers, "", "mock");
    }

    let decision: AuthorizerDecision | undefined;
    if (route.method.authorization === "COGNITO_USER_POOLS") {
      decision = await this.authorizer!.authorize(header(request, "authorization"), route.method.scopes);
      if (!decision.allow) {
        const error = this.gatewayResponse("UNAUTHORIZED", 401, "Unauthorized", request);
        return send(error.status, error.headers, error.body, `authorizer=deny (${decision.reason})`);
      }
    }

    const match = route.pattern.exec(resourcePath!)!;
    const pathParameters = Object.fromEntries(route.parameters.map((name, index) => [name, decodeURIComponent(match[index + 1]!)]));
    const multiValueHeaders: Record<string, string[]> = {};
    for (let index = 0; index < request.rawHeaders.length; index += 2) {
      (multiValueHeaders[request.rawHeaders[index]!] ??= []).push(request.rawHeaders[index + 1]!);
    }
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
      stage: this.options.model.stageName,
      requestId: randomUUID(),
      sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
    });
    const note = decision ? `authorizer=allow (${decision.reason})` : "authorizer=none (public)";
    const outcome = await this.runners.get(route.method.integration.functionName)!.invoke(event);
    const result = outcome.ok ? (outcome.result as { statusCode?: unknown; headers?: Record<string, string>; multiValueHeaders?: Record<string, string[]>; body?: string; isBase64Encoded?: boolean }) : undefined;
    if (!outcome.ok || !result || typeof result.statusCode !== "number") {
      const error = this.gatewayResponse("DEFAULT_5XX", 502, "Internal server error", request);
      const why = outcome.ok ? "malformed Lambda proxy response" : outcome.detail.split("\n")[0];
      return send(error.status, error.headers, error.body, `${note} function=${outcome.ok ? "bad response" : outcome.reason} (${why})`);
    }
    const headers: Record<string, string> = { ...result.headers };
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.join(", ");
    const text = result.isBase64Encoded && result.body ? Buffer.from(result.body, "base64").toString("utf8") : (result.body ?? "");
    return send(result.statusCode, headers, text, note);
  }

  /** One of the stack's gateway responses, or the DEFAULT_4XX/5XX one, rendered for this request. */
  private gatewayResponse(responseType: string, status: number, message: string, request: http.IncomingMessage) {
    const responses = this.options.model.gatewayResponses;
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

  /** `POST /oauth2/token` with `grant_type=client_credentials`, answering with Cognito's error bodies. */
  private async tokenEndpoint(method: string, request: http.IncomingMessage, body: string) {
    const error = (status: number, code: string, note: string) => ({ status, body: { error: code }, note });
    if (method !== "POST") return error(405, "invalid_request", `method ${method}`);
    const form = new URLSearchParams(body);
    let clientId = form.get("client_id") ?? undefined;
    let clientSecret = form.get("client_secret") ?? undefined;
    const basic = /^Basic\s+(.+)$/i.exec(header(request, "authorization") ?? "");
    if (basic) {
      const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
      const separator = decoded.indexOf(":");
      clientId = decodeURIComponent(decoded.slice(0, separator));
      clientSecret = decodeURIComponent(decoded.slice(separator + 1));
    }
    const client = this.credentials.find((candidate) => candidate.clientId === clientId);
    if (!client || !client.clientSecret || client.clientSecret !== clientSecret) return error(400, "invalid_client", `client ${clientId ?? "none"} not authenticated`);
    if (form.get("grant_type") !== "client_credentials") return error(400, "unsupported_grant_type", `grant_type ${form.get("grant_type")}`);
    if (!client.flows.includes("client_credentials")) return error(400, "unauthorized_client", `${client.name} has no client_credentials flow`);
    const requested = (form.get("scope") ?? "").split(" ").filter(Boolean);
    const allowed = client.scopes.filter((scope) => scope.includes("/"));
    if (requested.some((scope) => !allowed.includes(scope))) return error(400, "invalid_scope", `${requested.join(" ")} not allowed`);
    const scopes = requested.length ? requested : allowed;
    const expiresIn = 3600;
    const accessToken = await this.issuer.sign({ clientId: client.clientId, scopes, expiresInSeconds: expiresIn });
    return { status: 200, body: { access_token: accessToken, expires_in: expiresIn, token_type: "Bearer" }, note: `${client.name} got ${scopes.join(" ")}` };
  }
}

import * as fs from "node:fs";
import * as path from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { importJWK, SignJWT } from "jose";
import { environments } from "../../environments";
import { localClientId, LocalGateway } from "../../local/gateway/local-gateway";
import { LOCAL_DATA_DIR } from "../../local/stack/local-stack";
import { testStack } from "../helpers/local-stack";
import { ContractChecker } from "../helpers/contract";

// The devhttp environment (flavour http-jwt) served as an HTTP API with a JWT authorizer would
// serve it (docs/aws-facts.md §11): 401 with WWW-Authenticate for a token that fails validation,
// 403 for a valid token without the route's scopes, CORS from the API's configuration.
const STACK = "devhttp";
const READ = "https://notes.example.com/notes.read";
const WRITE = "https://notes.example.com/notes.write";
const ORIGIN = environments.devhttp.api.corsAllowedOrigins[0]!;
const dataDir = path.join(LOCAL_DATA_DIR, `test-http-${process.pid}`);
const lines: string[] = [];
let gateway: LocalGateway;
let api: string;
let contract: ContractChecker;
const webClientId = localClientId(STACK, "notes-devhttp-web");

beforeAll(async () => {
  const { model, terraform } = testStack(STACK);
  expect(model.flavour).toBe("http-jwt");
  contract = new ContractChecker(model.openApiFile);
  gateway = new LocalGateway({ model, terraform, dataDir, port: 0, fresh: true, log: (line) => lines.push(line), observe: (exchange) => contract.check(exchange) });
  await gateway.start();
  api = gateway.apiUrl;
});

afterAll(async () => {
  await gateway.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const userToken = (scopes: string[] = [READ, WRITE], extra: { tokenUse?: "access" | "id"; expiresInSeconds?: number; clientId?: string } = {}) =>
  gateway.issuer.sign({ clientId: extra.clientId ?? webClientId, username: "alice", scopes, ...extra });

async function call(method: string, route: string, token?: string, headers: Record<string, string> = {}, body?: unknown) {
  const response = await fetch(`${api}${route}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

describe("local gateway, http-jwt: the JWT authorizer's rules", () => {
  test("an access token with the route's scope reaches the handler, which reads its claims (payload 2.0)", async () => {
    const me = await call("GET", "/me", await userToken([READ]));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: "alice", clientId: webClientId, tokenUse: "access", scopes: [READ] });
  });

  test("a valid token without any of the route's scopes is 403 Forbidden, with insufficient_scope", async () => {
    const response = await call("POST", "/notes", await userToken([READ]), {}, { title: "t" });
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ message: "Forbidden" });
    expect(response.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
  });

  test("an ID token passes the audience (its aud is the client) and is refused by every scoped route with 403: it has no scope", async () => {
    const idToken = await userToken([], { tokenUse: "id" });
    for (const [method, route] of [["GET", "/me"], ["GET", "/notes"], ["DELETE", "/notes/5d6f1c1e-3f43-4a0e-9b1b-6b5a8a7e2f10"]] as const) {
      expect((await call(method, route, idToken)).status).toBe(403);
    }
  });

  test("no token is 401 Unauthorized with WWW-Authenticate: Bearer", async () => {
    const response = await call("GET", "/notes");
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: "Unauthorized" });
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
  });

  test.each([
    ["expired", () => userToken([READ], { expiresInSeconds: -60 }), "the token has expired"],
    ["for a client outside the audience", () => userToken([READ], { clientId: "someotherclient0000000000" }), "the token does not have a valid audience"],
    ["signed by another key", () => foreignToken(), "the token's kid matches no key of the issuer"],
    ["not a JWT", async () => "not.a.jwt", "the token is not a valid JWT"],
  ])("a token %s is 401 with invalid_token and the reason", async (_, make, description) => {
    const response = await call("GET", "/notes", await make());
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(`Bearer scope="${READ}" error="invalid_token" error_description="${description}"`);
  });

  test("a token of another issuer is 401, even signed by the issuer's own key", async () => {
    const key = await importJWK(JSON.parse(fs.readFileSync(path.join(dataDir, "keys", fs.readdirSync(path.join(dataDir, "keys"))[0]!), "utf8")).privateJwk, "RS256");
    const kid = gateway.issuer.jwks.keys[0]!.kid;
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ client_id: webClientId, token_use: "access", scope: READ }).setProtectedHeader({ alg: "RS256", kid }).setIssuer("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_other").setIssuedAt(now).setExpirationTime(now + 600).sign(key);
    const response = await call("GET", "/notes", token);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("the token does not have a valid issuer");
  });

  test("the public health check needs no token", async () => {
    expect(await call("GET", "/health")).toMatchObject({ status: 200, body: { status: "ok" } });
  });

  test("a machine token (client_credentials, client_id in the audience) reads with its scope", async () => {
    const reporting = gateway.clients.find((client) => client.name === "notes-devhttp-reporting")!;
    const token = await gateway.issuer.sign({ clientId: reporting.clientId, scopes: [READ] });
    expect((await call("GET", "/me", token)).status).toBe(200);
  });

  test("a path no route matches is 404 Not Found", async () => {
    expect(await call("GET", "/nothing-here", await userToken())).toMatchObject({ status: 404, body: { message: "Not Found" } });
  });
});

describe("local gateway, http-jwt: CORS from the API's configuration", () => {
  test("API Gateway answers the preflight itself, without a token", async () => {
    const response = await fetch(`${api}/notes`, { method: "OPTIONS", headers: { Origin: ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type" } });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(response.headers.get("access-control-allow-methods")?.split(",")).toEqual(expect.arrayContaining(["GET", "POST", "PUT", "DELETE"]));
    expect(response.headers.get("access-control-allow-headers")).toBe("authorization,content-type");
  });

  test("a refusal carries the CORS header, so the browser can read the 401", async () => {
    const response = await call("GET", "/notes", undefined, { Origin: ORIGIN });
    expect(response.status).toBe(401);
    expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
  });

  test("an origin not on the list gets no CORS header, from the gateway or through the handler", async () => {
    const response = await call("GET", "/me", await userToken([READ]), { Origin: "https://evil.example.com" });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("local gateway, http-jwt: the log", () => {
  test("says which check refused a call", () => {
    expect(lines.some((line) => /GET \/dev\/notes 401 .*authorizer=deny 401 \(the token has expired\)/.test(line))).toBe(true);
    expect(lines.some((line) => /POST \/dev\/notes 403 .*authorizer=deny 403 \(no scope of/.test(line))).toBe(true);
  });

  test("every answer matched the stack's OpenAPI document", () => {
    expect(contract.failures).toEqual([]);
  });
});

async function foreignToken(): Promise<string> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: webClientId, token_use: "access", scope: READ })
    .setProtectedHeader({ alg: "RS256", kid: "someone-elses-key" })
    .setIssuer(gateway.issuer.issuer)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(privateKey);
}

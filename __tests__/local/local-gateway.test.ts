import * as fs from "node:fs";
import * as http from "node:http";
import { importJWK, SignJWT } from "jose";
import * as path from "node:path";
import { environments } from "../../environments";
import { escapeForLog, localClientId, LocalGateway, MAX_BODY_BYTES, MAX_REQUEST_LINE_AND_HEADER_BYTES } from "../../local/gateway/local-gateway";
import { LocalIssuer, localSub } from "../../local/cognito/local-issuer";
import { LOCAL_DATA_DIR } from "../../local/stack/local-stack";
import { testStack } from "../helpers/local-stack";
import { ContractChecker } from "../helpers/contract";

const READ = "https://notes.example.com/notes.read";
const WRITE = "https://notes.example.com/notes.write";
const ORIGIN = environments.dev.api.corsAllowedOrigins[0]!;
const dataDir = path.join(LOCAL_DATA_DIR, `test-${process.pid}`);
const lines: string[] = [];
let gateway: LocalGateway;
let api: string;
let contract: ContractChecker;
const webClientId = localClientId("dev", "notes-dev-web");

beforeAll(async () => {
  const { model, terraform } = testStack("dev");
  contract = new ContractChecker(model.openApiFile);
  gateway = new LocalGateway({ model, terraform, dataDir, port: 0, fresh: true, log: (line) => lines.push(line), observe: (exchange) => contract.check(exchange) });
  await gateway.start();
  api = gateway.apiUrl;
});

afterAll(async () => {
  await gateway.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const userToken = (username: string, scopes: string[] = [READ, WRITE], extra: { tokenUse?: "access" | "id"; expiresInSeconds?: number } = {}) =>
  gateway.issuer.sign({ clientId: webClientId, username, scopes, ...extra });

async function call(method: string, route: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${api}${route}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

async function machineToken(scope?: string) {
  const reporting = gateway.clients.find((client) => client.name === "notes-dev-reporting")!;
  const response = await fetch(`${gateway.url}/oauth2/token`, {
    method: "POST",
    headers: { Authorization: `Basic ${Buffer.from(`${reporting.clientId}:${reporting.clientSecret}`).toString("base64")}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", ...(scope ? { scope } : {}) }),
  });
  return { status: response.status, body: (await response.json()) as { access_token?: string; error?: string; token_type?: string } };
}

describe("local gateway: the Cognito authorizer's rules", () => {
  test("an access token with the route's scope is 200", async () => {
    expect((await call("GET", "/notes", await userToken("alice", [READ]))).status).toBe(200);
  });

  test("an ID token on a scoped route is 401", async () => {
    expect((await call("GET", "/notes", await userToken("alice", [], { tokenUse: "id" }))).status).toBe(401);
  });

  test("an access token with only another scope is 401", async () => {
    expect((await call("GET", "/notes", await userToken("alice", [WRITE]))).status).toBe(401);
    expect((await call("POST", "/notes", await userToken("alice", [READ]), { title: "t" })).status).toBe(401);
  });

  test("an expired token is 401", async () => {
    expect((await call("GET", "/notes", await userToken("alice", [READ], { expiresInSeconds: -60 }))).status).toBe(401);
  });

  test("a correctly signed token without exp is 401: every Cognito token expires", async () => {
    // GIVEN a token signed with the local issuer's own key, with Cognito's claims but no exp
    const keys = JSON.parse(fs.readFileSync(path.join(dataDir, "keys", "signing-key.json"), "utf8")) as { kid: string; privateJwk: Record<string, unknown> };
    const key = await importJWK({ ...keys.privateJwk, alg: "RS256" } as never, "RS256");
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ iss: gateway.issuer.issuer, sub: localSub("alice"), client_id: webClientId, token_use: "access", scope: READ, username: "alice", iat: now, jti: "no-exp" })
      .setProtectedHeader({ alg: "RS256", kid: keys.kid, typ: "JWT" })
      .sign(key);
    // THEN the authorizer refuses it
    expect((await call("GET", "/notes", token)).status).toBe(401);
  });

  test("only loopback names are served: a page that rebinds its own name to 127.0.0.1 is refused", async () => {
    const port = new URL(gateway.url).port;
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const request = http.request({ host: "127.0.0.1", port, path: "/dev/health", headers: { Host: host } }, (response) => {
          response.resume();
          resolve(response.statusCode!);
        });
        request.on("error", reject);
        request.end();
      });
    expect(await statusFor("attacker.example")).toBe(403);
    expect(await statusFor(`attacker.example:${port}`)).toBe(403);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "localhost"]) expect([host, await statusFor(host)]).toEqual([host, 200]);
  });

  test("a token from another issuer is 401", async () => {
    const stranger = new LocalIssuer("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Stranger", path.join(dataDir, "stranger-keys"));
    const token = await stranger.sign({ clientId: webClientId, username: "alice", scopes: [READ] });
    expect((await call("GET", "/notes", token)).status).toBe(401);
  });

  test("a token signed by another key under the same issuer is 401", async () => {
    const impostor = new LocalIssuer(gateway.issuer.issuer, path.join(dataDir, "impostor-keys"));
    expect((await call("GET", "/notes", await impostor.sign({ clientId: webClientId, username: "alice", scopes: [READ] }))).status).toBe(401);
  });

  test("a tampered payload is 401", async () => {
    const [header, payload, signature] = (await userToken("alice", [READ])).split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const forged = Buffer.from(JSON.stringify({ ...claims, scope: `${READ} ${WRITE}` })).toString("base64url");
    expect((await call("POST", "/notes", `${header}.${forged}.${signature}`, { title: "t" })).status).toBe(401);
  });

  test("a malformed token is 401", async () => {
    expect((await call("GET", "/notes", "not.a.jwt")).status).toBe(401);
  });

  test("no token is 401 with the stack's gateway response: CORS headers and WWW-Authenticate", async () => {
    const response = await call("GET", "/notes", undefined, undefined, { Origin: ORIGIN });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: "Unauthorized" });
    expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    expect(lines).toContainEqual(expect.stringMatching(/^GET \/dev\/notes 401 \d+ms authorizer=deny \(no token\)$/));
  });

  test("the raw token works without the Bearer prefix", async () => {
    const response = await fetch(`${api}/me`, { headers: { Authorization: await userToken("alice", [READ]) } });
    expect(response.status).toBe(200);
  });

  test("OPTIONS is 204 without a token, with the allowed origin echoed", async () => {
    const response = await fetch(`${api}/notes/123`, { method: "OPTIONS", headers: { Origin: "https://dev.notes.example.com" } });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://dev.notes.example.com");
    expect(response.headers.get("access-control-allow-methods")).toBe("GET,PUT,DELETE,OPTIONS");
  });

  test("an unknown path or method is API Gateway's 403 Missing Authentication Token", async () => {
    expect(await call("GET", "/nowhere")).toMatchObject({ status: 403, body: { message: "Missing Authentication Token" } });
    expect((await call("PATCH", "/notes", await userToken("alice"))).status).toBe(403);
  });

  test("/health is public", async () => {
    expect(await call("GET", "/health")).toMatchObject({ status: 200, body: { status: "ok" } });
  });
});

describe("local gateway: the notes contract over HTTP", () => {
  test("a user creates, reads, lists, updates and deletes a note", async () => {
    const alice = await userToken("alice");
    const created = await call("POST", "/notes", alice, { title: "Groceries", body: "milk" });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call("GET", `/notes/${id}`, alice)).body).toEqual(created.body);
    expect((await call("GET", "/notes?limit=100", alice)).body.items).toContainEqual(created.body);
    const updated = await call("PUT", `/notes/${id}`, alice, { title: "Groceries", body: "milk, eggs" });
    expect(updated).toMatchObject({ status: 200, body: { id, body: "milk, eggs" } });
    expect((await call("DELETE", `/notes/${id}`, alice)).status).toBe(204);
    expect((await call("GET", `/notes/${id}`, alice)).status).toBe(404);
  });

  test("another user's note is 404", async () => {
    const created = await call("POST", "/notes", await userToken("alice"), { title: "private" });
    expect((await call("GET", `/notes/${created.body.id}`, await userToken("bob"))).status).toBe(404);
  });

  test("bad input is 400 with a message", async () => {
    expect(await call("POST", "/notes", await userToken("alice"), { title: "t", extra: true })).toMatchObject({ status: 400, body: { message: "unknown field 'extra'" } });
  });

  test("a machine reads a user's notes with a client-credentials token from the token endpoint", async () => {
    const created = await call("POST", "/notes", await userToken("carol"), { title: "for the report" });
    const { status, body } = await machineToken();
    expect(status).toBe(200);
    expect(body.token_type).toBe("Bearer");
    const listed = await call("GET", `/notes?owner=${localSub("carol")}`, body.access_token);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([created.body]);
    expect((await call("GET", "/notes", body.access_token)).status).toBe(400);
    expect((await call("POST", "/notes", body.access_token, { title: "t" })).status).toBe(401);
  });

  test("/me describes the token as the handler received it", async () => {
    const response = await call("GET", "/me", await userToken("alice", [READ]));
    expect(response.body).toEqual({ sub: localSub("alice"), username: "alice", clientId: webClientId, scopes: [READ], tokenUse: "access" });
  });
});

describe("local token endpoint", () => {
  test.each([
    ["a wrong secret", { Authorization: `Basic ${Buffer.from("nobody:nothing").toString("base64")}` }, { grant_type: "client_credentials" }, "invalid_client"],
    ["the web client (no secret)", { Authorization: `Basic ${Buffer.from(`${webClientId}:`).toString("base64")}` }, { grant_type: "client_credentials" }, "invalid_client"],
  ])("refuses %s with Cognito's error", async (_, headers, form, error) => {
    const response = await fetch(`${gateway.url}/oauth2/token`, { method: "POST", headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error });
  });

  test("refuses a scope the client may not have: invalid_scope", async () => {
    expect(await machineToken(WRITE)).toEqual({ status: 400, body: { error: "invalid_scope" } });
  });

  test("refuses another grant type: unsupported_grant_type", async () => {
    const reporting = gateway.clients.find((client) => client.name === "notes-dev-reporting")!;
    const response = await fetch(`${gateway.url}/oauth2/token`, {
      method: "POST",
      headers: { Authorization: `Basic ${Buffer.from(`${reporting.clientId}:${reporting.clientSecret}`).toString("base64")}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "password", username: "a", password: "b" }),
    });
    expect(await response.json()).toEqual({ error: "unsupported_grant_type" });
  });

  test("the issuer's JWKS is served at the Cognito-shaped path", async () => {
    const response = await fetch(`${gateway.url}${gateway.issuer.jwksPath}`);
    expect(gateway.issuer.jwksPath).toBe("/eu-west-1_localdev/.well-known/jwks.json");
    expect(((await response.json()) as { keys: unknown[] }).keys).toEqual([expect.objectContaining({ kty: "RSA", alg: "RS256", use: "sig" })]);
  });
});

describe("local gateway: requests as API Gateway treats them", () => {
  test("a malformed percent-encoding in a path parameter is 400, not 500", async () => {
    const response = await call("GET", "/notes/%E0%A4%A", await userToken("alice", [READ]));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ message: "Bad Request" });
  });

  test("malformed Basic credentials at the token endpoint are invalid_client", async () => {
    const response = await fetch(`${gateway.url}/oauth2/token`, {
      method: "POST",
      headers: { Authorization: `Basic ${Buffer.from("%E0%A4%A:secret").toString("base64")}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "invalid_client" });
  });

  test("a body over 10 MB is 413 before the authorizer runs", async () => {
    // GIVEN no token at all: the size check comes first, as in API Gateway
    const response = await fetch(`${api}/notes`, { method: "POST", headers: { "Content-Type": "application/json", Origin: ORIGIN }, body: "x".repeat(MAX_BODY_BYTES + 1) });
    expect(response.status).toBe(413);
    expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
  });

  test("a request line and headers over 10240 bytes are refused with a gateway response", async () => {
    const response = await fetch(`${api}/health`, { headers: { "X-Padding": "p".repeat(MAX_REQUEST_LINE_AND_HEADER_BYTES) } });
    expect(response.status).toBe(413);
  });

  test("what a client sends cannot forge a log line", async () => {
    // GIVEN a token whose header carries a line break and a fake log entry
    const header = Buffer.from(JSON.stringify({ alg: "RS256", kid: "x\nGET /dev/notes 200 1ms authorizer=allow" })).toString("base64url");
    const payload = Buffer.from(JSON.stringify({ sub: "mallory" })).toString("base64url");
    lines.length = 0;
    // WHEN it is sent
    expect((await call("GET", "/notes", `${header}.${payload}.c2ln`)).status).toBe(401);
    // THEN the gateway wrote one line, with the break escaped
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("\n");
    expect(lines[0]).toMatch(/^GET \/dev\/notes 401 /);
  });

  test("escapeForLog escapes control characters and line separators", () => {
    expect(escapeForLog("a\r\nb\u2028c\u0000")).toBe("a\\u000d\\u000ab\\u2028c\\u0000");
  });

  test("a second gateway on the same data folder and stack is refused, naming the first", async () => {
    const { model, terraform } = testStack("dev");
    const second = new LocalGateway({ model, terraform, dataDir, port: 0, fresh: true, log: () => undefined });
    await expect(second.start()).rejects.toThrow(`stack 'dev' is already being served at ${gateway.url} by process ${process.pid}: stop it first`);
    // AND the first one's data is untouched: its notes are still there
    expect((await call("GET", "/health")).status).toBe(200);
  });
});

describe("local gateway: what the document says of bodies", () => {
  test("a body sent as text/plain is 415; a missing Content-Type is read as JSON", async () => {
    const token = await userToken("alice");
    const plain = await fetch(`${api}/notes`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/plain" }, body: JSON.stringify({ title: "t" }) });
    expect(plain.status).toBe(415);
    contract.check({ method: "POST", resourcePath: "/notes", status: plain.status, headers: Object.fromEntries(plain.headers), body: await plain.text() });
    const bare = await fetch(`${api}/notes`, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: new Blob([JSON.stringify({ title: "no content type" })]) });
    expect(bare.status).toBe(201);
  });

  test("a title of 150 emoji is a valid note, as the document says", async () => {
    expect((await call("POST", "/notes", await userToken("alice"), { title: "\u{1F600}".repeat(150) })).status).toBe(201);
  });
});

describe("contract: every answer of this file's requests matches the OpenAPI document", () => {
  // The last block of the file: by now every other test's requests went through the checker.
  test("every answer so far, from the handlers and from the gateway, matches its operation and status", () => {
    expect(contract.failures).toEqual([]);
    // Successes and errors, from handlers and from the gateway, were all checked.
    const statuses = new Set([...contract.checked.keys()].map((label) => label.split(" ").at(-1)));
    expect([...statuses].sort()).toEqual(expect.arrayContaining(["200", "201", "204", "400", "401", "403", "404"]));
  });
  test("the document is the stack's, served with the local issuer's URLs", async () => {
    const served = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as { servers: Array<{ url: string }>; components: { securitySchemes: { cognito: { flows: { authorizationCode: { authorizationUrl: string; tokenUrl: string }; clientCredentials: { tokenUrl: string } } } } } };
    expect(served.servers).toEqual([expect.objectContaining({ url: gateway.apiUrl })]);
    const { flows } = served.components.securitySchemes.cognito;
    expect(flows.authorizationCode.authorizationUrl).toBe(`${gateway.url}/oauth2/authorize`);
    expect(flows.authorizationCode.tokenUrl).toBe(`${gateway.url}/oauth2/token`);
    expect(flows.clientCredentials.tokenUrl).toBe(`${gateway.url}/oauth2/token`);
  });
});

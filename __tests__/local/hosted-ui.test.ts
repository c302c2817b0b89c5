import * as fs from "node:fs";
import { scryptSync } from "node:crypto";
import * as os from "node:os";
import * as path from "node:path";
import { decodeJwt } from "jose";
import { pkceChallenge } from "../../local/cognito/hosted-ui";
import { LocalGateway } from "../../local/gateway/local-gateway";
import { LOCAL_DATA_DIR } from "../../local/stack/local-stack";
import { testStack } from "../helpers/local-stack";
import { DEFAULT_SCRYPT_COST, LocalUsers, scryptCost } from "../../local/cognito/local-users";
import { CALLBACK, codeFlow, LOGOUT, type CodeFlowOptions } from "../helpers/hosted-ui";

const READ = "https://notes.example.com/notes.read";
const WRITE = "https://notes.example.com/notes.write";
const dataDir = path.join(LOCAL_DATA_DIR, `hosted-ui-test-${process.pid}`);
let gateway: LocalGateway;
let web: { clientId: string };
let reporting: { clientId: string; clientSecret?: string };

beforeAll(async () => {
  const { model, terraform } = testStack("dev");
  gateway = new LocalGateway({ model, terraform, dataDir, port: 0, fresh: true, log: () => undefined });
  await gateway.start();
  gateway.createDemoUsers();
  LocalUsers.forStack(dataDir, "dev").add("carol", "correct horse battery", { groups: ["editors"], email: "carol@example.org" });
  web = gateway.clients.find((client) => client.name === "notes-dev-web")!;
  reporting = gateway.clients.find((client) => client.name === "notes-dev-reporting")!;
});

afterAll(async () => {
  await gateway.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function authorizeUrl(params: Record<string, string>): string {
  return `${gateway.url}/oauth2/authorize?${new URLSearchParams(params)}`;
}

/** The whole code flow as a browser and an app do it, as carol with read and write unless told otherwise. */
function signIn(options: CodeFlowOptions = {}) {
  return codeFlow(gateway.url, web.clientId, { username: "carol", password: "correct horse battery", scope: `openid email ${READ} ${WRITE}`, ...options });
}

describe("local hosted UI: the authorization code flow with PKCE", () => {
  test("signs a user in and gives Cognito-shaped tokens with the granted scopes, the nonce and the groups", async () => {
    const flow = await signIn();
    expect(flow.form.status).toBe(200);
    expect(flow.html).toContain('<form method="post" action="/login">');
    expect(flow.html).toContain("MFA is not emulated");
    expect(flow.login.status).toBe(302);
    expect(new URL(flow.location!).origin + new URL(flow.location!).pathname).toBe(CALLBACK);
    expect(new URL(flow.location!).searchParams.get("state")).toBe("s-123");
    const response = await flow.exchange();
    const tokens = (await response.json()) as { access_token: string; id_token: string; refresh_token: string; token_type: string };
    expect(response.status).toBe(200);
    const access = decodeJwt(tokens.access_token);
    expect(access).toMatchObject({ token_use: "access", client_id: web.clientId, username: "carol", scope: `openid email ${READ} ${WRITE}`, "cognito:groups": ["editors"] });
    expect(decodeJwt(tokens.id_token)).toMatchObject({ token_use: "id", aud: web.clientId, nonce: "n-456", email: "carol@example.org", "cognito:username": "carol", "cognito:groups": ["editors"] });
    expect(tokens.refresh_token.length).toBeGreaterThan(40);
    // AND the API takes the access token and refuses the ID token, as API Gateway does
    expect((await fetch(`${gateway.apiUrl}/notes`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).status).toBe(200);
    expect((await fetch(`${gateway.apiUrl}/notes`, { headers: { Authorization: `Bearer ${tokens.id_token}` } })).status).toBe(401);
  });

  test("grants only the scopes asked for: a token without notes.write cannot write", async () => {
    const tokens = (await (await (await signIn({ scope: `openid ${READ}` })).exchange()).json()) as { access_token: string };
    expect(decodeJwt(tokens.access_token).scope).toBe(`openid ${READ}`);
    const write = await fetch(`${gateway.apiUrl}/notes`, { method: "POST", headers: { Authorization: `Bearer ${tokens.access_token}`, "Content-Type": "application/json" }, body: JSON.stringify({ title: "x" }) });
    expect(write.status).toBe(401);
  });

  test("fails when the code verifier does not match, or the code is used twice: invalid_grant", async () => {
    const wrong = await signIn({ sentVerifier: "a-verifier-that-was-never-challenged-aaaaaaaaaaaaaaa" });
    expect(await (await wrong.exchange()).json()).toEqual({ error: "invalid_grant" });
    const flow = await signIn();
    expect((await flow.exchange()).status).toBe(200);
    expect(await (await flow.exchange()).json()).toEqual({ error: "invalid_grant" });
  });

  test("fails when the code is older than Cognito's 5 minutes: invalid_grant", async () => {
    const flow = await signIn();
    // Only the clock moves: timers, ticks and the network stay real.
    jest.useFakeTimers({ doNotFake: ["hrtime", "nextTick", "performance", "queueMicrotask", "requestAnimationFrame", "cancelAnimationFrame", "requestIdleCallback", "cancelIdleCallback", "setImmediate", "clearImmediate", "setInterval", "clearInterval", "setTimeout", "clearTimeout"] });
    try {
      jest.setSystemTime(Date.now() + 301_000);
      expect(await (await flow.exchange()).json()).toEqual({ error: "invalid_grant" });
    } finally {
      jest.useRealTimers();
    }
  });

  test("fails when the password is wrong: the page says so and no code is issued", async () => {
    const flow = await signIn({ password: "not the password" });
    expect(flow.login.status).toBe(400);
    expect(await flow.login.text()).toContain("Incorrect username or password.");
    expect(flow.code).toBeNull();
  });

  test.each([
    ["a redirect_uri that is not a callback URL", { redirect_uri: "https://evil.example.com/cb" }, 400, "redirect_mismatch"],
    ["an unknown client", { client_id: "nope" }, 400, "not a client"],
  ])("fails on %s with an error page and no redirect", async (_, change, status, text) => {
    const params = { client_id: web.clientId, response_type: "code", redirect_uri: CALLBACK, code_challenge: pkceChallenge("v".repeat(43)), code_challenge_method: "S256", ...change };
    const response = await fetch(authorizeUrl(params), { redirect: "manual" });
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(text);
  });

  test.each([
    ["a scope the client may not have", { scope: "openid https://notes.example.com/notes.admin" }, "invalid_scope"],
    ["no PKCE for a client without a secret", { code_challenge: "", code_challenge_method: "" }, "invalid_request"],
    ["a response type other than code", { response_type: "token" }, "unsupported_response_type"],
  ])("fails on %s by redirecting with the error and the state", async (_, change, error) => {
    const params = Object.fromEntries(
      Object.entries({ client_id: web.clientId, response_type: "code", redirect_uri: CALLBACK, state: "st", code_challenge: pkceChallenge("v".repeat(43)), code_challenge_method: "S256", ...change }).filter(([, value]) => value !== ""),
    );
    const response = await fetch(authorizeUrl(params), { redirect: "manual" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect([location.searchParams.get("error"), location.searchParams.get("state")]).toEqual([error, "st"]);
  });
});

describe("local hosted UI: refresh, userInfo, revoke, logout, discovery", () => {
  test("a refresh token gives new tokens until it is revoked", async () => {
    const tokens = (await (await (await signIn()).exchange()).json()) as { refresh_token: string };
    const refresh = () => fetch(`${gateway.url}/oauth2/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "refresh_token", client_id: web.clientId, refresh_token: tokens.refresh_token }) });
    const refreshed = (await (await refresh()).json()) as { access_token: string; refresh_token?: string };
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ username: "carol", token_use: "access" });
    expect(refreshed.refresh_token).toBeUndefined();
    const revoke = await fetch(`${gateway.url}/oauth2/revoke`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token: tokens.refresh_token, client_id: web.clientId }) });
    expect(revoke.status).toBe(200);
    expect(await (await refresh()).json()).toEqual({ error: "invalid_grant" });
  });

  test("userInfo answers for an access token with openid, and refuses one without", async () => {
    const withOpenid = (await (await (await signIn()).exchange()).json()) as { access_token: string };
    const info = await fetch(`${gateway.url}/oauth2/userInfo`, { headers: { Authorization: `Bearer ${withOpenid.access_token}` } });
    expect(await info.json()).toMatchObject({ username: "carol", email: "carol@example.org" });
    const without = (await (await (await signIn({ scope: READ })).exchange()).json()) as { access_token: string };
    expect((await fetch(`${gateway.url}/oauth2/userInfo`, { headers: { Authorization: `Bearer ${without.access_token}` } })).status).toBe(401);
  });

  test("logout redirects only to one of the client's sign-out URLs", async () => {
    const ok = await fetch(`${gateway.url}/logout?${new URLSearchParams({ client_id: web.clientId, logout_uri: LOGOUT })}`, { redirect: "manual" });
    expect([ok.status, ok.headers.get("location")]).toEqual([302, LOGOUT]);
    const bad = await fetch(`${gateway.url}/logout?${new URLSearchParams({ client_id: web.clientId, logout_uri: "https://evil.example.com/" })}`, { redirect: "manual" });
    expect(bad.status).toBe(400);
  });

  test("the OIDC discovery document names every endpoint, the custom scopes and S256", async () => {
    const document = (await (await fetch(`${gateway.issuer.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(document).toMatchObject({
      issuer: gateway.issuer.issuer,
      authorization_endpoint: `${gateway.url}/oauth2/authorize`,
      token_endpoint: `${gateway.url}/oauth2/token`,
      userinfo_endpoint: `${gateway.url}/oauth2/userInfo`,
      revocation_endpoint: `${gateway.url}/oauth2/revoke`,
      jwks_uri: `${gateway.url}${gateway.issuer.jwksPath}`,
      code_challenge_methods_supported: ["S256"],
    });
    expect(document.scopes_supported).toEqual(expect.arrayContaining(["openid", READ, WRITE]));
  });

  test("a confidential client must present its secret; the machine client still gets client_credentials tokens", async () => {
    const noSecret = await fetch(`${gateway.url}/oauth2/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "client_credentials", client_id: reporting.clientId }) });
    expect(await noSecret.json()).toEqual({ error: "invalid_client" });
    const withSecret = await fetch(`${gateway.url}/oauth2/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "client_credentials", client_id: reporting.clientId, client_secret: reporting.clientSecret! }) });
    expect(decodeJwt(((await withSecret.json()) as { access_token: string }).access_token)).toMatchObject({ client_id: reporting.clientId, scope: READ });
  });

  test("a first start makes two demo users whose printed passwords sign in", async () => {
    expect(gateway.demoUsers.map((user) => user.username)).toEqual(["alice", "bob"]);
    const alice = gateway.demoUsers[0]!;
    const flow = await signIn({ username: alice.username, password: alice.password });
    expect((await flow.exchange()).status).toBe(200);
  });
});

describe("LocalUsers", () => {
  test("keeps scrypt hashes, never the password, and verifies in constant time", () => {
    const users = new LocalUsers(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "users-")), "users.json"));
    users.add("dave", "a long password", { groups: ["readers"] });
    const stored = fs.readFileSync((users as unknown as { file: string }).file, "utf8");
    expect(stored).not.toContain("a long password");
    expect(JSON.parse(stored).dave).toMatchObject({ groups: ["readers"], salt: expect.any(String), hash: expect.any(String) });
    expect(users.verify("dave", "a long password")?.username).toBe("dave");
    expect(users.verify("dave", "wrong password")).toBeUndefined();
    expect(users.verify("nobody", "a long password")).toBeUndefined();
    expect(() => users.add("eve", "short")).toThrow("at least 8 characters");
    expect(users.remove("dave")).toBe(true);
    expect(users.list()).toEqual([]);
  });

  test("keeps each hash's scrypt cost with it: a hash made at one cost verifies after the setting changes, and a bad setting is named", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "users-")), "users.json");
    const users = new LocalUsers(file);
    const previous = process.env.LOCAL_PASSWORD_HASH_COST;
    try {
      // GIVEN a user hashed at 2^11, and one from a file written before the cost was kept (the default cost)
      process.env.LOCAL_PASSWORD_HASH_COST = "11";
      users.add("frank", "frank's password");
      expect(JSON.parse(fs.readFileSync(file, "utf8")).frank.scrypt).toEqual({ log2N: 11, r: 8, p: 1 });
      const legacySalt = Buffer.alloc(16, 7).toString("base64");
      const legacyHash = scryptSync("grace's password", Buffer.from(legacySalt, "base64"), 32, { N: 2 ** DEFAULT_SCRYPT_COST.log2N, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }).toString("base64");
      const stored = JSON.parse(fs.readFileSync(file, "utf8"));
      fs.writeFileSync(file, JSON.stringify({ ...stored, grace: { username: "grace", email: "grace@example.com", groups: [], salt: legacySalt, hash: legacyHash } }));
      // WHEN the setting changes
      process.env.LOCAL_PASSWORD_HASH_COST = "12";
      // THEN both still verify at their own cost, and only with their passwords
      expect(users.verify("frank", "frank's password")?.username).toBe("frank");
      expect(users.verify("grace", "grace's password")?.username).toBe("grace");
      expect(users.verify("grace", "frank's password")).toBeUndefined();
      // AND a setting outside 10 to 20 fails, naming the variable and the value
      process.env.LOCAL_PASSWORD_HASH_COST = "4";
      expect(() => users.add("henry", "henry's password")).toThrow("LOCAL_PASSWORD_HASH_COST '4' is not an integer from 10 to 20");
      expect(scryptCost({})).toEqual(DEFAULT_SCRYPT_COST);
    } finally {
      if (previous === undefined) delete process.env.LOCAL_PASSWORD_HASH_COST;
      else process.env.LOCAL_PASSWORD_HASH_COST = previous;
    }
  });
});

describe("local hosted UI: where it must behave as Cognito does", () => {
  const tokensOf = async (options: CodeFlowOptions = {}) => (await (await (await signIn(options)).exchange()).json()) as { access_token: string; id_token: string; refresh_token: string; token_type: string };
  const userInfo = (accessToken: string) => fetch(`${gateway.url}/oauth2/userInfo`, { headers: { Authorization: `Bearer ${accessToken}` } });
  const refresh = (refreshToken: string) =>
    fetch(`${gateway.url}/oauth2/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "refresh_token", client_id: web.clientId, refresh_token: refreshToken }) });

  test("after a refresh token is revoked, Cognito's own endpoints refuse every token of its session", async () => {
    // GIVEN a session's tokens, and a refreshed access token of the same session
    const tokens = await tokensOf();
    const refreshed = (await (await refresh(tokens.refresh_token)).json()) as { access_token: string };
    expect((await userInfo(tokens.access_token)).status).toBe(200);
    // WHEN the refresh token is revoked
    await fetch(`${gateway.url}/oauth2/revoke`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token: tokens.refresh_token, client_id: web.clientId }) });
    // THEN userInfo refuses both access tokens ("Revoked tokens can't be used with any Amazon Cognito API calls that require a token")
    expect((await userInfo(tokens.access_token)).status).toBe(401);
    expect((await userInfo(refreshed.access_token)).status).toBe(401);
    // AND the API, which only verifies the JWT as API Gateway's authorizer does, still takes them until they expire
    expect((await fetch(`${gateway.apiUrl}/notes`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).status).toBe(200);
    // AND another session of the same user is untouched
    expect((await userInfo((await tokensOf()).access_token)).status).toBe(200);
  });

  test("the tokens of one sign-in and of its refreshes share one origin_jti, each with its own jti", async () => {
    const tokens = await tokensOf();
    const refreshed = (await (await refresh(tokens.refresh_token)).json()) as { access_token: string; id_token: string };
    const claims = [tokens.access_token, tokens.id_token, refreshed.access_token, refreshed.id_token].map((token) => decodeJwt(token));
    expect(new Set(claims.map((claim) => claim.origin_jti)).size).toBe(1);
    expect(claims[0]!.origin_jti).toEqual(expect.any(String));
    expect(new Set(claims.map((claim) => claim.jti)).size).toBe(4);
    expect(decodeJwt((await tokensOf()).access_token).origin_jti).not.toBe(claims[0]!.origin_jti);
  });

  test("token_type is spelled as Cognito spells it", async () => {
    expect((await tokensOf()).token_type).toBe("Bearer");
  });

  test("the sign-in form carries only the OAuth parameters: a link cannot sign its victim in as someone else", async () => {
    // GIVEN an authorize link that also carries another user's credentials
    const params = { client_id: web.clientId, response_type: "code", redirect_uri: CALLBACK, scope: "openid", state: "s", code_challenge: pkceChallenge("v".repeat(43)), code_challenge_method: "S256" };
    const page = await fetch(authorizeUrl({ ...params, username: "carol", password: "correct horse battery", extra: "x" }));
    const html = await page.text();
    // THEN the page holds neither as a field (nor the password anywhere), and only the OAuth parameters are hidden
    expect(html).not.toContain("correct horse battery");
    const hidden = [...html.matchAll(/<input type="hidden" name="([^"]+)"/g)].map((match) => match[1]).sort();
    expect(hidden).toEqual(["_csrf", "client_id", "code_challenge", "code_challenge_method", "redirect_uri", "response_type", "scope", "state"]);
  });

  test("fails when the sign-in form is posted without the page's anti-CSRF token and cookie", async () => {
    const params = { client_id: web.clientId, response_type: "code", redirect_uri: CALLBACK, scope: "openid", code_challenge: pkceChallenge("v".repeat(43)), code_challenge_method: "S256" };
    const forged = await fetch(`${gateway.url}/login`, { method: "POST", redirect: "manual", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ ...params, username: "carol", password: "correct horse battery" }) });
    expect(forged.status).toBe(403);
    expect(forged.headers.get("location")).toBeNull();
  });

  test("keeps the username after a wrong password", async () => {
    const flow = await signIn({ password: "not the password" });
    expect(await flow.login.text()).toContain('name="username" value="carol"');
  });

  test("throttles failed passwords as Cognito does: after five, a lockout of one second that doubles, and attempts inside it are refused unanswered", async () => {
    // GIVEN a user and five wrong passwords
    LocalUsers.forStack(dataDir, "dev").add("mallory-target", "the real password", {});
    for (let attempt = 0; attempt < 5; attempt++) expect(await (await signIn({ username: "mallory-target", password: `guess ${attempt}` })).login.text()).toContain("Incorrect username or password.");
    // WHEN the right password comes within the lockout
    const locked = await signIn({ username: "mallory-target", password: "the real password" });
    // THEN it is refused, as Cognito's "Password attempts exceeded"
    expect(locked.code).toBeNull();
    expect(await locked.login.text()).toContain("Password attempts exceeded");
    // AND after the lockout it signs in, and the count starts again
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await signIn({ username: "mallory-target", password: "the real password" })).code).not.toBeNull();
  });
});

import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { LocalIssuer } from "../../local/cognito/local-issuer";
import { localClientId } from "../../local/gateway/local-gateway";
import { copyProject, removeFolder } from "../../scripts/project-copy";
import { RunningProcess, runTs } from "../helpers/processes";

jest.setTimeout(120_000);

/** `npm run dev` in a copy of the project, so the test can edit sources the way a developer does. */
describe("npm run dev: watch mode and the instance lock, over HTTP", () => {
  const copy = copyProject("notes-dev-");
  let dev: RunningProcess;
  let base: string;
  let port: string;

  const edit = (file: string, from: string, to: string) => {
    const full = path.join(copy, file);
    const text = fs.readFileSync(full, "utf8");
    if (!text.includes(from)) throw new Error(`${file} has no '${from}'`);
    fs.writeFileSync(full, text.replace(from, to));
  };
  const token = (scopes: string[]) =>
    new LocalIssuer(`http://127.0.0.1:${port}/eu-west-1_localdev`, path.join(copy, ".local", "keys")).sign({
      clientId: localClientId("dev", "notes-dev-web"),
      username: "alice",
      scopes: scopes.map((scope) => `https://notes.example.com/${scope}`),
    });

  beforeAll(async () => {
    // The web client signs in through the SDK too, so npm run token -- --sdk has a client to mint for
    edit("stacks/auth/clients.ts", 'flows: ["code"],', 'flows: ["code"],\n      sdkSignIn: { flows: ["USER_SRP_AUTH"], reason: "the test signs in through the SDK" },');
    dev = new RunningProcess(copy, "local/commands/dev.ts", ["--port", "0", "--fresh", "--web-port", "0"]);
    const [, url, boundPort] = await dev.waitFor(/local API for stack 'dev': (http:\/\/127\.0\.0\.1:(\d+)\/dev)/);
    base = url!;
    port = boundPort!;
    await dev.waitFor(/Ctrl-C stops/);
  });

  afterAll(async () => {
    await dev.stop();
    removeFolder(copy);
  });

  test("prints each route with the token it needs, and a token hint with the port it bound", () => {
    expect(dev.text).toMatch(/^ {2}GET \/notes +access token with notes\.read$/m);
    expect(dev.text).toMatch(/^ {2}POST \/notes +access token with notes\.write$/m);
    expect(dev.text).toMatch(/^ {2}GET \/health +public: no token$/m);
    expect(dev.text).toContain(`--port ${port} --client web`);
  });

  test("a second instance of the stack is refused with the first one's address, and the first keeps serving", async () => {
    const second = await runTs(copy, "local/commands/dev.ts", ["--port", "0", "--fresh", "--no-watch", "--web-port", "0"]);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`^stack 'dev' is already being served at http://127\\.0\\.0\\.1:${port} by process ${dev.child.pid}: stop it first`));
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  test("npm run token runs the pool's trigger zip: an SDK-style reader token reads but cannot write; a scope outside the groups is refused unless --no-trigger", async () => {
    const token = (...args: string[]) => runTs(copy, "local/commands/token.ts", ["--port", port, "--user", "bob", "--group", "readers", ...args]);
    const call = (method: string, bearer: string) =>
      fetch(`${base}/notes`, { method, headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" }, body: method === "POST" ? JSON.stringify({ title: "t", body: "" }) : undefined });
    const sdk = await token("--sdk");
    expect(sdk.stderr).toBe("");
    expect(sdk.status).toBe(0);
    expect((await call("GET", sdk.stdout.trim())).status).toBe(200);
    expect((await call("POST", sdk.stdout.trim())).status).toBe(401);

    const refused = await token("--scope", "notes.write");
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toBe(
      "invalid_scope: bob's groups (readers) do not grant https://notes.example.com/notes.write; the pre-token-generation trigger removes it, as Cognito would. Name a group that grants it (--group), or pass --no-trigger to mint the token anyway\n",
    );
    const forced = await token("--scope", "notes.write", "--no-trigger");
    expect(forced.status).toBe(0);
    expect((await call("POST", forced.stdout.trim())).status).toBe(201);
  });

  test("npm run token signs for the running server of the stack, whatever its port, without --port", async () => {
    const minted = await runTs(copy, "local/commands/token.ts", ["--user", "bob", "--group", "readers"]);
    expect(minted.stderr).toBe("");
    const claims = JSON.parse(Buffer.from(minted.stdout.trim().split(".")[1]!, "base64url").toString("utf8")) as { iss: string };
    expect(new URL(claims.iss).port).toBe(port);
    expect((await fetch(`${base}/notes`, { headers: { Authorization: `Bearer ${minted.stdout.trim()}` } })).status).toBe(200);
  });

  test("a handler edit restarts that function only and serves the new code", async () => {
    dev.mark();
    edit("functions/health.ts", '{ status: "ok" }', '{ status: "ok", edited: true }');
    await dev.waitFor(/change in functions\/health\.ts: reloaded; restarted notes-dev-health \(new code or settings\)\n/);
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: "ok", edited: true });
  });

  test("a bad edit prints the guard's error and keeps serving the last good build", async () => {
    dev.mark();
    edit("environments.ts", '"https://dev.notes.example.com/callback"', '"htps://dev.notes.example.com/callback"');
    await dev.waitFor(/synth failed, still serving the last good build\nauth guard: 1 misconfiguration/);
    expect(dev.text).toContain(`callbackUrls = "htps://dev.notes.example.com/callback"`);
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: "ok", edited: true });
    dev.mark();
    edit("environments.ts", '"htps://dev.notes.example.com/callback"', '"https://dev.notes.example.com/callback"');
    await dev.waitFor(/change in environments\.ts: reloaded/);
  });

  test("a route table edit re-synthesizes: the authorizer and the function apply the new scopes", async () => {
    const reader = await token(["notes.read"]);
    expect((await fetch(`${base}/me`, { headers: { Authorization: `Bearer ${reader}` } })).status).toBe(200);
    dev.mark();
    edit("stacks/api/routes.ts", 'path: "/me", handler: "me", scopes: ["notes.read"]', 'path: "/me", handler: "me", scopes: ["notes.write"]');
    await dev.waitFor(/change in stacks\/api\/routes\.ts: reloaded; restarted notes-dev-me \(new code or settings\)\n {2}\w/);
    expect(dev.text).toMatch(/^ {2}GET \/me +access token with notes\.write$/m);
    expect((await fetch(`${base}/me`, { headers: { Authorization: `Bearer ${reader}` } })).status).toBe(401);
    expect((await fetch(`${base}/me`, { headers: { Authorization: `Bearer ${await token(["notes.write"])}` } })).status).toBe(200);
  });
});

describe("npm run dev: saves by rename, as editors and sed -i save", () => {
  const copy = copyProject("notes-dev-rename-");
  let dev: RunningProcess;
  let base: string;

  /** Writes the new text beside the file and renames it over the file: the file gets a new inode each time. */
  const renameEdit = (file: string, from: string, to: string) => {
    const full = path.join(copy, file);
    const text = fs.readFileSync(full, "utf8");
    if (!text.includes(from)) throw new Error(`${file} has no '${from}'`);
    const temporary = path.join(path.dirname(full), `.${path.basename(full)}.${process.pid}.tmp`);
    fs.writeFileSync(temporary, text.replace(from, to));
    fs.renameSync(temporary, full);
  };

  beforeAll(async () => {
    dev = new RunningProcess(copy, "local/commands/dev.ts", ["--port", "0", "--fresh", "--web-port", "0"]);
    [, base] = (await dev.waitFor(/local API for stack 'dev': (http:\/\/127\.0\.0\.1:\d+\/dev)/)) as unknown as [string, string];
    await dev.waitFor(/Ctrl-C stops/);
  });

  afterAll(async () => {
    await dev.stop();
    removeFolder(copy);
  });

  test.each([
    ["stacks/api/routes.ts", 'path: "/me", handler: "me", scopes: ["notes.read"]', 'path: "/me", handler: "me", scopes: ["notes.write"]', /change in stacks\/api\/routes\.ts: reloaded/],
    ["stacks/api/routes.ts", 'path: "/me", handler: "me", scopes: ["notes.write"]', 'path: "/me", handler: "me", scopes: ["notes.read"]', /change in stacks\/api\/routes\.ts: reloaded/],
    ["functions/health.ts", '{ status: "ok" }', '{ status: "ok", renamed: true }', /change in functions\/health\.ts: reloaded; restarted notes-dev-health/],
    ["environments.ts", '"https://dev.notes.example.com/"', '"https://dev.notes.example.com/bye"', /change in environments\.ts: reloaded/],
    ["stacks/api/routes.ts", 'path: "/me", handler: "me", scopes: ["notes.read"]', 'path: "/me", handler: "me", scopes: ["notes.write"]', /change in stacks\/api\/routes\.ts: reloaded/],
  ])("a rename-based save of %s is reloaded, every time, under its own name", async (file, from, to, reloaded) => {
    dev.mark();
    renameEdit(file, from, to);
    await dev.waitFor(reloaded);
    expect(dev.text).not.toMatch(/change in [^\n]*\.tmp/);
  });

  test("the last of them is what is served", async () => {
    // The last reload printed the routes it serves with its summary, in one write
    await dev.waitFor(/: reloaded; [^\n]*\n(?: {2}[^\n]*\n)* {2}GET \/me +access token with notes\.write$/m);
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: "ok", renamed: true });
  });
});

describe("npm run dev: a first run that never strands anyone", () => {
  const copy = copyProject("notes-dev-first-", ["web"]);
  afterAll(() => removeFolder(copy));
  const freePort = () =>
    new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });

  test("a busy web port stops the start before any demo user exists; the next start prints their passwords", async () => {
    // GIVEN the browser client's port held by something else, and no users yet
    const held = net.createServer();
    await new Promise<void>((resolve) => held.listen(0, "127.0.0.1", () => resolve()));
    const heldPort = String((held.address() as net.AddressInfo).port);
    try {
      // WHEN npm run dev starts on it
      const failed = await runTs(copy, "local/commands/dev.ts", ["--port", "0", "--fresh", "--no-watch", "--web-port", heldPort]);
      // THEN it stops, and no user was made behind the user's back
      expect(failed.status).toBe(1);
      expect(fs.existsSync(path.join(copy, ".local", "users-dev.json"))).toBe(false);
    } finally {
      held.close();
    }
    // AND the next start makes the demo users and shows their passwords
    const dev = new RunningProcess(copy, "local/commands/dev.ts", ["--port", "0", "--no-watch", "--web-port", "0"]);
    try {
      await dev.waitFor(/Ctrl-C stops/);
      expect(dev.text).toMatch(/^demo user alice \(editors\), password \S+ \(shown once/m);
      expect(dev.text).toMatch(/^demo user bob \(readers\), password \S+ \(shown once/m);
    } finally {
      await dev.stop();
    }
  });

  test("--web-port moves the environment's loopback callback and origin with it: sign-in and CORS work there", async () => {
    const webPort = await freePort();
    const dev = new RunningProcess(copy, "local/commands/dev.ts", ["--port", "0", "--no-watch", "--web-port", String(webPort)]);
    try {
      const [, url] = (await dev.waitFor(/local API for stack 'dev': (http:\/\/127\.0\.0\.1:\d+)\/dev/)) as unknown as [string, string];
      await dev.waitFor(/Ctrl-C stops/);
      const origin = `http://localhost:${webPort}`;
      const clientId = localClientId("dev", "notes-dev-web");
      const authorize = new URL(`${url}/oauth2/authorize`);
      for (const [name, value] of Object.entries({ client_id: clientId, response_type: "code", redirect_uri: `${origin}/callback`, scope: "openid", code_challenge: "x".repeat(43), code_challenge_method: "S256" })) authorize.searchParams.set(name, value);
      const page = await fetch(authorize, { redirect: "manual" });
      expect([page.status, await page.text()]).toEqual([200, expect.stringContaining('<form method="post" action="/login">')]);
      const preflight = await fetch(`${url}/dev/notes`, { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "GET" } });
      expect(preflight.headers.get("access-control-allow-origin")).toBe(origin);
      expect((await fetch(`http://localhost:${webPort}/config.json`)).status).toBe(200);
    } finally {
      await dev.stop();
    }
  });
});

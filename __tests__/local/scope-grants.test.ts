import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { decodeJwt } from "jose";
import { LocalGateway } from "../../local/gateway/local-gateway";
import { LOCAL_DATA_DIR } from "../../local/stack/local-stack";
import { testStack } from "../helpers/local-stack";
import { LocalUsers } from "../../local/cognito/local-users";
import { demoUserGroups, runPreTokenTriggerOnce, SDK_SIGN_IN_SCOPES } from "../../local/cognito/pre-token-trigger";
import { ContractChecker } from "../helpers/contract";
import { codeFlow } from "../helpers/hosted-ui";

const READ = "https://notes.example.com/notes.read";
const WRITE = "https://notes.example.com/notes.write";
const PASSWORD = "correct horse battery";
const dataDir = path.join(LOCAL_DATA_DIR, `scope-grants-test-${process.pid}`);
let gateway: LocalGateway;
let web: { clientId: string };
let users: LocalUsers;
let contract: ContractChecker;
let synthesized: ReturnType<typeof testStack>;

beforeAll(async () => {
  synthesized = testStack("dev");
  const { model, terraform } = synthesized;
  contract = new ContractChecker(model.openApiFile);
  gateway = new LocalGateway({ model, terraform, dataDir, port: 0, fresh: true, log: () => undefined, observe: (exchange) => contract.check(exchange) });
  await gateway.start();
  gateway.createDemoUsers();
  users = LocalUsers.forStack(dataDir, "dev");
  users.add("rita", PASSWORD, { groups: ["readers"] });
  users.add("ed", PASSWORD, { groups: ["editors"] });
  users.add("nora", PASSWORD);
  web = gateway.clients.find((client) => client.name === "notes-dev-web")!;
});

afterAll(async () => {
  // Every answer these tests received matches the OpenAPI document.
  expect(contract.failures).toEqual([]);
  await gateway.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A hosted-UI sign-in of `username` through the web client, asking for read and write; the tokens it ends with. */
async function signIn(username: string) {
  const flow = await codeFlow(gateway.url, web.clientId, { username, password: PASSWORD, scope: `openid email ${READ} ${WRITE}` });
  const response = await flow.exchange();
  expect(response.status).toBe(200);
  return (await response.json()) as { access_token: string; id_token: string; refresh_token: string };
}

const createNote = (token: string) =>
  fetch(`${gateway.apiUrl}/notes`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify({ title: "per-user scopes", body: "" }) });
const listNotes = (token: string) => fetch(`${gateway.apiUrl}/notes`, { headers: { Authorization: `Bearer ${token}` } });

describe("scopes per user: the pre-token-generation trigger's zip runs at the local sign-in", () => {
  test("a reader's token holds notes.read only, although the client asked for write too: POST /notes is 401 at the gateway", async () => {
    const { access_token: token } = await signIn("rita");
    expect(decodeJwt(token)).toMatchObject({ scope: `openid email ${READ}`, "cognito:groups": ["readers"] });
    expect((await createNote(token)).status).toBe(401);
    expect((await listNotes(token)).status).toBe(200);
  });

  test("an editor's token holds read and write: POST /notes is 201", async () => {
    const { access_token: token } = await signIn("ed");
    expect(decodeJwt(token).scope).toBe(`openid email ${READ} ${WRITE}`);
    expect((await createNote(token)).status).toBe(201);
  });

  test("a user in no group gets no custom scope: every scoped route is 401", async () => {
    const { access_token: token } = await signIn("nora");
    expect(decodeJwt(token).scope).toBe("openid email");
    expect((await listNotes(token)).status).toBe(401);
  });

  test("a refresh reads the user's groups again: a reader made editor can write after refreshing", async () => {
    users.add("rosa", PASSWORD, { groups: ["readers"] });
    const first = await signIn("rosa");
    expect((await createNote(first.access_token)).status).toBe(401);
    expect(users.setGroups("rosa", ["editors"])).toBe(true);
    const refreshed = await fetch(`${gateway.url}/oauth2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", client_id: web.clientId, refresh_token: first.refresh_token }),
    });
    const { access_token: token } = (await refreshed.json()) as { access_token: string };
    expect(decodeJwt(token)).toMatchObject({ scope: `openid email ${READ} ${WRITE}`, "cognito:groups": ["editors"] });
    expect((await createNote(token)).status).toBe(201);
  });

  test("an SDK (SRP) sign-in asks for no custom scope; the trigger adds the reader's: GET /notes is 200, POST is 401", async () => {
    const outcome = await runPreTokenTriggerOnce(gateway.stackModel, fs.mkdtempSync(path.join(os.tmpdir(), "trigger-")), {
      triggerSource: "TokenGeneration_Authentication",
      clientId: web.clientId,
      user: { username: "rita", email: "rita@example.com", groups: ["readers"] },
      scopes: SDK_SIGN_IN_SCOPES,
    });
    expect(outcome).toEqual({ ok: true, scopes: ["aws.cognito.signin.user.admin", READ], groups: ["readers"] });
    const token = await gateway.issuer.sign({ clientId: web.clientId, username: "rita", scopes: outcome!.ok ? outcome!.scopes : [] });
    expect((await listNotes(token)).status).toBe(200);
    expect((await createNote(token)).status).toBe(401);
    // Without the trigger the same sign-in's token reaches nothing: the trap the trigger closes.
    const untriggered = await gateway.issuer.sign({ clientId: web.clientId, username: "rita", scopes: [...SDK_SIGN_IN_SCOPES] });
    expect((await listNotes(untriggered)).status).toBe(401);
  });

  test("the first start's demo users are put in the stack's groups: alice can write, bob can read", () => {
    expect(demoUserGroups(gateway.stackModel)).toEqual({ alice: ["editors"], bob: ["readers"] });
    expect(users.get("alice")?.groups).toEqual(["editors"]);
    expect(users.get("bob")?.groups).toEqual(["readers"]);
    // Nobody was in no group at the start, so npm run dev printed no warning
    expect(gateway.usersWithoutGroup).toEqual([]);
    expect(users.setGroups("nobody-here", ["readers"])).toBe(false);
  });

  test("a start with users in no group names them, so an older data folder's alice and bob can be put in groups", async () => {
    const folder = path.join(LOCAL_DATA_DIR, `scope-grants-old-${process.pid}`);
    LocalUsers.forStack(folder, "dev").add("alice", PASSWORD);
    const older = new LocalGateway({ ...synthesized, dataDir: folder, port: 0, fresh: true, log: () => undefined });
    try {
      await older.start();
      expect(older.usersWithoutGroup).toEqual(["alice"]);
      expect(older.demoUsers).toEqual([]);
    } finally {
      await older.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { LocalGateway } from "../../local/gateway/local-gateway";
import { LOCAL_DATA_DIR, synthesizeLocalStack } from "../../local/stack/local-stack";
import { LocalUsers } from "../../local/cognito/local-users";
import { LocalWebClient, localWebConfig } from "../../local/web/web-client";
import { PROJECT_ROOT } from "../../stacks/paths";
import { CALLBACK, submitSignIn } from "../helpers/hosted-ui";
import { RunningProcess } from "../helpers/processes";

jest.setTimeout(90_000);

/** Debian's chromium package (apt-get install chromium), or the Chrome of a CI runner; playwright-core drives it and downloads nothing. */
const CHROMIUM = [process.env.CHROMIUM_PATH ?? "", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find((candidate) => candidate && fs.existsSync(candidate));
const describeWithBrowser = CHROMIUM ? describe : describe.skip;
if (!CHROMIUM) console.log("browser tests skipped: no chromium binary (apt-get install chromium)");

describeWithBrowser("the browser client in headless Chromium, against the local gateway", () => {
  const dataDir = path.join(LOCAL_DATA_DIR, `browser-test-${process.pid}`);
  let gateway: LocalGateway;
  let web: LocalWebClient;
  let browser: Browser;

  beforeAll(async () => {
    const { model, terraform } = synthesizeLocalStack("dev", fs.mkdtempSync(path.join(os.tmpdir(), "browser-")));
    gateway = new LocalGateway({ model, terraform, dataDir, port: 0, fresh: true, log: () => undefined });
    await gateway.start();
    gateway.createDemoUsers();
    LocalUsers.forStack(dataDir, "dev").add("carol", "correct horse battery", { groups: ["editors"] });
    web = new LocalWebClient(() => localWebConfig(gateway), () => gateway.openApiDocument());
    // The port of the web client's loopback callback URL
    await web.start(Number(new URL(CALLBACK).port));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await gateway?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test("a user signs in with the code flow and PKCE, works with notes using the access token, and sees the ID token refused", async () => {
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on("pageerror", (error) => failures.push(error.message));

    // GIVEN the app, signed out
    await page.goto(`${web.url}/`);
    await page.getByTestId("sign-in").click();
    // WHEN the user signs in on the hosted UI's page
    await page.getByLabel("Username").fill("carol");
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Sign in" }).click();
    // THEN the app holds an access token with the custom scopes, and an ID token for itself
    await page.getByTestId("signed-in").waitFor();
    const tokens = JSON.parse((await page.getByTestId("tokens").textContent()) ?? "{}") as Record<string, Record<string, unknown>>;
    expect(tokens.access_token).toMatchObject({ token_use: "access", username: "carol", "cognito:groups": ["editors"] });
    expect(String(tokens.access_token!.scope).split(" ")).toEqual(expect.arrayContaining(["openid", "https://notes.example.com/notes.read", "https://notes.example.com/notes.write"]));
    expect(tokens.id_token).toMatchObject({ token_use: "id", aud: tokens.access_token!.client_id });

    // AND creates, lists and deletes a note with the access token
    await page.getByTestId("title").fill("Milk");
    await page.getByTestId("add").click();
    await page.getByTestId("notes").getByText("Milk").waitFor();
    // AND sees API Gateway refuse the ID token
    await page.getByTestId("send-id-token").click();
    await page.getByTestId("message").getByText("GET /notes with the ID token: 401").waitFor();
    await page.getByTestId("delete-Milk").click();
    await page.getByTestId("message").getByText("DELETE answered 204").waitFor();
    await page.getByTestId("notes").getByText("Milk").waitFor({ state: "detached" });
    expect(await page.getByTestId("notes").locator("li").count()).toBe(0);

    // AND signs out through the hosted UI's logout, back to the app
    await page.getByTestId("sign-out").click();
    await page.getByTestId("sign-in").waitFor();
    expect(failures).toEqual([]);
  });

  test("the API docs: Swagger UI on the stack's OpenAPI document authorizes with code + PKCE on the local hosted UI and calls a route", async () => {
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on("pageerror", (error) => failures.push(error.message));
    // GIVEN the docs page, listing the operations of the document
    await page.goto(`${web.url}/docs/`);
    await page.getByText("notesList", { exact: false }).first().waitFor();
    // WHEN the reader authorizes through the hosted UI (a popup, as Swagger UI opens it)
    await page.locator("button.authorize").first().click();
    const popupOpened = page.waitForEvent("popup");
    const codeFlow = page.locator(".auth-container").filter({ hasText: "authorizationCode" });
    await codeFlow.locator("button.authorize").click();
    const popup = await popupOpened;
    await popup.getByLabel("Username").fill("carol");
    await popup.getByLabel("Password").fill("correct horse battery");
    await popup.getByRole("button", { name: "Sign in" }).click();
    await codeFlow.locator("button", { hasText: "Logout" }).waitFor();
    await page.locator(".dialog-ux .close-modal").click();
    // AND tries GET /notes
    // (Swagger UI ids an operation by its first tag and operationId)
    const document = (await (await fetch(`${web.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>> };
    const listing = Object.values(document.paths).flatMap((item) => Object.values(item)).find((operation) => operation.operationId === "notesList")!;
    const operation = page.locator(`#operations-${listing.tags![0]}-notesList`);
    await operation.locator(".opblock-summary").click();
    await operation.getByRole("button", { name: "Try it out" }).click();
    await operation.getByRole("button", { name: "Execute" }).click();
    // THEN the API answers 200 to the access token Swagger UI got
    const status = operation.locator(".live-responses-table tbody .response-col_status").first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe("200");
    expect(failures).toEqual([]);
  });

  test("a second user does not see the first user's notes", async () => {
    const signInAs = async (username: string, password: string) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${web.url}/`);
      await page.getByTestId("sign-in").click();
      await page.getByLabel("Username").fill(username);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByTestId("signed-in").waitFor();
      return page;
    };
    const carol = await signInAs("carol", "correct horse battery");
    await carol.getByTestId("title").fill("Carol's secret");
    await carol.getByTestId("add").click();
    await carol.getByTestId("notes").getByText("Carol's secret").waitFor();
    // a demo user, with the password printed at the first start
    const bob = gateway.demoUsers.find((user) => user.username === "bob")!;
    const other = await signInAs(bob.username, bob.password);
    // The page lists the notes before it shows the signed-in line
    expect(await other.getByTestId("notes").locator("li").count()).toBe(0);
    expect(await other.getByTestId("notes").textContent()).not.toContain("Carol's secret");
  });
});

describe("npm run login -- --local, with the test as the browser", () => {
  const dataDir = path.join(LOCAL_DATA_DIR, `login-test-${process.pid}`);
  let gateway: LocalGateway;

  beforeAll(async () => {
    const { model, terraform } = synthesizeLocalStack("dev");
    gateway = new LocalGateway({ model, terraform, dataDir, port: 0, fresh: true, log: () => undefined });
    await gateway.start();
    LocalUsers.forStack(dataDir, "dev").add("dana", "another long password", { groups: ["readers"] });
  });

  afterAll(async () => {
    await gateway.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test("prints the authorize URL, takes the code on the callback URL and prints an access token the API accepts", async () => {
    // GIVEN npm run login against the local gateway
    const login = new RunningProcess(PROJECT_ROOT, "local/commands/login.ts", ["--local", "--port", new URL(gateway.url).port, "--no-open", "--scope", "notes.read"]);
    try {
      const [, authorize] = await login.waitFor(/open this URL and sign in[^\n]*\n(\S+)\n/);
      // WHEN the "browser" signs in on the page it names and follows the redirect back
      const params = new URL(authorize!).searchParams;
      expect(params.get("code_challenge_method")).toBe("S256");
      const { login: signedIn } = await submitSignIn(authorize!, "dana", "another long password");
      const callback = await fetch(signedIn.headers.get("location")!);
      expect(await callback.text()).toContain("Signed in");
      // THEN it prints an access token with the scope asked for, which the API takes
      const [token] = (await login.waitFor(/^(ey[\w-]+\.[\w-]+\.[\w-]+)$/m))!;
      const claims = JSON.parse(Buffer.from(token!.split(".")[1]!, "base64url").toString("utf8")) as { token_use: string; scope: string; username: string };
      expect(claims).toMatchObject({ token_use: "access", username: "dana", scope: "openid https://notes.example.com/notes.read" });
      expect((await fetch(`${gateway.apiUrl}/notes`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await login.stop();
    }
  });
});

describe("npm run login: the callback page", () => {
  test("shows what the hosted UI sent back as text, never as markup", async () => {
    // GIVEN npm run login waiting for its callback (no server needed for the page)
    const login = new RunningProcess(PROJECT_ROOT, "local/commands/login.ts", ["--local", "--port", "39999", "--no-open"]);
    try {
      const [, authorize] = await login.waitFor(/open this URL and sign in[^\n]*\n(\S+)\n/);
      const params = new URL(authorize!).searchParams;
      // WHEN the callback carries an error with markup in it
      const callback = new URL(params.get("redirect_uri")!);
      callback.searchParams.set("state", params.get("state")!);
      callback.searchParams.set("error", '<img src=x onerror="alert(1)">');
      const page = await (await fetch(callback)).text();
      // THEN the page shows it escaped
      expect(page).toContain("Sign-in failed: &#60;img src=x onerror=&#34;alert(1)&#34;&#62;");
      expect(page).not.toContain("<img");
    } finally {
      await login.stop();
    }
  });
});

describe("npm run web: the browser client against a deployed stack", () => {
  test("serves the client with the deployed issuer, web client, API and hosted-UI logout from the outputs file", async () => {
    // GIVEN the outputs a deploy writes
    const outputsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "web-outputs-")), "outputs.json");
    fs.writeFileSync(
      outputsFile,
      JSON.stringify({
        "dev-data": {
          issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
          web_client_id: "4example0web0client0id0abc",
          hosted_ui_domain: "notes-example-dev.auth.eu-west-1.amazoncognito.com",
          scopes: ["https://notes.example.com/notes.read", "https://notes.example.com/notes.write"],
        },
        dev: { api_url: "https://abc123.execute-api.eu-west-1.amazonaws.com/dev" },
      }),
    );
    // WHEN npm run web serves it
    const web = new RunningProcess(PROJECT_ROOT, "local/commands/web.ts", ["--stack", "dev", "--outputs", outputsFile]);
    try {
      const [, url] = await web.waitFor(/browser client for the deployed stack 'dev': (\S+) /);
      // THEN the page and its settings come from the outputs
      expect((await fetch(`${url}/`)).headers.get("content-type")).toContain("text/html");
      expect(await (await fetch(`${url}/config.json`)).json()).toEqual({
        issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
        clientId: "4example0web0client0id0abc",
        apiUrl: "https://abc123.execute-api.eu-west-1.amazonaws.com/dev",
        scopes: ["openid", "email", "https://notes.example.com/notes.read", "https://notes.example.com/notes.write"],
        logoutEndpoint: "https://notes-example-dev.auth.eu-west-1.amazoncognito.com/logout",
      });
      // AND the API docs' document points at the deployed API and hosted UI
      const document = (await (await fetch(`${url}/openapi.json`)).json()) as { servers: Array<{ url: string }>; components: { securitySchemes: { cognito: { flows: { authorizationCode: { authorizationUrl: string; tokenUrl: string } } } } } };
      expect(document.servers.map((server) => server.url)).toEqual(["https://abc123.execute-api.eu-west-1.amazonaws.com/dev"]);
      expect(document.components.securitySchemes.cognito.flows.authorizationCode).toMatchObject({
        authorizationUrl: "https://notes-example-dev.auth.eu-west-1.amazoncognito.com/oauth2/authorize",
        tokenUrl: "https://notes-example-dev.auth.eu-west-1.amazoncognito.com/oauth2/token",
      });
      expect((await fetch(`${url}/docs/`)).status).toBe(200);
    } finally {
      await web.stop();
    }
  });
});

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { environments } from "../../environments";
import { SYNTH_ARGS } from "../../local/stack/synth-cache";
import { copyProject, listFiles, removeFolder, REPOSITORY_EXTRAS } from "../../scripts/project-copy";
import { PROJECT_ROOT } from "../../stacks/paths";
import { commandEntries } from "../helpers/commands";
import { runCommand, runTs } from "../helpers/processes";

const STACK_TRACE = /^\s+at |Node\.js v\d|node:internal/m;

describe("npm run synth: failures are the findings only", () => {
  const copy = copyProject("notes-cli-");
  afterAll(() => removeFolder(copy));

  test("a callback URL typo prints the guard's finding, exits 1 and writes nothing", async () => {
    // GIVEN environments.ts with a typo in a dev callback URL
    const file = path.join(copy, "environments.ts");
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, original.replace('"https://dev.notes.example.com/callback"', '"htps://dev.notes.example.com/callback"'));
    try {
      // WHEN it synthesizes
      const result = await runTs(copy, "main.ts", [], { CDKTF_OUTDIR: path.join(copy, "out-bad") });
      // THEN two lines: the count and the finding naming stack, client, field and value
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        "auth guard: 1 misconfiguration, nothing was synthesized\n" +
          `  - [dev] client 'web': callbackUrls = "htps://dev.notes.example.com/callback": must be https (plain http only for localhost and 127.0.0.1)\n`,
      );
      expect(result.stdout).toBe("");
      // cdktf's App makes the empty output folder; no stack, zip or matrix is in it
      expect(fs.existsSync(path.join(copy, "out-bad")) ? listFiles(path.join(copy, "out-bad")) : []).toEqual([]);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  test("a good synth ends with a summary of what it wrote, suppressions as a count", async () => {
    const outdir = path.join(copy, "out-good");
    const result = await runTs(copy, "main.ts", [], { CDKTF_OUTDIR: outdir });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
    const stacks = fs.readdirSync(path.join(outdir, "stacks")).sort();
    expect(result.stdout).toMatch(new RegExp(`^wrote ${stacks.length} stacks to out-good/stacks in \\d+\\.\\d s:$`, "m"));
    for (const stack of stacks) {
      const terraform = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as { resource: Record<string, object> };
      const resources = Object.values(terraform.resource).reduce((sum, entries) => sum + Object.keys(entries).length, 0);
      expect(result.stdout).toMatch(new RegExp(`^  ${stack} +${resources} resources`, "m"));
    }
    expect(result.stdout).toMatch(/^policy: \d+ suppressed findings, each with its reason \(--verbose lists them\)$/m);
    expect(result.stdout).not.toMatch(/^policy suppressed /m);
    expect(result.stdout).toMatch(/^policy warning COG2 at dev-data\/auth\/user-pool/m);
  });

  test("a second synth with nothing changed keeps the output, byte for byte, and says so", async () => {
    const outdir = path.join(copy, "out-again");
    expect((await runTs(copy, "main.ts", [], { CDKTF_OUTDIR: outdir })).status).toBe(0);
    const written = new Map(listFiles(outdir).map((file) => [file, fs.readFileSync(path.join(outdir, file))]));
    // WHEN it runs again
    const again = await runTs(copy, "main.ts", [], { CDKTF_OUTDIR: outdir });
    // THEN it prints the same findings and summary, and every file is as it was
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^kept \d+ stacks in out-again\/stacks, nothing changed since the last synth/m);
    expect(again.stdout).toMatch(/^policy warning COG2 at dev-data\/auth\/user-pool/m);
    expect(listFiles(outdir)).toEqual([...written.keys()]);
    for (const [file, bytes] of written) expect(fs.readFileSync(path.join(outdir, file)).equals(bytes)).toBe(true);
    // WHEN an output file is damaged, or the state bucket changes THEN it synthesizes again
    fs.writeFileSync(path.join(outdir, "stacks", "dev", "cdk.tf.json"), "{}");
    const repaired = await runTs(copy, "main.ts", [], { CDKTF_OUTDIR: outdir });
    expect(repaired.stdout).toMatch(/^wrote /m);
    expect(fs.readFileSync(path.join(outdir, "stacks", "dev", "cdk.tf.json")).equals(written.get(path.join("stacks", "dev", "cdk.tf.json"))!)).toBe(true);
    expect((await runTs(copy, "main.ts", [], { CDKTF_OUTDIR: outdir, STATE_BUCKET: "example-state" })).stdout).toMatch(/^wrote /m);
  });

  test("--verbose lists each suppression with its reason", async () => {
    const result = await runTs(copy, "main.ts", ["--verbose"], { CDKTF_OUTDIR: path.join(copy, "out-verbose") });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^policy suppressed APIG4 at dev\/api\/method_GET_health: declared public: /m);
  });
});

describe("under the cdktf CLI", () => {
  const copy = copyProject("notes-cdktf-cli-");
  afterAll(() => removeFolder(copy));
  const cdktf = (args: string[]) =>
    spawnSync(process.execPath, [path.join(PROJECT_ROOT, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf"), ...args], {
      cwd: copy,
      encoding: "utf8",
      timeout: 120_000,
      env: withoutTerraformConfig({ ...process.env, CHECKPOINT_DISABLE: "1", STATE_BUCKET: "", CI: "1", FORCE_COLOR: "0" }),
    });
  // cdktf runs `terraform version` and shows its stderr as [ERROR]: a CLI config file that this machine names but lacks would be one.
  function withoutTerraformConfig(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    if (env.TF_CLI_CONFIG_FILE && !fs.existsSync(env.TF_CLI_CONFIG_FILE)) delete env.TF_CLI_CONFIG_FILE;
    return env;
  }

  test("warnings and the summary are plain output, not [ERROR] lines", () => {
    const result = cdktf(["synth"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("policy warning COG2 at dev-data/auth/user-pool");
    expect(result.stdout).toMatch(new RegExp(`wrote ${Object.keys(environments).length * 2 + 1} stacks to .*stacks in`));
    expect(result.stdout + result.stderr).not.toContain("[ERROR]");
  });

  test("a guard error shows the findings without a stack trace", () => {
    const file = path.join(copy, "environments.ts");
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, original.replace('domainPrefix: "notes-example-dev"', 'domainPrefix: "Notes_Dev"'));
    try {
      const result = cdktf(["synth"]);
      const output = result.stdout + result.stderr;
      expect(result.status).toBe(1);
      expect(output).toContain(`[dev] config.auth: domainPrefix = "Notes_Dev": 1-63 characters of [a-z0-9-], not starting or ending with '-'`);
      expect(output).not.toMatch(STACK_TRACE);
    } finally {
      fs.writeFileSync(file, original);
    }
  });
});

describe("local commands: a bad command line is one line naming the flag", () => {
  const cases: Array<[string, string, string[], string]> = [
    ["dev", "local/commands/dev.ts", ["--port", "abc"], "--port must be a whole number from 0 to 65535, got 'abc'"],
    ["dev", "local/commands/dev.ts", ["--port", "70000"], "--port must be a whole number from 0 to 65535, got '70000'"],
    ["dev", "local/commands/dev.ts", ["--bogus"], "unknown option '--bogus': npm run dev -- --help lists them"],
    ["dev", "local/commands/dev.ts", ["extra"], "unexpected argument 'extra': npm run dev -- takes options only (npm run dev -- --help lists them)"],
    ["dev", "local/commands/dev.ts", ["--stack", "qa"], `--stack must name an environment (${Object.keys(environments).join(", ")}), got 'qa'`],
    ["token", "local/commands/token.ts", ["--expires-in", "-60"], "--expires-in must be a whole number from 1 to 86400, got '-60'"],
    ["token", "local/commands/token.ts", ["--user"], "--user needs a value: npm run -s token -- --help lists them"],
    ["token", "local/commands/token.ts", ["--user", "bob", "--group", "admins"], "--group must name a group of stack 'dev' (editors, readers), got 'admins'"],
    ["token", "local/commands/token.ts", ["--user", "bob", "--sdk", "--scope", "notes.read"], "--sdk mints what an SDK sign-in gets: it needs a user client and takes no --scope"],
    ["token", "local/commands/token.ts", ["--user", "bob", "--sdk"], "client 'web' offers no SDK sign-in (Cognito would refuse InitiateAuth): give its definition sdkSignIn, with the reason, in stacks/auth/clients.ts"],
    ["user", "local/commands/user.ts", ["add", "carol", "--password", "a long password", "--group", "admins"], "--group must name a group of stack 'dev' (editors, readers), got 'admins'"],
    ["smoke", "scripts/smoke.ts", ["--fresh"], "unknown option '--fresh': npm run smoke -- --help lists them"],
    ["smoke", "scripts/smoke.ts", ["--local=1"], "--local is a switch and takes no value: npm run smoke -- --help lists them"],
    ["user", "local/commands/user.ts", ["frob"], "name what to do: add <username> | list | groups <username> | remove <username> (npm run user -- --help)"],
    ["user", "local/commands/user.ts", ["groups", "carol", "--group", "admins"], "--group must name a group of stack 'dev' (editors, readers), got 'admins'"],
    ["user", "local/commands/user.ts", ["add", "carol"], "add needs --password (at least 8 characters)"],
    ["login", "local/commands/login.ts", ["--local", "--port", "abc"], "--port must be a whole number from 1 to 65535, got 'abc'"],
    ["web", "local/commands/web.ts", ["--port", "70000", "--outputs", "package.json"], "--port must be a whole number from 1 to 65535, got '70000'"],
  ];

  test.each(cases)("%s %s %j", async (_, file, args, message) => {
    const result = await runTs(PROJECT_ROOT, file, args);
    expect(result.stderr).toBe(`${message}\n`);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.status).toBe(2);
  });

  test.each([
    ["local/commands/dev.ts", ["--stack", "--port", "--fresh", "--no-watch", "--web-port"], "npm run dev -- --stack prod --port 3001 --fresh"],
    ["local/commands/token.ts", ["--stack", "--port", "--client", "--user", "--scope", "--group", "--sdk", "--no-trigger", "--id", "--expires-in"], "npm run -s token -- --user alice --scope notes.read"],
    ["scripts/smoke.ts", ["--stack", "--local", "--outputs", "--origin"], "npm run smoke -- --local"],
    ["main.ts", ["--verbose"], "npm run synth -- --verbose"],
    ["local/commands/user.ts", ["--stack", "--password", "--email", "--group"], "npm run user -- list"],
    ["local/commands/login.ts", ["--stack", "--local", "--port", "--outputs", "--scope", "--tokens-file", "--no-open"], "TOKEN=$(npm run -s login -- --local)"],
    ["local/commands/web.ts", ["--stack", "--outputs", "--port"], "npm run web -- --stack dev"],
  ])("%s --help lists every flag and an example", async (file, flags, example) => {
    const result = await runTs(PROJECT_ROOT, file, ["--help"]);
    expect(result.status).toBe(0);
    for (const flag of flags) expect(result.stdout).toMatch(new RegExp(`^\\s+(-\\w, )?${flag}\\b`, "m"));
    expect(result.stdout).toContain(example);
    expect(result.stdout).toMatch(/^usage: /);
  });
});

describe("every command behaves the same", () => {
  const commands = commandEntries();

  test.each(commands.map(({ script, file }) => [script, file]))("npm run %s -- --help prints its usage and exits 0, running nothing", async (script, file) => {
    const result = await runTs(PROJECT_ROOT, file, ["--help"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(new RegExp(`^usage: npm run (-s )?${script.replace(":", "\\:")} --`));
    expect(result.stdout).toMatch(/^examples:$/m);
    expect(result.status).toBe(0);
  });

  describe("a syntax error is one line naming file:line:col, from every command that compiles the file", () => {
    const copy = copyProject("notes-syntax-", REPOSITORY_EXTRAS);
    afterAll(() => removeFolder(copy));
    const breakFile = (file: string) => {
      const text = fs.readFileSync(path.join(copy, file), "utf8");
      fs.writeFileSync(path.join(copy, file), `${text}\nexport const broken = ;\n`);
      return { line: text.split("\n").length + 1, restore: () => fs.writeFileSync(path.join(copy, file), text) };
    };

    /** The npm script itself, as a user runs it: for synth that is the bundling launcher, not tsx. */
    const npmRun = (script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
      runCommand("npm", ["run", "-s", script, "--", ...args], { cwd: copy, env: { ...process.env, STATE_BUCKET: "", DEBUG: "", ...env } });

    test.each([
      ["synth", []],
      ["dev", ["--port", "0", "--web-port", "0", "--no-watch"]],
      ["token", ["--user", "bob"]],
      ["smoke", ["--local"]],
      ["verify", ["--local"]],
      ["deploy", ["dev"]],
      ["docs:update", []],
    ])("in the route table: npm run %s", async (script, args) => {
      const broken = breakFile("stacks/api/routes.ts");
      try {
        const result = await npmRun(script, args, { HOME: copy });
        expect(result.stderr).toMatch(new RegExp(`^stacks/api/routes\\.ts:${broken.line}:\\d+: [^\\n]+\\n$`));
        expect(result.status).toBe(1);
      } finally {
        broken.restore();
      }
    });

    test.each([
      ["synth", []],
      ["dev", ["--port", "0", "--web-port", "0", "--no-watch"]],
    ])("in a handler: npm run %s", async (script, args) => {
      const broken = breakFile("functions/notes/create.ts");
      try {
        const result = await npmRun(script, args, { CDKTF_OUTDIR: path.join(copy, "out-handler") });
        expect(result.stderr).toMatch(new RegExp(`^functions/notes/create\\.ts:${broken.line}:\\d+: [^\\n]+\\n$`));
        expect(result.status).toBe(1);
      } finally {
        broken.restore();
      }
    });
  });

  test("npm run deploy without AWS credentials stops before terraform, in one line naming what to set and the account", async () => {
    const noCredentials = { HOME: fs.mkdtempSync(path.join(os.tmpdir(), "no-aws-")), AWS_PROFILE: "", AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_SESSION_TOKEN: "", AWS_WEB_IDENTITY_TOKEN_FILE: "", AWS_CONTAINER_CREDENTIALS_FULL_URI: "", AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "", AWS_EC2_METADATA_DISABLED: "true" };
    const result = await runTs(PROJECT_ROOT, "scripts/deploy.ts", ["dev"], noCredentials);
    expect(result.stderr).toMatch(new RegExp(`^no AWS credentials for dev \\(account ${environments.dev.accountId}, ${environments.dev.region}\\): set AWS_PROFILE .*aws sso login.*AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY .*\\n$`));
    expect(result.stdout).toBe("");
    expect(result.status).toBe(1);
    // AND with a profile that does not exist, the message names it
    const named = await runTs(PROJECT_ROOT, "scripts/deploy.ts", ["--stack", "prod-data", "--plan-out", "never.tfplan"], { ...noCredentials, AWS_PROFILE: "notes-prod" });
    expect(named.stderr).toMatch(new RegExp(`^AWS_PROFILE=notes-prod gives no credentials for prod-data \\(account ${environments.prod.accountId}, ${environments.prod.region}\\): `));
    expect(named.status).toBe(1);
  });
});

describe("npm run synth: the app bundled, rebuilt when one of its inputs changes", () => {
  const copy = copyProject("notes-launcher-");
  afterAll(() => removeFolder(copy));
  const synth = (outdir: string, args: readonly string[] = []) =>
    runCommand(process.execPath, [...SYNTH_ARGS, ...args], { cwd: copy, env: { ...process.env, CHECKPOINT_DISABLE: "1", STATE_BUCKET: "", CDKTF_OUTDIR: path.join(copy, outdir) } });
  const bundle = path.join(copy, ".build", "app", "main.cjs");

  test("writes what main.ts under tsx writes, byte for byte", async () => {
    expect((await synth("out-launcher")).status).toBe(0);
    expect((await runTs(copy, "main.ts", [], { CDKTF_OUTDIR: path.join(copy, "out-tsx") })).status).toBe(0);
    const files = listFiles(path.join(copy, "out-tsx"));
    expect(files.length).toBeGreaterThan(20);
    expect(listFiles(path.join(copy, "out-launcher"))).toEqual(files);
    for (const file of files) expect([file, fs.readFileSync(path.join(copy, "out-launcher", file)).equals(fs.readFileSync(path.join(copy, "out-tsx", file)))]).toEqual([file, true]);
  });

  test("keeps the bundle while nothing changes, and rebuilds it for an edit, which the next synth shows", async () => {
    // GIVEN the bundle of the first synth
    expect((await synth("out-again", ["--force"])).status).toBe(0);
    const built = fs.statSync(bundle).mtimeMs;
    expect((await synth("out-again", ["--force"])).status).toBe(0);
    expect(fs.statSync(bundle).mtimeMs).toBe(built);
    // WHEN a route's scopes change
    const routes = path.join(copy, "stacks", "api", "routes.ts");
    const original = fs.readFileSync(routes, "utf8");
    fs.writeFileSync(routes, original.replace('path: "/me", handler: "me", scopes: ["notes.read"]', 'path: "/me", handler: "me", scopes: ["notes.write"]'));
    try {
      const result = await synth("out-edited");
      // THEN the bundle is rebuilt and the method requires the new scope
      expect(result.status).toBe(0);
      expect(fs.statSync(bundle).mtimeMs).not.toBe(built);
      const matrix = fs.readFileSync(path.join(copy, "out-edited", "stacks", "dev", "auth-matrix.md"), "utf8");
      expect(matrix).toMatch(/\| GET \| `\/me` \| `https:\/\/notes\.example\.com\/notes\.write` \|/);
    } finally {
      fs.writeFileSync(routes, original);
    }
  });
});

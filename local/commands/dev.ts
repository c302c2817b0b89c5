import "../cli/report-load-errors";
import * as fs from "node:fs";
import { watch } from "chokidar";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/paths";
import { integerOption, parseCommandLine, runCli } from "../cli/command-line";
import { DEFAULT_RUNNER_LIMITS } from "../runtime/function-runner";
import { LocalGateway } from "../gateway/local-gateway";
import { LocalWebClient, localWebConfig } from "../web/web-client";
import { checkStackName, DEFAULT_OUTDIR, LOCAL_DATA_DIR, readLocalStack, synthesizeInChild, synthesizeLocalStack, type LocalStack } from "../stack/local-stack";
import { SYNTH_INPUTS } from "../stack/synth-cache";
import { defaultWebPort, loopbackWebOrigin, withLoopbackOrigin, type StackModel } from "../stack/stack-model";

const spec = {
  command: "npm run dev --",
  summary:
    "Serves one synthesized stack on 127.0.0.1 as API Gateway would: its authorizer's rules (a REST API's Cognito authorizer, or an HTTP API's JWT authorizer), the deployable zips in Lambda-like processes, DynamoDB (dynalite) with data kept in .local/, a token endpoint and the issuer's JWKS. Watches the sources and reloads.",
  options: {
    stack: { type: "string", value: "environment", description: "the environment to serve", default: "dev" },
    port: { type: "string", value: "number", description: "port on 127.0.0.1; 0 picks a free one", default: "3000" },
    fresh: { type: "boolean", description: "start with an empty database (never touches data another instance holds)", default: false },
    "no-watch": { type: "boolean", description: "do not re-synthesize when stacks/, functions/ or environments.ts change", default: false },
    "web-port": { type: "string", value: "number", description: "port of the browser client (default: the environment's loopback callback's, 5173 in dev); the web client's loopback callback and sign-out URLs and the CORS origins follow it; 0 turns it off" },
    concurrency: { type: "string", value: "number", description: "processes per function at most; further calls wait for a free one", default: String(DEFAULT_RUNNER_LIMITS.maxProcesses) },
    "idle-seconds": { type: "string", value: "number", description: "an idle function process ends after this long, as Lambda reclaims an idle environment", default: String(DEFAULT_RUNNER_LIMITS.idleSeconds) },
  },
  examples: ["npm run dev", "npm run dev -- --stack prod --port 3001 --fresh", "npm run dev -- --no-watch --web-port 0"],
} as const;

/** One line per route: what a caller needs to get through. */
export function routeTable(model: StackModel): string[] {
  const methods = model.methods.filter((method) => method.httpMethod !== "OPTIONS");
  const width = Math.max(...methods.map((method) => `${method.httpMethod} ${method.resourcePath}`.length));
  const short = (scope: string) => scope.slice(model.resourceServerIdentifier.length + 1);
  return methods.map((method) => {
    const route = `${method.httpMethod} ${method.resourcePath}`.padEnd(width);
    const needs =
      method.authorization === "NONE"
        ? "public: no token"
        : method.scopes.length
          ? `access token with ${method.scopes.map(short).join(" or ")}`
          : "ID token (no scopes: API Gateway refuses access tokens)";
    return `  ${route}  ${needs}`;
  });
}

/**
 * Calls `onChange` with the project-relative path of every source that changes. chokidar, not
 * fs.watch: Node 20's recursive fs.watch loses a file once a save replaces it by rename (editors'
 * atomic saves, sed -i), and chokidar reports such a save as a change of the file itself.
 */
async function watchSources(onChange: (file: string) => void): Promise<() => void> {
  // The lock file changes with npm install, which needs a restart anyway.
  const sources = SYNTH_INPUTS.filter((source) => source !== "package-lock.json" && fs.existsSync(path.join(PROJECT_ROOT, source))).map((source) => path.join(PROJECT_ROOT, source));
  const watcher = watch(sources, { ignoreInitial: true, atomic: true, ignored: (file) => path.basename(file).startsWith(".") || file.includes(`${path.sep}node_modules${path.sep}`) });
  for (const event of ["add", "change", "unlink"] as const) watcher.on(event, (file: string) => onChange(path.relative(PROJECT_ROOT, file)));
  await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
  return () => void watcher.close();
}

runCli(async () => {
  const { values } = parseCommandLine(spec);
  const stack = checkStackName(values.stack);
  const port = integerOption("port", values.port, 0, 65_535);
  const chosenWebPort = values["web-port"] === undefined ? undefined : integerOption("web-port", values["web-port"], 0, 65_535);
  const synthesized = synthesizeLocalStack(stack);
  // The browser client on another port than the environment's loopback callback: the environment follows it.
  const webOrigin = loopbackWebOrigin(synthesized.model);
  const webPort = chosenWebPort ?? defaultWebPort(webOrigin);
  const served = (loaded: LocalStack): LocalStack =>
    webPort && webOrigin && String(webPort) !== webOrigin.port ? { ...loaded, model: withLoopbackOrigin(loaded.model, webOrigin.origin, `${webOrigin.protocol}//${webOrigin.hostname}:${webPort}`) } : loaded;
  const { model, terraform } = served(synthesized);
  const functionLimits = { maxProcesses: integerOption("concurrency", values.concurrency, 1, 64), idleSeconds: integerOption("idle-seconds", values["idle-seconds"], 1, 86_400) };
  const gateway = new LocalGateway({ model, terraform, dataDir: LOCAL_DATA_DIR, port, fresh: values.fresh, functionLimits });
  await gateway.start();
  const web = webPort ? new LocalWebClient(() => localWebConfig(gateway), () => gateway.openApiDocument()) : undefined;
  await web?.start(webPort);
  if (web) gateway.homeUrl = web.url;
  // Every server is up: only now are demo users made, so their passwords are always printed.
  gateway.createDemoUsers();
  const boundPort = new URL(gateway.url).port;

  let stopWatching = () => undefined as void;
  if (!values["no-watch"]) {
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;
    let again = false;
    const changed = new Set<string>();
    const resynthesize = async () => {
      const files = [...changed].sort();
      changed.clear();
      const outcome = await synthesizeInChild(DEFAULT_OUTDIR);
      if (!outcome.ok) {
        console.log(`change in ${files.join(", ")}: synth failed, still serving the last good build\n${outcome.message}`);
        return;
      }
      try {
        const restarted = await gateway.reload(served(readLocalStack(stack, DEFAULT_OUTDIR)));
        const summary = `change in ${files.join(", ")}: reloaded; ${restarted.length ? `restarted ${restarted.join(", ")} (new code or settings)` : "no function changed"}`;
        // One write: a reader of the output never sees the reload without the routes it serves.
        console.log([summary, ...(files.some((file) => !file.startsWith("functions")) ? routeTable(gateway.stackModel) : [])].join("\n"));
      } catch (error) {
        console.log(`change in ${files.join(", ")}: could not reload (${(error as Error).message}), still serving the last good build`);
      }
    };
    const schedule = () => {
      if (running) return void (again = true);
      running = resynthesize().finally(() => {
        running = undefined;
        if (again) {
          again = false;
          schedule();
        }
      });
    };
    stopWatching = await watchSources((file) => {
      changed.add(file);
      clearTimeout(timer);
      timer = setTimeout(schedule, 150);
    });
  }
  // Printed once the watcher is ready: an edit from now on is seen.
  console.log(
    [
      `local API for stack '${model.stack}': ${gateway.apiUrl}`,
      ...routeTable(model),
      `issuer ${gateway.issuer.issuer} (JWKS at ${gateway.url}${gateway.issuer.jwksPath})`,
      `token endpoint ${gateway.url}/oauth2/token; hosted UI (code + PKCE) at ${gateway.url}/oauth2/authorize, OIDC discovery at ${gateway.issuer.issuer}/.well-known/openid-configuration`,
      ...(web ? [`browser client ${web.url} (or ${gateway.url}/): sign in, see the tokens, call the API with the access token (and the ID token, refused)`] : []),
      `OpenAPI document ${gateway.url}/openapi.json${web ? `; API docs with "Authorize" (code + PKCE) ${web.url}/docs/` : ""}`,
      ...gateway.demoUsers.map((user) => `demo user ${user.username}${user.groups.length ? ` (${user.groups.join(", ")})` : ""}, password ${user.password} (shown once; npm run user -- add|list|remove)`),
      ...(gateway.usersWithoutGroup.length
        ? [`note: ${gateway.usersWithoutGroup.join(", ")} ${gateway.usersWithoutGroup.length === 1 ? "is" : "are"} in no group, so their sign-ins get no custom scope: npm run user -- groups <username> --group ${gateway.stackModel.groups.map((group) => group.name).join("|")}`]
        : []),
      ...gateway.clients.map((client) => `client ${client.name}: id ${client.clientId}${client.clientSecret ? `, development secret ${client.clientSecret}` : ""} (${client.flows.join(", ")})`),
      `a token: npm run -s token -- --stack ${model.stack} --port ${boundPort} --client web --user alice --scope notes.read`,
      `data in ${path.relative(process.cwd(), LOCAL_DATA_DIR) || "."} (--fresh starts empty); ${values["no-watch"] ? "" : "watching stacks/, functions/, local/, environments.ts; "}Ctrl-C stops`,
    ].join("\n"),
  );

  const stop = () => {
    stopWatching();
    void Promise.all([gateway.stop(), web?.stop()]).then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
});

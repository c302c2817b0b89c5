import "../cli/report-load-errors";
import * as path from "node:path";
import { expectedError, integerOption, parseCommandLine, runCli, UsageError } from "../cli/command-line";
import { localClientId, localIssuerUrl, LocalIssuer } from "../cognito/local-issuer";
import { runningServerUrl } from "../stack/instance-lock";
import { DEFAULT_PORT, LOCAL_DATA_DIR, loadLocalStack } from "../stack/local-stack";
import { LocalUsers } from "../cognito/local-users";
import { runPreTokenTriggerOnce, SDK_SIGN_IN_SCOPES } from "../cognito/pre-token-trigger";
import { checkGroupOption, fullScope } from "../stack/stack-model";

const spec = {
  command: "npm run -s token --",
  summary:
    "Prints a token shaped like Cognito's, signed by the key of `npm run dev` on the same port. Reads the synthesized stack (synthesizes only when sources changed).",
  options: {
    stack: { type: "string", value: "environment", description: "the environment `npm run dev` serves", default: "dev" },
    port: { type: "string", value: "number", description: "the port of the `npm run dev` whose issuer signs the token; default: the running npm run dev of the stack, else 3000" },
    client: { type: "string", value: "name", description: "app client: web, reporting, ... (with or without the <prefix>-<env>- part)", default: "web" },
    user: { type: "string", value: "username", description: "the signed-in user; required for a client that signs users in" },
    scope: { type: "string", value: "scope", description: "a scope to grant, short (notes.read) or full; default: all the client may have", multiple: true },
    group: { type: "string", value: "group", description: "the user's group (default: the groups `npm run user` gave the user); the pre-token trigger grants scopes by group", multiple: true },
    sdk: { type: "boolean", description: "the token an SDK sign-in (SRP, InitiateAuth) gets: no requested scope, only what the trigger adds", default: false },
    "no-trigger": { type: "boolean", description: "skip the pool's pre-token-generation trigger: the token holds exactly --scope", default: false },
    id: { type: "boolean", description: "an ID token instead of an access token (API Gateway refuses it on scoped routes)", default: false },
    "expires-in": { type: "string", value: "seconds", description: "lifetime; Cognito allows 300 to 86400", default: "3600" },
  },
  examples: [
    "npm run -s token -- --user alice --scope notes.read",
    "npm run -s token -- --user carol --group editors --scope notes.write",
    "npm run -s token -- --user bob --group readers --sdk",
    "TOKEN=$(npm run -s token -- --user alice --scope notes.read --scope notes.write)",
    "npm run -s token -- --client reporting",
    "npm run -s token -- --user alice --id",
  ],
} as const;

runCli(async () => {
  const { values } = parseCommandLine(spec);
  const running = runningServerUrl(path.join(LOCAL_DATA_DIR, `${values.stack}.lock`));
  const port = integerOption("port", values.port ?? (running ? new URL(running).port : String(DEFAULT_PORT)), 1, 65_535);
  const expiresIn = integerOption("expires-in", values["expires-in"], 1, 86_400);
  const { model } = loadLocalStack(values.stack);
  const client = model.clients.find((candidate) => candidate.name === values.client || candidate.name.endsWith(`-${values.client}`));
  if (!client) throw new UsageError(`--client must name one of ${model.clients.map((candidate) => candidate.name).join(", ")}, got '${values.client}'`);
  const machine = client.flows.includes("client_credentials");
  if (machine && (values.user || values.id)) throw new UsageError(`client '${values.client}' uses client_credentials: its tokens have no user and there is no ID token; drop --user and --id`);
  if (!machine && !values.user) throw new UsageError(`client '${values.client}' signs users in: name one with --user`);
  if (values.sdk && (machine || values.scope?.length)) throw new UsageError("--sdk mints what an SDK sign-in gets: it needs a user client and takes no --scope");
  if (values.sdk && !client.sdkSignIn) {
    throw new UsageError(`client '${values.client}' offers no SDK sign-in (Cognito would refuse InitiateAuth): give its definition sdkSignIn, with the reason, in stacks/auth/clients.ts`);
  }
  // Without groups in the stack a --group is only a cognito:groups claim.
  const knownGroups = model.groups.length ? checkGroupOption(model, values.group) : [];
  const requested = values.sdk
    ? [...SDK_SIGN_IN_SCOPES]
    : values.scope?.length
      ? values.scope.map((scope) => fullScope(model.resourceServerIdentifier, scope))
      : client.scopes.filter((scope) => (machine ? scope.includes("/") : true));
  const refused = values.sdk ? [] : requested.filter((scope) => !client.scopes.includes(scope));
  if (refused.length) throw expectedError(`invalid_scope: client '${values.client}' may not obtain ${refused.join(", ")} (allowed: ${client.scopes.join(", ")})`);
  const clientId = localClientId(model.stack, client.name);

  let scopes = requested;
  let groups = values.group ?? (values.user ? LocalUsers.forStack(LOCAL_DATA_DIR, model.stack).get(values.user)?.groups : undefined) ?? [];
  // The V2_0 trigger runs for user sign-ins only, as in Cognito; machine tokens keep their client's scopes.
  if (!machine && !values["no-trigger"]) {
    const user = { username: values.user!, email: `${values.user}@example.com`, groups };
    const triggerSource = values.sdk ? "TokenGeneration_Authentication" : "TokenGeneration_HostedAuth";
    const outcome = await runPreTokenTriggerOnce(model, path.join(LOCAL_DATA_DIR, "functions", model.stack), { triggerSource, clientId, user, scopes: requested });
    if (outcome && !outcome.ok) throw expectedError(outcome.message);
    if (outcome) {
      const withheld = requested.filter((scope) => !outcome.scopes.includes(scope));
      const whose = `${values.user}'s groups (${groups.join(", ") || "none"})`;
      if (values.scope?.length && withheld.length) {
        throw expectedError(`invalid_scope: ${whose} do not grant ${withheld.join(", ")}; the pre-token-generation trigger removes it, as Cognito would. Name a group that grants it (--group), or pass --no-trigger to mint the token anyway`);
      }
      scopes = outcome.scopes;
      groups = outcome.groups;
      if (!values.id && !scopes.some((scope) => scope.startsWith(`${model.resourceServerIdentifier}/`))) {
        process.stderr.write(`note: ${whose} grant no scope of ${model.resourceServerIdentifier}: the token reaches no scoped route (--group ${knownGroups.join("|")})\n`);
      }
    }
  }
  const issuer = new LocalIssuer(localIssuerUrl(model, port), path.join(LOCAL_DATA_DIR, "keys"));
  const token = await issuer.sign({
    clientId,
    username: values.user,
    scopes,
    groups,
    tokenUse: values.id ? "id" : "access",
    expiresInSeconds: expiresIn,
  });
  process.stdout.write(token + "\n");
});

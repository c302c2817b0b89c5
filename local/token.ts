import * as path from "node:path";
import { expectedError, integerOption, parseCommandLine, runCli, UsageError } from "./cli";
import { localClientId, localIssuerUrl, LocalIssuer } from "./local-issuer";
import { LOCAL_DATA_DIR, loadLocalStack } from "./local-stack";
import { fullScope } from "./stack-model";

const spec = {
  command: "npm run -s token --",
  summary:
    "Prints a token shaped like Cognito's, signed by the key of `npm run dev` on the same port. Reads the synthesized stack (synthesizes only when sources changed).",
  options: {
    stack: { type: "string", value: "environment", description: "the environment `npm run dev` serves", default: "dev" },
    port: { type: "string", value: "number", description: "the port `npm run dev` listens on (the token's issuer names it)", default: "3000" },
    client: { type: "string", value: "name", description: "app client: web, reporting, ... (with or without the <prefix>-<env>- part)", default: "web" },
    user: { type: "string", value: "username", description: "the signed-in user; required for a client that signs users in" },
    scope: { type: "string", value: "scope", description: "a scope to grant, short (notes.read) or full; default: all the client may have", multiple: true },
    group: { type: "string", value: "group", description: "a cognito:groups entry", multiple: true },
    id: { type: "boolean", description: "an ID token instead of an access token (API Gateway refuses it on scoped routes)", default: false },
    "expires-in": { type: "string", value: "seconds", description: "lifetime; Cognito allows 300 to 86400", default: "3600" },
  },
  examples: [
    "npm run -s token -- --user alice --scope notes.read",
    "TOKEN=$(npm run -s token -- --user alice --scope notes.read --scope notes.write)",
    "npm run -s token -- --client reporting",
    "npm run -s token -- --user alice --id",
  ],
} as const;

runCli(async () => {
  const { values } = parseCommandLine(spec);
  const port = integerOption("port", values.port, 1, 65_535);
  const expiresIn = integerOption("expires-in", values["expires-in"], 1, 86_400);
  const { model } = loadLocalStack(values.stack);
  const client = model.clients.find((candidate) => candidate.name === values.client || candidate.name.endsWith(`-${values.client}`));
  if (!client) throw new UsageError(`--client must name one of ${model.clients.map((candidate) => candidate.name).join(", ")}, got '${values.client}'`);
  const machine = client.flows.includes("client_credentials");
  if (machine && (values.user || values.id)) throw new UsageError(`client '${values.client}' uses client_credentials: its tokens have no user and there is no ID token; drop --user and --id`);
  if (!machine && !values.user) throw new UsageError(`client '${values.client}' signs users in: name one with --user`);
  const scopes = values.scope?.length ? values.scope.map((scope) => fullScope(model.resourceServerIdentifier, scope)) : client.scopes.filter((scope) => (machine ? scope.includes("/") : true));
  const refused = scopes.filter((scope) => !client.scopes.includes(scope));
  if (refused.length) throw expectedError(`invalid_scope: client '${values.client}' may not obtain ${refused.join(", ")} (allowed: ${client.scopes.join(", ")})`);
  const issuer = new LocalIssuer(localIssuerUrl(model, port), path.join(LOCAL_DATA_DIR, "keys"));
  const token = await issuer.sign({
    clientId: localClientId(model.stack, client.name),
    username: values.user,
    scopes,
    groups: values.group,
    tokenUse: values.id ? "id" : "access",
    expiresInSeconds: expiresIn,
  });
  process.stdout.write(token + "\n");
});

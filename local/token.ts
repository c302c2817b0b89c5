import * as path from "node:path";
import { parseArgs } from "node:util";
import { localClientId, localIssuerUrl } from "./local-gateway";
import { LocalIssuer } from "./local-issuer";
import { LOCAL_DATA_DIR, synthesizeLocalStack } from "./local-stack";

const { values } = parseArgs({
  options: {
    stack: { type: "string", default: "dev" },
    port: { type: "string", default: "3000" },
    client: { type: "string", default: "web" },
    user: { type: "string" },
    scope: { type: "string", multiple: true },
    group: { type: "string", multiple: true },
    id: { type: "boolean", default: false },
    "expires-in": { type: "string", default: "3600" },
  },
});

/** Prints a token shaped like Cognito's, signed by the local issuer of `npm run dev` on the same port. */
async function main(): Promise<void> {
  const { model } = synthesizeLocalStack(values.stack!);
  const client = model.clients.find((candidate) => candidate.name === values.client || candidate.name.endsWith(`-${values.client}`));
  if (!client) throw new Error(`unknown client '${values.client}': ${model.clients.map((candidate) => candidate.name).join(", ")}`);
  const machine = client.flows.includes("client_credentials");
  if (machine && (values.user || values.id)) throw new Error(`client '${values.client}' uses client_credentials: its tokens have no user and there is no ID token`);
  if (!machine && !values.user) throw new Error(`client '${values.client}' signs users in: name one with --user`);
  const full = (scope: string) => (scope.includes("/") || !scope.includes(".") ? scope : `${model.resourceServerIdentifier}/${scope}`);
  const scopes = values.scope?.length ? values.scope.map(full) : client.scopes.filter((scope) => machine ? scope.includes("/") : true);
  const refused = scopes.filter((scope) => !client.scopes.includes(scope));
  if (refused.length) throw new Error(`invalid_scope: client '${values.client}' may not obtain ${refused.join(", ")} (allowed: ${client.scopes.join(", ")})`);
  const expiresIn = Number(values["expires-in"]);
  if (!Number.isInteger(expiresIn)) throw new Error(`--expires-in must be whole seconds, got '${values["expires-in"]}'`);
  const issuer = new LocalIssuer(localIssuerUrl(model, Number(values.port)), path.join(LOCAL_DATA_DIR, "keys"));
  const token = await issuer.sign({
    clientId: localClientId(model.stack, client.name),
    username: values.user,
    scopes,
    groups: values.group,
    tokenUse: values.id ? "id" : "access",
    expiresInSeconds: expiresIn,
  });
  process.stdout.write(token + "\n");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

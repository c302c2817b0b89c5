import { parseArgs } from "node:util";
import { LocalGateway } from "./local-gateway";
import { LOCAL_DATA_DIR, synthesizeLocalStack } from "./local-stack";

const { values } = parseArgs({
  options: {
    stack: { type: "string", default: "dev" },
    port: { type: "string", default: "3000" },
    fresh: { type: "boolean", default: false },
  },
});

async function main(): Promise<void> {
  const { model, terraform } = synthesizeLocalStack(values.stack!);
  const gateway = new LocalGateway({ model, terraform, dataDir: LOCAL_DATA_DIR, port: Number(values.port), fresh: values.fresh });
  await gateway.start();
  const lines = [
    `local API for stack '${model.stack}': ${gateway.apiUrl}`,
    `issuer ${gateway.issuer.issuer} (JWKS at ${gateway.url}${gateway.issuer.jwksPath})`,
    `token endpoint ${gateway.url}/oauth2/token`,
    ...gateway.clients.map((client) => `client ${client.name}: id ${client.clientId}${client.clientSecret ? `, development secret ${client.clientSecret}` : ""} (${client.flows.join(", ")})`),
    `a token: npm run token -- --stack ${model.stack} --port ${values.port} --client web --user alice --scope notes.read`,
    `data in ${LOCAL_DATA_DIR} (--fresh starts empty); Ctrl-C stops`,
  ];
  console.log(lines.join("\n"));
  const stop = () => {
    void gateway.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

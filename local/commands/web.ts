import "../cli/report-load-errors";
import * as path from "node:path";
import { integerOption, parseCommandLine, runCli } from "../cli/command-line";
import { checkStackName, DEFAULT_OUTDIR } from "../stack/local-stack";
import { openApiFor } from "../gateway/openapi";
import { OPENAPI_FILE } from "../../stacks/paths";
import { outputValue, readStackOutputs } from "../stack/stack-outputs";
import { LocalWebClient } from "../web/web-client";
import { environments } from "../../environments";
import { defaultWebPort, loopbackOrigin } from "../stack/stack-model";

const spec = {
  command: "npm run web --",
  summary:
    "Serves the browser client against a deployed stack: its hosted UI (code + PKCE), its issuer and its API, from the outputs file, on the port of the web client's loopback callback URL (http://localhost:5173/callback in dev), where Cognito sends the code.",
  options: {
    stack: { type: "string", value: "environment", description: "the deployed environment", default: "dev" },
    outputs: { type: "string", value: "file", description: "outputs of npm run deploy -- <env> --outputs-file", default: "outputs.json" },
    port: { type: "string", value: "number", description: "the port of the web client's loopback callback URL (default: the environment's, 5173 in dev)" },
  },
  examples: ["npm run deploy -- dev --outputs-file outputs.json && npm run web -- --stack dev"],
} as const;

runCli(async () => {
  const { values } = parseCommandLine(spec);
  const stack = checkStackName(values.stack);
  const port = values.port === undefined ? defaultWebPort(loopbackOrigin(environments[stack as keyof typeof environments].auth.callbackUrls)) : integerOption("port", values.port, 1, 65_535);
  const outputs = readStackOutputs(path.resolve(values.outputs), stack);
  const scopes = (outputs.scopes as string[] | undefined) ?? [];
  const hostedUi = `https://${outputValue(outputs, "hosted_ui_domain")}`;
  const config = {
    issuer: outputValue(outputs, "issuer"),
    clientId: outputValue(outputs, "web_client_id"),
    apiUrl: outputValue(outputs, "api_url").replace(/\/$/, ""),
    scopes: ["openid", "email", ...scopes],
    logoutEndpoint: `${hostedUi}/logout`,
  };
  const openApi = () => openApiFor(path.join(DEFAULT_OUTDIR, "stacks", values.stack, OPENAPI_FILE), { apiUrl: config.apiUrl, hostedUi, description: `deployed stack ${values.stack}` });
  const web = new LocalWebClient(() => config, openApi);
  await web.start(port);
  process.stdout.write(`browser client for the deployed stack '${values.stack}': ${web.url} (issuer ${config.issuer}); API docs ${web.url}/docs/; Ctrl-C stops\n`);
  const stop = () => void web.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
});

import "../local/cli/report-load-errors";
import * as fs from "node:fs";
import * as path from "node:path";
import { expectedError, parseCommandLine, runCli } from "../local/cli/command-line";
import type { LocalGateway } from "../local/gateway/local-gateway";
import { checkStackName, LOCAL_DATA_DIR, loadLocalStack, synthesizeLocalStack } from "../local/stack/local-stack";
import { outputValue, readStackOutputs } from "../local/stack/stack-outputs";
import type { AuthMatrix } from "../stacks/matrix/auth-matrix";
import { localTarget, readMatrix, report, secretVariable, shortClientName, userVariables, verifyMatrix, type VerifyTarget } from "./verify/verify-matrix";

const spec = {
  command: "npm run verify --",
  summary: `Asks a running API every cell of its auth matrix: each route with no token, an ID token, a machine
token per machine client, and a user's access token per group (signed in through the hosted UI),
and compares whether the gateway let the call reach the handler or answered 401. Prints the route ×
caller table; exits 1 on any difference, naming each. Requests change nothing: empty bodies, random ids.

Against a deployed stack it reads the outputs file; a machine client's secret comes from
<CLIENT>_CLIENT_SECRET (REPORTING_CLIENT_SECRET), a group's test user from
VERIFY_<GROUP>_USERNAME and VERIFY_<GROUP>_PASSWORD (VERIFY_NO_GROUP_... for a user in no group).
A cell without credentials is listed as not asked.`,
  options: {
    stack: { type: "string", value: "environment", description: "the environment to verify", default: "dev" },
    local: { type: "boolean", description: "start a local gateway on a free port, with test users of each group, and verify that", default: false },
    outputs: { type: "string", value: "file", description: "outputs of `npm run deploy -- <env> --outputs-file` (deployed stacks)", default: "outputs.json" },
  },
  examples: ["npm run verify -- --local", "REPORTING_CLIENT_SECRET=... VERIFY_READERS_USERNAME=... VERIFY_READERS_PASSWORD=... npm run verify -- --stack dev --outputs outputs.json"],
} as const;

async function main(): Promise<number> {
  const { values } = parseCommandLine(spec);
  const stack = checkStackName(values.stack);
  let gateway: LocalGateway | undefined;
  let target: VerifyTarget;
  let matrix: AuthMatrix;
  if (values.local) {
    const loaded = synthesizeLocalStack(stack);
    matrix = readMatrix(loaded.model);
    ({ gateway, target } = await localTarget(stack, path.join(LOCAL_DATA_DIR, `verify-${process.pid}`), matrix, loaded));
  } else {
    const { model } = loadLocalStack(stack);
    matrix = readMatrix(model);
    const outputs = readStackOutputs(path.resolve(values.outputs), stack);
    const clients = new Map(
      model.clients.map((client) => {
        const name = shortClientName(client.name, stack);
        return [name, { clientId: outputValue(outputs, `${name}_client_id`), redirectUri: client.callbackUrls[0] }] as const;
      }),
    );
    const secrets = new Map(matrix.clients.filter((client) => client.secret).flatMap((client) => (process.env[secretVariable(client.name)] ? [[client.name, process.env[secretVariable(client.name)]!] as const] : [])));
    const users = new Map(
      [...matrix.groups.map((group) => group.name), "(no group)"].flatMap((group) => {
        const [username, password] = userVariables(group).map((name) => process.env[name]);
        return username && password ? [[group, { username, password }] as const] : [];
      }),
    );
    target = { apiUrl: outputValue(outputs, "api_url"), authorizeEndpoint: outputValue(outputs, "authorize_endpoint"), tokenEndpoint: outputValue(outputs, "token_endpoint"), clients, secrets, users };
  }
  try {
    const results = await verifyMatrix(matrix, target);
    for (const line of report(results)) console.log(line);
    return results.some((result) => !result.ok) ? 1 : 0;
  } catch (error) {
    throw expectedError(`verify of ${stack}: ${(error as Error).message}`);
  } finally {
    await gateway?.stop();
    if (values.local) fs.rmSync(path.join(LOCAL_DATA_DIR, `verify-${process.pid}`), { recursive: true, force: true });
  }
}

runCli(main);

import "../local/cli/report-load-errors";
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { environments } from "../environments";
import { LocalGateway } from "../local/gateway/local-gateway";
import { expectedError, parseCommandLine, runCli } from "../local/cli/command-line";
import { outputValue, readStackOutputs } from "../local/stack/stack-outputs";
import { checkStackName, LOCAL_DATA_DIR, synthesizeLocalStack } from "../local/stack/local-stack";
import { observedDecision } from "../stacks/matrix/matrix-cells";

export interface SmokeTarget {
  /** Invoke URL with the stage, the stack's `api_url`. */
  readonly apiUrl: string;
  readonly tokenEndpoint: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** An origin the stack allows, for the CORS checks. */
  readonly origin: string;
}

export interface SmokeCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** The checks a deployed (or local) stack must pass; each one independent of the others' data. */
export async function runSmoke(target: SmokeTarget): Promise<SmokeCheck[]> {
  const checks: SmokeCheck[] = [];
  const check = async (name: string, run: () => Promise<{ ok: boolean; detail: string }>) => {
    try {
      checks.push({ name, ...(await run()) });
    } catch (error) {
      checks.push({ name, ok: false, detail: `failed: ${(error as Error).message}` });
    }
  };
  const api = target.apiUrl.replace(/\/$/, "");

  await check("OPTIONS /notes preflight without a token is 2xx with CORS", async () => {
    const response = await fetch(`${api}/notes`, { method: "OPTIONS", headers: { Origin: target.origin, "Access-Control-Request-Method": "POST" } });
    const allowOrigin = response.headers.get("access-control-allow-origin");
    return { ok: response.ok && (allowOrigin === target.origin || allowOrigin === "*"), detail: `${response.status}, allow-origin ${allowOrigin}` };
  });
  await check("GET /notes without a token is 401 with CORS headers", async () => {
    const response = await fetch(`${api}/notes`, { headers: { Origin: target.origin } });
    const allowOrigin = response.headers.get("access-control-allow-origin");
    return { ok: response.status === 401 && allowOrigin !== null, detail: `${response.status}, allow-origin ${allowOrigin}` };
  });
  let token: string | undefined;
  await check("the token endpoint grants the machine client a token", async () => {
    const response = await fetch(target.tokenEndpoint, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${encodeURIComponent(target.clientId)}:${encodeURIComponent(target.clientSecret)}`).toString("base64")}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ grant_type: "client_credentials" }),
    });
    const body = (await response.json()) as { access_token?: string; error?: string };
    token = body.access_token;
    return { ok: response.status === 200 && Boolean(token), detail: `${response.status}${body.error ? ` ${body.error}` : ""}` };
  });
  await check("GET /notes?owner=... with the machine token is 200", async () => {
    if (!token) return { ok: false, detail: "no token" };
    const response = await fetch(`${api}/notes?owner=${randomUUID()}`, { headers: { Authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { items?: unknown };
    return { ok: response.status === 200 && Array.isArray(body.items), detail: String(response.status) };
  });
  await check("POST /notes with the machine token is refused", async () => {
    if (!token) return { ok: false, detail: "no token" };
    const response = await fetch(`${api}/notes`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ title: "smoke" }),
    });
    // The gateway refuses a token without notes.write: 401 from a REST API's Cognito authorizer (docs/aws-facts.md §1),
    // 403 {"message":"Forbidden"} from an HTTP API's JWT authorizer (§11); another 403 is the handler refusing a machine writer.
    const gatewayForbidden = response.status === 403 && observedDecision(403, await response.text(), "http-jwt") === 403;
    const why = response.status === 401 || gatewayForbidden ? "the gateway: no notes.write scope" : response.status === 403 ? "the handler: machine tokens may not write" : "not refused";
    return { ok: response.status === 401 || response.status === 403, detail: `${response.status} (${why})` };
  });
  await check("GET /health is 200", async () => {
    const response = await fetch(`${api}/health`);
    const body = (await response.json()) as { status?: string };
    return { ok: response.status === 200 && body.status === "ok", detail: String(response.status) };
  });
  return checks;
}

const spec = {
  command: "npm run smoke --",
  summary: "Runs the smoke checks (CORS preflight and 401, token endpoint, scoped read, refused write, health) against a deployed stack, or against a local gateway with --local.",
  options: {
    stack: { type: "string", value: "environment", description: "the environment to check", default: "dev" },
    local: { type: "boolean", description: "start a local gateway on a free port, with an empty database, and check that", default: false },
    outputs: { type: "string", value: "file", description: "outputs of `npm run deploy -- <env> --outputs-file` (deployed stacks)", default: "outputs.json" },
    origin: { type: "string", value: "origin", description: "the Origin for the CORS checks; default: the stack's first allowed origin" },
  },
  examples: ["npm run smoke -- --local", "REPORTING_CLIENT_SECRET=... npm run smoke -- --stack dev --outputs outputs.json"],
} as const;

async function main(): Promise<number> {
  const { values } = parseCommandLine(spec);
  const stack = checkStackName(values.stack);
  const config = environments[stack as keyof typeof environments];
  const origin = values.origin ?? config.api.corsAllowedOrigins[0]!;
  let gateway: LocalGateway | undefined;
  let target: SmokeTarget;
  if (values.local) {
    const { model, terraform } = synthesizeLocalStack(stack);
    gateway = new LocalGateway({ model, terraform, dataDir: path.join(LOCAL_DATA_DIR, "smoke"), port: 0, fresh: true, log: () => undefined });
    await gateway.start();
    const reporting = gateway.clients.find((client) => client.flows.includes("client_credentials") && client.clientSecret)!;
    target = { apiUrl: gateway.apiUrl, tokenEndpoint: `${gateway.url}/oauth2/token`, clientId: reporting.clientId, clientSecret: reporting.clientSecret!, origin };
  } else {
    const outputs = readStackOutputs(path.resolve(values.outputs), stack);
    const clientSecret = process.env.REPORTING_CLIENT_SECRET;
    if (!clientSecret) throw expectedError("set REPORTING_CLIENT_SECRET to the reporting client's secret (aws cognito-idp describe-user-pool-client ... --query UserPoolClient.ClientSecret)");
    target = {
      apiUrl: outputValue(outputs, "api_url"),
      tokenEndpoint: outputValue(outputs, "token_endpoint"),
      clientId: outputValue(outputs, "reporting_client_id"),
      clientSecret,
      origin,
    };
  }
  try {
    const checks = await runSmoke(target);
    for (const check of checks) console.log(`${check.ok ? "ok  " : "FAIL"} ${check.name}: ${check.detail}`);
    const failed = checks.filter((check) => !check.ok).length;
    console.log(`${checks.length - failed} passed, ${failed} failed`);
    return failed ? 1 : 0;
  } finally {
    await gateway?.stop();
  }
}

runCli(main);

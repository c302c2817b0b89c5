import "../cli/report-load-errors";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { expectedError, integerOption, parseCommandLine, runCli, UsageError } from "../cli/command-line";
import { escapeHtml, pkceChallenge } from "../cognito/hosted-ui";
import { refuseForeignHost } from "../gateway/loopback-host";
import { localClientId, localIssuerUrl } from "../cognito/local-issuer";
import { loadLocalStack } from "../stack/local-stack";
import { browserClient, fullScope } from "../stack/stack-model";
import { outputValue, readStackOutputs } from "../stack/stack-outputs";

const spec = {
  command: "npm run -s login --",
  summary:
    "Signs a user in with the authorization code flow and PKCE, as a browser app does: listens on the web client's loopback callback URL, prints (and tries to open) the authorize URL, exchanges the code and prints the access token on stdout. Against the deployed hosted UI (from the outputs file) or, with --local, against npm run dev.",
  options: {
    stack: { type: "string", value: "environment", description: "the environment", default: "dev" },
    local: { type: "boolean", description: "sign in on npm run dev's hosted UI instead of the deployed one", default: false },
    port: { type: "string", value: "number", description: "with --local: the port npm run dev listens on", default: "3000" },
    outputs: { type: "string", value: "file", description: "outputs of npm run deploy -- <env> --outputs-file (deployed stacks)", default: "outputs.json" },
    scope: { type: "string", value: "scope", description: "a scope to ask for, short (notes.read) or full; default: all the web client may have", multiple: true },
    "tokens-file": { type: "string", value: "file", description: "also write the whole token response (access, ID, refresh) there, mode 600" },
    "no-open": { type: "boolean", description: "print the authorize URL without trying to open a browser", default: false },
  },
  examples: ["TOKEN=$(npm run -s login -- --local)", "TOKEN=$(npm run -s login -- --stack dev --tokens-file tokens.json)", 'curl -H "Authorization: Bearer $TOKEN" "$API/notes"'],
} as const;

interface LoginTarget {
  readonly authorizeEndpoint: string;
  readonly tokenEndpoint: string;
  readonly clientId: string;
  readonly callbackUrls: readonly string[];
  readonly scopes: readonly string[];
  readonly identifier: string;
}

function localTarget(stack: string, port: number): LoginTarget {
  const { model } = loadLocalStack(stack);
  const web = browserClient(model.clients);
  if (!web) throw expectedError(`stack '${stack}' has no public client with the code flow`);
  const base = new URL(localIssuerUrl(model, port)).origin;
  return { authorizeEndpoint: `${base}/oauth2/authorize`, tokenEndpoint: `${base}/oauth2/token`, clientId: localClientId(stack, web.name), callbackUrls: web.callbackUrls, scopes: web.scopes, identifier: model.resourceServerIdentifier };
}

function deployedTarget(stack: string, outputsFile: string): LoginTarget {
  const outputs = readStackOutputs(outputsFile, stack);
  const scopes = (outputs.scopes as string[] | undefined) ?? [];
  const web = browserClient(loadLocalStack(stack).model.clients);
  return {
    authorizeEndpoint: outputValue(outputs, "authorize_endpoint"),
    tokenEndpoint: outputValue(outputs, "token_endpoint"),
    clientId: outputValue(outputs, "web_client_id"),
    callbackUrls: web?.callbackUrls ?? [],
    scopes: ["openid", "email", ...scopes],
    identifier: scopes[0]?.slice(0, scopes[0].lastIndexOf("/")) ?? "",
  };
}

/** Waits for the hosted UI to send the browser back with a code (or an error) on the loopback callback URL. */
function awaitCallback(callback: URL, state: string): { ready: Promise<void>; code: Promise<string>; close: () => void } {
  let resolveCode!: (code: string) => void;
  let rejectCode!: (error: Error) => void;
  const code = new Promise<string>((resolve, reject) => ((resolveCode = resolve), (rejectCode = reject)));
  const server = http.createServer((request, response) => {
    if (refuseForeignHost(request, response)) return;
    const url = new URL(request.url ?? "/", callback.origin);
    if (url.pathname !== callback.pathname) return void response.writeHead(404).end();
    const finish = (status: number, text: string) => {
      response.writeHead(status, { "Content-Type": "text/html; charset=utf-8" });
      response.end(`<!doctype html><title>npm run login</title><p>${text}</p>`);
    };
    if (url.searchParams.get("state") !== state) {
      finish(400, "The state does not match this sign-in: start npm run login again.");
      return rejectCode(expectedError("the callback's state does not match: a sign-in from somewhere else"));
    }
    const error = url.searchParams.get("error");
    if (error) {
      finish(400, `Sign-in failed: ${escapeHtml(error)}`);
      return rejectCode(expectedError(`the hosted UI answered ${error}`));
    }
    finish(200, "Signed in: the token is in your terminal. You can close this tab.");
    resolveCode(url.searchParams.get("code") ?? "");
  });
  const ready = new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? expectedError(`port ${callback.port} is in use (npm run dev's browser client?): stop it or start npm run dev with --web-port 0; the callback URL ${callback} needs the port`) : error),
    );
    server.listen(Number(callback.port), "127.0.0.1", () => resolve());
  });
  return { ready, code, close: () => server.close() };
}

runCli(async () => {
  const { values } = parseCommandLine(spec);
  const target = values.local ? localTarget(values.stack, integerOption("port", values.port, 1, 65_535)) : deployedTarget(values.stack, path.resolve(values.outputs));
  const callbackUrl = target.callbackUrls.find((url) => ["localhost", "127.0.0.1"].includes(new URL(url).hostname));
  if (!callbackUrl) throw new UsageError("the web client has no loopback callback URL (http://localhost:<port>/...) to receive the code on");
  const scopes = values.scope?.length ? ["openid", ...values.scope.map((scope) => fullScope(target.identifier, scope))] : target.scopes;
  const verifier = randomBytes(48).toString("base64url");
  const state = randomBytes(16).toString("base64url");
  const callback = new URL(callbackUrl);
  const listener = awaitCallback(callback, state);
  try {
    await listener.ready;
    const authorize = `${target.authorizeEndpoint}?${new URLSearchParams({ response_type: "code", client_id: target.clientId, redirect_uri: callbackUrl, scope: scopes.join(" "), state, code_challenge: pkceChallenge(verifier), code_challenge_method: "S256" })}`;
    process.stderr.write(`open this URL and sign in (waiting on ${callbackUrl}):\n${authorize}\n`);
    if (!values["no-open"] && process.platform === "linux" && process.env.DISPLAY) spawn("xdg-open", [authorize], { stdio: "ignore", detached: true }).on("error", () => undefined).unref();
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(expectedError("no sign-in within 5 minutes")), 300_000).unref());
    const code = await Promise.race([listener.code, timeout]);
    const response = await fetch(target.tokenEndpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", client_id: target.clientId, code, redirect_uri: callbackUrl, code_verifier: verifier }),
    });
    const tokens = (await response.json()) as { access_token?: string; error?: string };
    if (!response.ok || !tokens.access_token) throw expectedError(`the token endpoint answered ${response.status}: ${tokens.error ?? "no access token"}`);
    if (values["tokens-file"]) fs.writeFileSync(path.resolve(values["tokens-file"]), JSON.stringify(tokens, null, 2) + "\n", { mode: 0o600 });
    process.stdout.write(`${tokens.access_token}\n`);
  } finally {
    listener.close();
  }
});

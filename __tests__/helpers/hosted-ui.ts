import { randomBytes } from "node:crypto";
import { environments } from "../../environments";
import { pkceChallenge } from "../../local/cognito/hosted-ui";

const isLoopback = (url: string) => ["localhost", "127.0.0.1"].includes(new URL(url).hostname);
/** The dev web client's loopback callback URL and sign-out URL, as environments.ts has them. */
export const CALLBACK = environments.dev.auth.callbackUrls.find((url) => isLoopback(url) && new URL(url).pathname === "/callback")!;
export const LOGOUT = environments.dev.auth.logoutUrls!.find(isLoopback)!;

export interface CodeFlowOptions {
  readonly username?: string;
  readonly password?: string;
  readonly scope?: string;
  readonly verifier?: string;
  readonly sentVerifier?: string;
}

/**
 * What a browser does on the sign-in page: opens the authorize URL, then posts the page's form with
 * its hidden fields (the OAuth parameters and the anti-CSRF token), the cookie it set, and the
 * typed username and password.
 */
export async function submitSignIn(authorizeUrl: string, username: string, password: string) {
  const form = await fetch(authorizeUrl);
  const html = await form.text();
  const hidden = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((match) => [match[1]!, decodeEntities(match[2]!)] as [string, string]);
  const cookie = form.headers.getSetCookie().map((header) => header.split(";")[0]).join("; ");
  const login = await fetch(new URL("/login", authorizeUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams([...hidden, ["username", username], ["password", password]]),
  });
  return { form, html, login };
}

const decodeEntities = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

/** The whole code flow as a browser and an app do it: sign-in form, redirect with the code, code exchange. */
export async function codeFlow(base: string, clientId: string, options: CodeFlowOptions & { username: string; password: string; scope: string }) {
  const verifier = options.verifier ?? randomBytes(32).toString("base64url");
  const params = { client_id: clientId, response_type: "code", redirect_uri: CALLBACK, scope: options.scope, state: "s-123", nonce: "n-456", code_challenge: pkceChallenge(verifier), code_challenge_method: "S256" };
  const { form, html, login } = await submitSignIn(`${base}/oauth2/authorize?${new URLSearchParams(params)}`, options.username, options.password);
  const location = login.headers.get("location");
  const code = location ? new URL(location).searchParams.get("code") : null;
  const exchange = (verifierToSend = options.sentVerifier ?? verifier) =>
    fetch(`${base}/oauth2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", client_id: clientId, code: code ?? "", redirect_uri: CALLBACK, code_verifier: verifierToSend }),
    });
  return { form, html, login, location, code, exchange };
}


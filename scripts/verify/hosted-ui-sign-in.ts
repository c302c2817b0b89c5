import { createHash, randomBytes } from "node:crypto";
import { parse } from "node-html-parser";

export interface SignInTarget {
  readonly authorizeEndpoint: string;
  readonly tokenEndpoint: string;
  /** A public client with the code flow. */
  readonly clientId: string;
  /** One of the client's callback URLs: the code is read from the redirect to it, which is never followed. */
  readonly redirectUri: string;
  readonly scopes: readonly string[];
}

export interface SignedIn {
  readonly accessToken: string;
  readonly idToken?: string;
}

const MAX_REDIRECTS = 8;

/** A fetch that keeps cookies and follows redirects by hand, stopping at `stopAt`. */
class Browser {
  private readonly cookies = new Map<string, string>();

  async go(url: string, init: RequestInit = {}, stopAt: string): Promise<{ url: string; status: number; html?: string; redirectedTo?: string }> {
    let current = url;
    let request = init;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const response = await fetch(current, { ...request, redirect: "manual", headers: { ...(request.headers as Record<string, string>), ...(this.cookies.size ? { Cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ") } : {}) } });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(";");
        const separator = pair!.indexOf("=");
        if (separator > 0) this.cookies.set(pair!.slice(0, separator).trim(), pair!.slice(separator + 1).trim());
      }
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, current).toString();
        if (next.startsWith(stopAt)) return { url: current, status: response.status, redirectedTo: next };
        current = next;
        request = {};
        continue;
      }
      return { url: current, status: response.status, html: await response.text() };
    }
    throw new Error(`more than ${MAX_REDIRECTS} redirects from ${url}`);
  }
}

/** The sign-in form of a hosted-UI page: its action and every field it carries, hidden ones (such as a CSRF token) included. */
function signInForm(html: string, pageUrl: string): { action: string; fields: URLSearchParams } | undefined {
  const form = parse(html)
    .querySelectorAll("form")
    .find((candidate) => candidate.querySelector('input[name="password"]'));
  if (!form) return undefined;
  const fields = new URLSearchParams();
  for (const input of form.querySelectorAll("input")) {
    const name = input.getAttribute("name");
    if (name && input.getAttribute("type") !== "submit") fields.set(name, input.getAttribute("value") ?? "");
  }
  return { action: new URL(form.getAttribute("action") ?? pageUrl, pageUrl).toString(), fields };
}

/** What the page says went wrong, in a line. */
function pageMessage(html: string): string {
  const root = parse(html);
  const alert = root.querySelector('[role="alert"]') ?? root.querySelector("#loginErrorMessage") ?? root.querySelector(".errorMessage");
  if (root.querySelector('input[name="totpCode"], input[name="code"]')) return "the user must answer an MFA challenge, which verify cannot: use a test user in a pool where MFA is optional";
  return (alert?.textContent ?? root.querySelector("title")?.textContent ?? "no sign-in form and no redirect").trim().replace(/\s+/g, " ");
}

/**
 * Signs a user in through a hosted UI as a browser would (authorization code with PKCE): the
 * authorize page's form, filled and posted with its cookies and hidden fields, then the code
 * traded for tokens. Works on Cognito's classic hosted UI and on `npm run dev`'s.
 */
export async function signInThroughHostedUi(target: SignInTarget, username: string, password: string): Promise<SignedIn> {
  const verifier = randomBytes(32).toString("base64url");
  const state = randomBytes(16).toString("base64url");
  const authorize = new URL(target.authorizeEndpoint);
  for (const [name, value] of Object.entries({
    response_type: "code",
    client_id: target.clientId,
    redirect_uri: target.redirectUri,
    scope: target.scopes.join(" "),
    state,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  })) {
    authorize.searchParams.set(name, value);
  }
  const browser = new Browser();
  const page = await browser.go(authorize.toString(), {}, target.redirectUri);
  const form = page.html === undefined ? undefined : signInForm(page.html, page.url);
  if (!form) throw new Error(`the hosted UI showed no sign-in form (${page.status}${page.html ? `: ${pageMessage(page.html)}` : ""})`);
  form.fields.set("username", username);
  form.fields.set("password", password);
  const posted = await browser.go(form.action, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form.fields.toString() }, target.redirectUri);
  if (!posted.redirectedTo) throw new Error(`sign-in of ${username} failed: ${posted.html ? pageMessage(posted.html) : `status ${posted.status}`}`);
  const callback = new URL(posted.redirectedTo);
  if (callback.searchParams.get("state") !== state) throw new Error(`sign-in of ${username}: the redirect carried another state`);
  const code = callback.searchParams.get("code");
  if (!code) throw new Error(`sign-in of ${username}: ${callback.searchParams.get("error") ?? "no code"} ${callback.searchParams.get("error_description") ?? ""}`.trim());
  const response = await fetch(target.tokenEndpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", client_id: target.clientId, code, redirect_uri: target.redirectUri, code_verifier: verifier }),
  });
  const tokens = (await response.json()) as { access_token?: string; id_token?: string; error?: string };
  if (!tokens.access_token) throw new Error(`sign-in of ${username}: the token endpoint answered ${response.status} ${tokens.error ?? ""}`.trim());
  return { accessToken: tokens.access_token, ...(tokens.id_token ? { idToken: tokens.id_token } : {}) };
}

/** A machine token: client credentials with HTTP Basic authentication, every scope the client may have. */
export async function machineToken(tokenEndpoint: string, clientId: string, clientSecret: string): Promise<string> {
  const response = await fetch(tokenEndpoint, {
    method: "POST",
    headers: { Authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64")}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials" }),
  });
  const body = (await response.json()) as { access_token?: string; error?: string };
  if (!body.access_token) throw new Error(`client ${clientId}: the token endpoint answered ${response.status} ${body.error ?? ""}`.trim());
  return body.access_token;
}

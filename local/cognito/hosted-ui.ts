import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { isStandardScope } from "../../stacks/auth/clients";
import type { LocalIssuer } from "./local-issuer";
import type { LocalUser, LocalUsers } from "./local-users";
import type { PreTokenInput, PreTokenOutcome } from "./pre-token-trigger";
import type { LocalClient } from "../stack/stack-model";

/**
 * Runs the pool's pre-token-generation trigger for a user sign-in; undefined when the pool has none
 * (the token then holds what was asked for).
 */
export type PreTokenHook = (input: PreTokenInput) => Promise<PreTokenOutcome | undefined>;

export interface HostedUiResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** For the gateway's log line. */
  readonly note: string;
}

export interface HostedUiRequest {
  readonly method: string;
  readonly url: URL;
  readonly authorization?: string;
  readonly body: string;
  /** The request's `Origin`: browser apps call the token, userInfo and revoke endpoints across origins. */
  readonly origin?: string;
  /** The request's `Cookie` header: the sign-in form's anti-CSRF cookie comes back in it. */
  readonly cookie?: string;
}

/** Endpoints a browser app calls with fetch (CORS). */
const BROWSER_ENDPOINTS = ["/oauth2/token", "/oauth2/userInfo", "/oauth2/revoke"];

/** Cognito's lifetimes: an authorization code is good for 5 minutes; tokens as the client is configured (here 1 hour). */
const CODE_SECONDS = 300;
const TOKEN_SECONDS = 3600;

/** The parameters of an authorize request the sign-in form carries on: nothing else a link adds reaches the form. */
const OAUTH_PARAMETERS = ["client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method"];

/** The sign-in form's anti-CSRF token: a cookie, and the same value in a hidden field (double submit). */
const CSRF_COOKIE = "XSRF-TOKEN";

/**
 * Cognito's lockout (developer guide, "Lockout behavior for failed sign-in attempts"): after five
 * failed passwords the user is locked out for one second, doubling with each further failure up to
 * about 15 minutes; attempts inside a lockout fail with "Password attempts exceeded" and do not count.
 */
export const LOCKOUT = { freeFailures: 5, firstSeconds: 1, maxSeconds: 900 } as const;

interface AuthorizationCode {
  readonly clientId: string;
  readonly redirectUri: string;
  /** What the client asked for and may have: a refresh asks again for these. */
  readonly scopes: readonly string[];
  /** What the access token holds: the request, after the pre-token-generation trigger. */
  readonly tokenScopes: readonly string[];
  readonly groups: readonly string[];
  readonly nonce?: string;
  readonly codeChallenge?: string;
  readonly user: LocalUser;
  readonly expiresAt: number;
  readonly originJti: string;
}

interface RefreshGrant {
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly user: LocalUser;
  /** The session every token of this sign-in and its refreshes names. */
  readonly originJti: string;
}

const json = (status: number, body: unknown, note: string, headers: Record<string, string> = {}): HostedUiResponse => ({
  status,
  headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers },
  body: JSON.stringify(body),
  note,
});
const oauthError = (status: number, error: string, note: string) => json(status, { error }, note);
const redirect = (location: string, note: string): HostedUiResponse => ({ status: 302, headers: { Location: location }, body: "", note });
/** Text safe inside HTML, attribute values included. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

function page(status: number, title: string, content: string, note: string): HostedUiResponse {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><meta name="viewport" content="width=device-width"></head><body style="font-family:sans-serif;max-width:28rem;margin:3rem auto"><h1>${escapeHtml(title)}</h1>${content}</body></html>`;
  return { status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "X-Frame-Options": "DENY" }, body, note };
}

/** base64url(SHA-256(verifier)): PKCE's S256 (RFC 7636 §4.6). */
export function pkceChallenge(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

/** An app client as the local Cognito knows it: its id and, for a confidential client, its secret. */
export interface LocalClientCredentials extends LocalClient {
  readonly clientId: string;
  readonly clientSecret?: string;
}

/**
 * The hosted UI's OAuth endpoints as Cognito's managed login serves them, for the stack's clients
 * and local users: OIDC discovery, `/oauth2/authorize` with a sign-in page, `/oauth2/token`
 * (authorization_code with PKCE, refresh_token, client_credentials), `/oauth2/userInfo`,
 * `/oauth2/revoke` and `/logout`, with Cognito's checks and error codes. MFA is not emulated.
 */
export class LocalHostedUi {
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  /** Sessions whose refresh token was revoked: Cognito's endpoints refuse their tokens. */
  private readonly revokedSessions = new Set<string>();
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();

  constructor(
    private readonly base: string,
    private readonly issuer: LocalIssuer,
    private readonly clients: () => readonly LocalClientCredentials[],
    private readonly users: LocalUsers,
    private readonly preToken: PreTokenHook = async () => undefined,
  ) {}

  /** The response for a hosted-UI path, or undefined when the path is not one. */
  async handle(request: HostedUiRequest): Promise<HostedUiResponse | undefined> {
    const response = await this.route(request);
    if (!response) return undefined;
    const { pathname } = request.url;
    // Discovery is public; the token endpoints answer the origins of the clients' callback URLs.
    if (pathname.endsWith("/.well-known/openid-configuration")) return { ...response, headers: { ...response.headers, "Access-Control-Allow-Origin": "*" } };
    const appOrigins = new Set(this.clients().flatMap((client) => client.callbackUrls.map((url) => new URL(url).origin)));
    if (BROWSER_ENDPOINTS.includes(pathname) && request.origin && appOrigins.has(request.origin)) {
      return { ...response, headers: { ...response.headers, "Access-Control-Allow-Origin": request.origin, Vary: "Origin" } };
    }
    return response;
  }

  private async route(request: HostedUiRequest): Promise<HostedUiResponse | undefined> {
    const { pathname } = request.url;
    if (request.method === "OPTIONS" && BROWSER_ENDPOINTS.includes(pathname)) {
      return { status: 204, headers: { "Access-Control-Allow-Methods": "GET, POST", "Access-Control-Allow-Headers": "Authorization, Content-Type", "Access-Control-Max-Age": "600" }, body: "", note: "preflight" };
    }
    if (request.method === "GET" && pathname === `${new URL(this.issuer.issuer).pathname}/.well-known/openid-configuration`) return this.discovery();
    if (pathname === "/oauth2/authorize" && request.method === "GET") return this.authorize(request.url.searchParams);
    if (pathname === "/login" && request.method === "POST") return this.login(new URLSearchParams(request.body), request.cookie);
    if (pathname === "/oauth2/token") return this.token(request);
    if (pathname === "/oauth2/userInfo") return this.userInfo(request.authorization);
    if (pathname === "/oauth2/revoke") return this.revoke(request);
    if (pathname === "/logout" && request.method === "GET") return this.logout(request.url.searchParams);
    return undefined;
  }

  private discovery(): HostedUiResponse {
    const customScopes = [...new Set(this.clients().flatMap((client) => client.scopes.filter((scope) => scope.includes("/"))))].sort();
    return json(
      200,
      {
        issuer: this.issuer.issuer,
        authorization_endpoint: `${this.base}/oauth2/authorize`,
        token_endpoint: `${this.base}/oauth2/token`,
        userinfo_endpoint: `${this.base}/oauth2/userInfo`,
        revocation_endpoint: `${this.base}/oauth2/revoke`,
        end_session_endpoint: `${this.base}/logout`,
        jwks_uri: `${this.base}${this.issuer.jwksPath}`,
        response_types_supported: ["code"],
        grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
        scopes_supported: ["openid", "email", "phone", "profile", ...customScopes],
        code_challenge_methods_supported: ["S256"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      },
      "openid-configuration",
    );
  }

  private client(clientId: string | null | undefined): LocalClientCredentials | undefined {
    return this.clients().find((candidate) => candidate.clientId === clientId);
  }

  /** What `/oauth2/authorize` checks before it shows the sign-in page; an error the page shows or one it redirects with. */
  private checkAuthorize(params: URLSearchParams): { page: string } | { redirectError: string; client: LocalClientCredentials } | { client: LocalClientCredentials; scopes: string[] } {
    const client = this.client(params.get("client_id"));
    if (!client || !client.flows.includes("code")) return { page: "client_id is not a client with the authorization code flow" };
    // Without a registered redirect URI there is nowhere safe to send an error: the page says it.
    if (!client.callbackUrls.includes(params.get("redirect_uri") ?? "")) return { page: "redirect_mismatch: redirect_uri is not one of the client's callback URLs" };
    if (params.get("response_type") !== "code") return { redirectError: "unsupported_response_type", client };
    const requested = (params.get("scope") ?? "").split(" ").filter(Boolean);
    const scopes = requested.length ? requested : [...client.scopes];
    if (scopes.some((scope) => !client.scopes.includes(scope))) return { redirectError: "invalid_scope", client };
    const challenge = params.get("code_challenge");
    if (challenge !== null && params.get("code_challenge_method") !== "S256") return { redirectError: "invalid_request", client };
    // A client without a secret cannot prove itself at the token endpoint: PKCE is required.
    if (!client.clientSecret && !challenge) return { redirectError: "invalid_request", client };
    return { client, scopes };
  }

  private errorRedirect(params: URLSearchParams, error: string): HostedUiResponse {
    const target = new URL(params.get("redirect_uri")!);
    target.searchParams.set("error", error);
    if (params.get("state") !== null) target.searchParams.set("state", params.get("state")!);
    return redirect(target.toString(), `authorize: ${error}`);
  }

  private authorize(params: URLSearchParams, message?: string, username = ""): HostedUiResponse {
    const checked = this.checkAuthorize(params);
    if ("page" in checked) return page(400, "An error was encountered with the requested page", `<p>${escapeHtml(checked.page)}</p>`, `authorize: ${checked.page}`);
    if ("redirectError" in checked) return this.errorRedirect(params, checked.redirectError);
    const csrf = randomBytes(24).toString("base64url");
    const carried = [...params].filter(([name]) => OAUTH_PARAMETERS.includes(name));
    const hidden = [...carried, ["_csrf", csrf]].map(([name, value]) => `<input type="hidden" name="${escapeHtml(name!)}" value="${escapeHtml(value!)}">`).join("");
    const form = `${message ? `<p role="alert" style="color:#b00">${escapeHtml(message)}</p>` : ""}
<form method="post" action="/login">${hidden}
<p><label>Username <input name="username" value="${escapeHtml(username)}" autocomplete="username" required autofocus></label></p>
<p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
<p><button type="submit">Sign in</button></p></form>
<p><small>Local sign-in for ${escapeHtml(checked.client.name)}: users from <code>npm run user</code>. MFA is not emulated.</small></p>`;
    const response = page(message ? 400 : 200, "Sign in", form, `authorize: sign-in page for ${checked.client.name}`);
    return { ...response, headers: { ...response.headers, "Set-Cookie": `${CSRF_COOKIE}=${csrf}; Path=/login; HttpOnly; SameSite=Lax` } };
  }

  /** Whether the form's anti-CSRF token is the cookie's: a form posted from another page has neither. */
  private static csrfMatches(form: URLSearchParams, cookieHeader: string | undefined): boolean {
    const cookie = (cookieHeader ?? "").split(";").map((part) => part.trim()).find((part) => part.startsWith(`${CSRF_COOKIE}=`))?.slice(CSRF_COOKIE.length + 1);
    const field = form.get("_csrf");
    if (!cookie || !field || cookie.length !== field.length) return false;
    return timingSafeEqual(Buffer.from(cookie), Buffer.from(field));
  }

  private async login(form: URLSearchParams, cookie: string | undefined): Promise<HostedUiResponse> {
    const checked = this.checkAuthorize(form);
    if (!("scopes" in checked)) return this.authorize(form);
    if (!LocalHostedUi.csrfMatches(form, cookie)) {
      return page(403, "An error was encountered with the requested page", "<p>The sign-in form expired or was not this page's: open the sign-in link again.</p>", "login: anti-CSRF token missing or wrong");
    }
    const params = new URLSearchParams([...form].filter(([name]) => OAUTH_PARAMETERS.includes(name)));
    const username = form.get("username") ?? "";
    const lockout = this.failures.get(username);
    if (lockout && lockout.lockedUntil > Date.now()) return this.authorize(params, "Password attempts exceeded", username);
    const user = this.users.verify(username, form.get("password") ?? "");
    if (!user) {
      const count = (lockout?.count ?? 0) + 1;
      const extra = count - LOCKOUT.freeFailures;
      const lockedUntil = extra >= 0 ? Date.now() + Math.min(LOCKOUT.firstSeconds * 2 ** extra, LOCKOUT.maxSeconds) * 1000 : 0;
      this.failures.set(username, { count, lockedUntil });
      return this.authorize(params, "Incorrect username or password.", username);
    }
    this.failures.delete(username);
    // Cognito runs the trigger when the user signs in; a failing trigger fails the sign-in.
    const triggered = await this.preToken({ triggerSource: "TokenGeneration_HostedAuth", clientId: checked.client.clientId, user, scopes: checked.scopes });
    if (triggered && !triggered.ok) return this.authorize(params, triggered.message, username);
    const code = randomBytes(32).toString("base64url");
    this.codes.set(code, {
      clientId: checked.client.clientId,
      redirectUri: form.get("redirect_uri")!,
      scopes: checked.scopes,
      tokenScopes: triggered?.scopes ?? checked.scopes,
      groups: triggered?.groups ?? user.groups,
      nonce: form.get("nonce") ?? undefined,
      codeChallenge: form.get("code_challenge") ?? undefined,
      user,
      expiresAt: Date.now() + CODE_SECONDS * 1000,
      originJti: randomUUID(),
    });
    const target = new URL(form.get("redirect_uri")!);
    target.searchParams.set("code", code);
    if (form.get("state") !== null) target.searchParams.set("state", form.get("state")!);
    return redirect(target.toString(), `login: ${user.username} signed in to ${checked.client.name}`);
  }

  /** The client a token or revoke request authenticates as (HTTP Basic or form fields); a public client names itself. */
  private authenticate(request: HostedUiRequest, form: URLSearchParams): LocalClientCredentials | undefined {
    let clientId = form.get("client_id") ?? undefined;
    let clientSecret = form.get("client_secret") ?? undefined;
    const basic = /^Basic\s+(.+)$/i.exec(request.authorization ?? "");
    if (basic) {
      const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
      const separator = decoded.indexOf(":");
      try {
        clientId = decodeURIComponent(decoded.slice(0, separator));
        clientSecret = decodeURIComponent(decoded.slice(separator + 1));
      } catch {
        return undefined;
      }
      if (separator < 0) return undefined;
    }
    const client = this.client(clientId);
    if (!client) return undefined;
    return client.clientSecret === undefined ? (clientSecret === undefined ? client : undefined) : client.clientSecret === clientSecret ? client : undefined;
  }

  private async userTokens(
    client: LocalClientCredentials,
    user: LocalUser,
    granted: { scopes: readonly string[]; tokenScopes: readonly string[]; groups: readonly string[]; originJti: string },
    nonce?: string,
  ): Promise<Record<string, unknown>> {
    const common = { clientId: client.clientId, username: user.username, groups: granted.groups, expiresInSeconds: TOKEN_SECONDS, originJti: granted.originJti };
    const scopes = granted.tokenScopes;
    const accessToken = await this.issuer.sign({ ...common, scopes });
    const idToken = granted.scopes.includes("openid") ? await this.issuer.sign({ ...common, tokenUse: "id", nonce, email: user.email }) : undefined;
    return { access_token: accessToken, ...(idToken ? { id_token: idToken } : {}), token_type: "Bearer", expires_in: TOKEN_SECONDS };
  }

  private async token(request: HostedUiRequest): Promise<HostedUiResponse> {
    if (request.method !== "POST") return oauthError(405, "invalid_request", `token: method ${request.method}`);
    const form = new URLSearchParams(request.body);
    const client = this.authenticate(request, form);
    if (!client) return oauthError(400, "invalid_client", `token: client ${form.get("client_id") ?? "from Basic"} not authenticated`);
    const grantType = form.get("grant_type");
    if (grantType === "authorization_code") {
      const code = form.get("code") ?? "";
      const grant = this.codes.get(code);
      // Single use: a code is gone once presented, whatever the outcome.
      this.codes.delete(code);
      if (!grant || grant.expiresAt < Date.now()) return oauthError(400, "invalid_grant", "token: unknown, used or expired code");
      if (grant.clientId !== client.clientId || grant.redirectUri !== form.get("redirect_uri")) return oauthError(400, "invalid_grant", "token: code of another client or redirect_uri");
      if (grant.codeChallenge && pkceChallenge(form.get("code_verifier") ?? "") !== grant.codeChallenge) return oauthError(400, "invalid_grant", "token: code_verifier does not match the challenge");
      const refreshToken = randomBytes(48).toString("base64url");
      this.refreshTokens.set(refreshToken, { clientId: client.clientId, scopes: grant.scopes, user: grant.user, originJti: grant.originJti });
      const tokens = await this.userTokens(client, grant.user, grant, grant.nonce);
      return json(200, { ...tokens, refresh_token: refreshToken }, `token: code for ${grant.user.username} (${grant.tokenScopes.join(" ")})`);
    }
    if (grantType === "refresh_token") {
      const grant = this.refreshTokens.get(form.get("refresh_token") ?? "");
      if (!grant || grant.clientId !== client.clientId) return oauthError(400, "invalid_grant", "token: unknown or revoked refresh token");
      // The user's groups as they are now, as Cognito reads them at refresh.
      const user = this.users.get(grant.user.username);
      if (!user) return oauthError(400, "invalid_grant", `token: user ${grant.user.username} no longer exists`);
      const triggered = await this.preToken({ triggerSource: "TokenGeneration_RefreshTokens", clientId: client.clientId, user, scopes: grant.scopes });
      if (triggered && !triggered.ok) return json(400, { error: "invalid_request", error_description: triggered.message }, `token: refresh for ${user.username}: ${triggered.message}`);
      const granted = { scopes: grant.scopes, tokenScopes: triggered?.scopes ?? grant.scopes, groups: triggered?.groups ?? user.groups, originJti: grant.originJti };
      return json(200, await this.userTokens(client, user, granted), `token: refresh for ${user.username} (${granted.tokenScopes.join(" ")})`);
    }
    if (grantType === "client_credentials") {
      if (!client.clientSecret) return oauthError(400, "invalid_client", `token: ${client.name} has no secret`);
      if (!client.flows.includes("client_credentials")) return oauthError(400, "unauthorized_client", `token: ${client.name} has no client_credentials flow`);
      const requested = (form.get("scope") ?? "").split(" ").filter(Boolean);
      const allowed = client.scopes.filter((scope) => !isStandardScope(scope));
      if (requested.some((scope) => !allowed.includes(scope))) return oauthError(400, "invalid_scope", `token: ${requested.join(" ")} not allowed`);
      const scopes = requested.length ? requested : allowed;
      const accessToken = await this.issuer.sign({ clientId: client.clientId, scopes, expiresInSeconds: TOKEN_SECONDS });
      return json(200, { access_token: accessToken, expires_in: TOKEN_SECONDS, token_type: "Bearer" }, `token: ${client.name} got ${scopes.join(" ")}`);
    }
    return oauthError(400, "unsupported_grant_type", `token: grant_type ${grantType}`);
  }

  private async userInfo(authorization: string | undefined): Promise<HostedUiResponse> {
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1];
    const claims = token ? await this.issuer.verify(token).catch(() => undefined) : undefined;
    const revoked = typeof claims?.origin_jti === "string" && this.revokedSessions.has(claims.origin_jti);
    if (!claims || revoked || claims.token_use !== "access" || !String(claims.scope ?? "").split(" ").includes("openid") || typeof claims.username !== "string") {
      return json(401, { error: "invalid_token", error_description: "Access token is missing, invalid or without the openid scope" }, "userInfo: refused", { "WWW-Authenticate": 'Bearer error="invalid_token"' });
    }
    const user = this.users.get(claims.username);
    return json(200, { sub: claims.sub, username: claims.username, ...(user ? { email: user.email, email_verified: "true" } : {}) }, `userInfo: ${claims.username}`);
  }

  private revoke(request: HostedUiRequest): HostedUiResponse {
    if (request.method !== "POST") return oauthError(405, "invalid_request", `revoke: method ${request.method}`);
    const form = new URLSearchParams(request.body);
    const client = this.authenticate(request, form);
    if (!client) return oauthError(400, "invalid_client", "revoke: client not authenticated");
    const token = form.get("token") ?? "";
    const grant = this.refreshTokens.get(token);
    if (grant && grant.clientId !== client.clientId) return oauthError(400, "unauthorized_client", "revoke: a refresh token of another client");
    this.refreshTokens.delete(token);
    // Every token the session issued is revoked with it, for Cognito's own endpoints.
    if (grant) this.revokedSessions.add(grant.originJti);
    return { status: 200, headers: {}, body: "", note: `revoke: ${grant ? "revoked" : "unknown token"}` };
  }

  private logout(params: URLSearchParams): HostedUiResponse {
    const client = this.client(params.get("client_id"));
    const logoutUri = params.get("logout_uri") ?? "";
    if (!client || !client.logoutUrls.includes(logoutUri)) {
      return page(400, "An error was encountered with the requested page", "<p>Required String parameter 'logout_uri' is not one of the client's sign-out URLs</p>", "logout: logout_uri not registered");
    }
    return redirect(logoutUri, `logout: ${client.name}`);
  }
}

import { createHash, generateKeyPairSync, randomUUID, type JsonWebKey } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { importJWK, jwtVerify, SignJWT } from "jose";
import type { StackModel } from "../stack/stack-model";

/** Cognito-like client ids: 26 lower-case letters and digits, the same on every run. */
export function localClientId(stack: string, clientName: string): string {
  return createHash("sha256").update(`${stack}/${clientName}`).digest("hex").slice(0, 26);
}

/** The issuer a local gateway on `port` uses: Cognito-shaped, `<base>/<region>_<pool>`. */
export function localIssuerUrl(model: StackModel, port: number): string {
  return `http://127.0.0.1:${port}/${model.region}_local${model.stack}`;
}

export interface TokenRequest {
  /** App client id the token is for. */
  readonly clientId: string;
  /** A user's name; absent for a client_credentials (machine) token. */
  readonly username?: string;
  /** Full scope strings (access tokens). */
  readonly scopes?: readonly string[];
  readonly groups?: readonly string[];
  /** @default 3600 */
  readonly expiresInSeconds?: number;
  /** `id` gives an ID token. @default "access" */
  readonly tokenUse?: "access" | "id";
  /** The authorization request's `nonce`, echoed in the ID token. @default - none */
  readonly nonce?: string;
  /** @default `<username>@example.com` */
  readonly email?: string;
  /**
   * The session's id: every token of one sign-in and of its refreshes carries it, and revoking the
   * session's refresh token revokes them all (AWS knowledge center, "cognito-revoke-refresh-tokens").
   * @default - a new session
   */
  readonly originJti?: string;
}

interface KeyFile {
  readonly kid: string;
  readonly privateJwk: JsonWebKey;
  readonly publicJwk: JsonWebKey;
}

/** A user's sub is derived from the name, so data made by `alice` stays hers between runs. */
export function localSub(username: string): string {
  const hex = createHash("sha256").update(`local-user:${username}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A development issuer shaped like Cognito's: tokens with Cognito's claims, signed RS256 with a
 * key pair made on first use and kept in `keyFolder` (out of git).
 */
export class LocalIssuer {
  private readonly keys: KeyFile;

  constructor(
    /** The `iss` claim, for example `http://127.0.0.1:3000/eu-west-1_local`; JWKS at `<issuer>/.well-known/jwks.json`. */
    readonly issuer: string,
    keyFolder: string,
  ) {
    this.keys = loadOrCreateKeys(keyFolder);
  }

  get jwksPath(): string {
    return `${new URL(this.issuer).pathname}/.well-known/jwks.json`;
  }

  get jwks(): { keys: Array<JsonWebKey & { kty: string; kid: string; alg: string; use: string }> } {
    return { keys: [{ ...this.keys.publicJwk, kty: this.keys.publicJwk.kty ?? "RSA", kid: this.keys.kid, alg: "RS256", use: "sig" }] };
  }

  async sign(request: TokenRequest): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = request.expiresInSeconds ?? 3600;
    const common = { iss: this.issuer, auth_time: now, iat: now, exp: now + expiresIn, jti: randomUUID() };
    const originJti = request.originJti ?? randomUUID();
    let payload: Record<string, unknown>;
    if (request.tokenUse === "id") {
      if (!request.username) throw new Error("an ID token needs a user (--user)");
      payload = {
        ...common,
        sub: localSub(request.username),
        aud: request.clientId,
        token_use: "id",
        "cognito:username": request.username,
        email: request.email ?? `${request.username}@example.com`,
        ...(request.nonce ? { nonce: request.nonce } : {}),
        email_verified: true,
        origin_jti: originJti,
        event_id: randomUUID(),
        ...(request.groups?.length ? { "cognito:groups": [...request.groups] } : {}),
      };
    } else {
      payload = {
        ...common,
        sub: request.username ? localSub(request.username) : request.clientId,
        client_id: request.clientId,
        token_use: "access",
        scope: (request.scopes ?? []).join(" "),
        version: 2,
        ...(request.username ? { username: request.username, origin_jti: originJti, event_id: randomUUID() } : {}),
        ...(request.groups?.length ? { "cognito:groups": [...request.groups] } : {}),
      };
    }
    const key = await importJWK({ ...this.keys.privateJwk, alg: "RS256" } as never, "RS256");
    return new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid: this.keys.kid, typ: "JWT" }).sign(key);
  }

  /** The claims of a token this issuer signed and that has not expired; rejects anything else. */
  async verify(token: string): Promise<Record<string, unknown>> {
    const key = await importJWK({ ...this.keys.publicJwk, alg: "RS256" } as never, "RS256");
    const { payload } = await jwtVerify(token, key, { issuer: this.issuer, algorithms: ["RS256"], requiredClaims: ["exp"] });
    return payload as Record<string, unknown>;
  }
}

function loadOrCreateKeys(folder: string): KeyFile {
  const file = path.join(folder, "signing-key.json");
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as KeyFile;
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const publicJwk = publicKey.export({ format: "jwk" });
  const keys: KeyFile = {
    kid: createHash("sha256").update(JSON.stringify(publicJwk)).digest("base64url").slice(0, 16),
    privateJwk: privateKey.export({ format: "jwk" }),
    publicJwk,
  };
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(keys, null, 2) + "\n", { mode: 0o600 });
  return keys;
}

import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** scrypt's cost (RFC 7914): N = 2^log2N, block size r, parallelism p; kept with each hash. */
export interface ScryptCost {
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
}

/** The cost new hashes get: N = 2^15 (about 0.1 s per hash on 2 cores), or 2^LOCAL_PASSWORD_HASH_COST. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { log2N: 15, r: 8, p: 1 };
const COST_VARIABLE = "LOCAL_PASSWORD_HASH_COST";
const KEY_LENGTH = 32;

/**
 * The cost for new hashes: `LOCAL_PASSWORD_HASH_COST` (log2 of N, 10 to 20) when set. The fast test
 * suite sets 10: these are local accounts in a git-ignored file, and a sign-in test needs no more.
 */
export function scryptCost(env: NodeJS.ProcessEnv = process.env): ScryptCost {
  const value = env[COST_VARIABLE];
  if (value === undefined || value === "") return DEFAULT_SCRYPT_COST;
  const log2N = Number(value);
  if (!Number.isInteger(log2N) || log2N < 10 || log2N > 20) throw new Error(`${COST_VARIABLE} '${value}' is not an integer from 10 to 20 (log2 of scrypt's N; default ${DEFAULT_SCRYPT_COST.log2N})`);
  return { ...DEFAULT_SCRYPT_COST, log2N };
}

export interface LocalUser {
  readonly username: string;
  readonly email: string;
  readonly groups: readonly string[];
}

interface StoredUser extends LocalUser {
  readonly salt: string;
  readonly hash: string;
  /** Absent in files written before the cost was kept: those hashes have the default cost. */
  readonly scrypt?: ScryptCost;
}

function derive(password: string, salt: string, cost: ScryptCost): Buffer {
  const N = 2 ** cost.log2N;
  return scryptSync(password, Buffer.from(salt, "base64"), KEY_LENGTH, { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r });
}

/**
 * The local sign-in's users, one file per stack in the data folder (git-ignored). Passwords are
 * kept as scrypt hashes with a random salt, compared in constant time.
 */
export class LocalUsers {
  constructor(private readonly file: string) {}

  static forStack(dataDir: string, stack: string): LocalUsers {
    return new LocalUsers(path.join(dataDir, `users-${stack}.json`));
  }

  private read(): Record<string, StoredUser> {
    return fs.existsSync(this.file) ? (JSON.parse(fs.readFileSync(this.file, "utf8")) as Record<string, StoredUser>) : {};
  }

  private write(users: Record<string, StoredUser>): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(this.file, JSON.stringify(users, null, 2) + "\n", { mode: 0o600 });
  }

  exists(): boolean {
    return fs.existsSync(this.file);
  }

  list(): LocalUser[] {
    return Object.values(this.read())
      .map(({ username, email, groups }) => ({ username, email, groups }))
      .sort((a, b) => a.username.localeCompare(b.username));
  }

  add(username: string, password: string, options: { email?: string; groups?: readonly string[] } = {}): LocalUser {
    if (!/^[\w.@+-]{1,128}$/.test(username)) throw new Error(`invalid username '${username}': 1-128 characters of letters, digits and . @ + - _`);
    if (password.length < 8) throw new Error("the password needs at least 8 characters");
    const users = this.read();
    const salt = randomBytes(16).toString("base64");
    const cost = scryptCost();
    const user: StoredUser = { username, email: options.email ?? `${username}@example.com`, groups: [...(options.groups ?? [])], salt, hash: derive(password, salt, cost).toString("base64"), scrypt: cost };
    users[username] = user;
    this.write(users);
    return { username, email: user.email, groups: user.groups };
  }

  /** Replaces a user's groups; false when there is no such user. */
  setGroups(username: string, groups: readonly string[]): boolean {
    const users = this.read();
    const user = users[username];
    if (!user) return false;
    users[username] = { ...user, groups: [...groups] };
    this.write(users);
    return true;
  }

  remove(username: string): boolean {
    const users = this.read();
    if (!users[username]) return false;
    delete users[username];
    this.write(users);
    return true;
  }

  get(username: string): LocalUser | undefined {
    const user = this.read()[username];
    return user ? { username: user.username, email: user.email, groups: user.groups } : undefined;
  }

  /** The user when the password is theirs, checked at the cost its hash was made with; an unknown name costs a new hash's work, so timing tells little. */
  verify(username: string, password: string): LocalUser | undefined {
    const user = this.read()[username];
    const expected = Buffer.from(user?.hash ?? randomBytes(KEY_LENGTH).toString("base64"), "base64");
    const actual = derive(password, user?.salt ?? randomBytes(16).toString("base64"), user ? (user.scrypt ?? DEFAULT_SCRYPT_COST) : scryptCost());
    return user && expected.length === actual.length && timingSafeEqual(expected, actual) ? { username: user.username, email: user.email, groups: user.groups } : undefined;
  }

  /** On a first start: two demo users with random passwords and the given groups, returned so they can be printed once. */
  createDemoUsers(groups: Readonly<Record<"alice" | "bob", readonly string[]>> = { alice: [], bob: [] }): Array<{ username: string; password: string; groups: readonly string[] }> {
    if (this.exists()) return [];
    return (["alice", "bob"] as const).map((username) => {
      const password = randomBytes(12).toString("base64url");
      this.add(username, password, { groups: groups[username] });
      return { username, password, groups: groups[username] };
    });
  }
}

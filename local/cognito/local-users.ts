import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** scrypt's cost parameters (RFC 7914; N = 2^15 is OWASP's floor for scrypt). */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;

export interface LocalUser {
  readonly username: string;
  readonly email: string;
  readonly groups: readonly string[];
}

interface StoredUser extends LocalUser {
  readonly salt: string;
  readonly hash: string;
}

function derive(password: string, salt: string): Buffer {
  return scryptSync(password, Buffer.from(salt, "base64"), KEY_LENGTH, SCRYPT);
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
    const user: StoredUser = { username, email: options.email ?? `${username}@example.com`, groups: [...(options.groups ?? [])], salt, hash: derive(password, salt).toString("base64") };
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

  /** The user when the password is theirs; the same work is done for an unknown name, so timing tells nothing. */
  verify(username: string, password: string): LocalUser | undefined {
    const user = this.read()[username];
    const expected = Buffer.from(user?.hash ?? randomBytes(KEY_LENGTH).toString("base64"), "base64");
    const actual = derive(password, user?.salt ?? randomBytes(16).toString("base64"));
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

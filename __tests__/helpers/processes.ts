import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command to its end without blocking the event loop: a test that holds HTTP connections
 * (an in-process gateway, or keep-alive sockets to a server it started) must not run a child
 * process synchronously, or the server closes the idle socket the next `fetch` reuses (ECONNRESET).
 */
export function runCommand(command: string, args: readonly string[], options: SpawnOptions & { timeoutMs?: number } = {}): Promise<CommandResult> {
  const { timeoutMs = 60_000, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptions, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (error) => (clearTimeout(timer), reject(error)));
    child.once("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") });
    });
  });
}

/**
 * Runs a TypeScript entry point the way the npm scripts do (`node --import tsx`), in `cwd`; killed
 * after `timeoutMs` (then `status` is null and the output ends where it was cut).
 */
export function runTs(cwd: string, file: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<CommandResult> {
  return runCommand(process.execPath, ["--import", "tsx", file, ...args], { cwd, env: { ...process.env, CHECKPOINT_DISABLE: "1", STATE_BUCKET: "", DEBUG: "", ...env }, timeoutMs });
}

/** A long-running process whose output can be awaited line by line. */
export class RunningProcess {
  readonly child: ChildProcess;
  private output = "";
  private readonly waiters: Array<{ pattern: RegExp; resolve: (match: RegExpMatchArray) => void }> = [];

  constructor(cwd: string, file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, ["--import", "tsx", file, ...args], { cwd, env: { ...process.env, CHECKPOINT_DISABLE: "1", STATE_BUCKET: "", ...env } });
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString("utf8");
      for (const waiter of [...this.waiters]) {
        const match = this.output.match(waiter.pattern);
        if (match) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(match);
        }
      }
    };
    this.child.stdout!.on("data", collect);
    this.child.stderr!.on("data", collect);
  }

  get text(): string {
    return this.output;
  }

  /** Output from now on only: earlier lines cannot satisfy the next wait. */
  mark(): void {
    this.output = "";
  }

  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const match = this.output.match(pattern);
    if (match) return Promise.resolve(match);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${this.output}`)), timeoutMs);
      this.waiters.push({ pattern, resolve: (found) => (clearTimeout(timer), resolve(found)) });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }
}

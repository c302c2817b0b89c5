import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { unzipSync } from "fflate";
import type { LocalFunction } from "../stack/stack-model";

export type InvokeOutcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly reason: "error" | "timeout"; readonly detail: string };

/** Unpacks a function's zip into `folder` (emptied first) and returns its entries. */
export function extractZip(zipPath: string, folder: string): Record<string, Uint8Array> {
  const entries = unzipSync(fs.readFileSync(zipPath));
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  for (const [name, bytes] of Object.entries(entries)) {
    // Shared modules sit in shared/ inside the zip
    fs.mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
    fs.writeFileSync(path.join(folder, name), bytes);
  }
  return entries;
}

/** One process: one Lambda execution environment, serving one invocation at a time. */
interface Worker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  /** Resolves when the process has exited (and been reaped). */
  readonly exited: Promise<void>;
  /** Settles the invocation in flight when the process dies. */
  onExit?: (code: number | null) => void;
  /** Ends the process once it has been idle for the runner's idle time. */
  reclaim?: NodeJS.Timeout;
}

/** How many processes a function may run at once, and how long an idle one lives. */
export interface RunnerLimits {
  /** Processes at most, like a function's reserved concurrency: a laptop is not a Lambda fleet. @default 4 */
  readonly maxProcesses?: number;
  /** Seconds an idle process is kept for the next call, as Lambda keeps an idle execution environment for a while. @default 60 */
  readonly idleSeconds?: number;
}

export const DEFAULT_RUNNER_LIMITS = { maxProcesses: 4, idleSeconds: 60 } as const;

/**
 * Runs one function from the same zip that deploys, with the environment its Terraform gives it.
 * Like Lambda, each process serves one invocation at a time: a concurrent call gets another process
 * (a cold start) up to the cap, a timed-out call loses only its own process, and a process idle for
 * the idle time ends.
 */
export class FunctionRunner {
  private readonly idle: Worker[] = [];
  private readonly busy = new Set<Worker>();
  /** Calls waiting for a process when the cap is reached. */
  private readonly waiting: Array<() => void> = [];
  private stopping = false;
  /** Every process not yet exited, idle, busy or being killed. */
  private readonly living = new Set<Worker>();
  private readonly maxProcesses: number;
  private readonly idleMs: number;
  private readonly entry: string;
  private readonly exportName: string;

  constructor(
    private readonly fn: LocalFunction,
    /** Folder inside the project, so the bundle's external `@aws-sdk/*` resolves like the runtime's. */
    extractTo: string,
    private readonly extraEnvironment: Readonly<Record<string, string>>,
    limits: RunnerLimits = {},
    /** Where the function's console output goes: the terminal, or nowhere (a command whose stdout is its result). */
    private readonly output: "inherit" | "ignore" = "inherit",
  ) {
    this.maxProcesses = limits.maxProcesses ?? DEFAULT_RUNNER_LIMITS.maxProcesses;
    this.idleMs = (limits.idleSeconds ?? DEFAULT_RUNNER_LIMITS.idleSeconds) * 1000;
    extractZip(fn.zipPath, extractTo);
    const [file, exportName] = fn.handler.split(".");
    this.entry = path.join(extractTo, `${file}.js`);
    this.exportName = exportName ?? "handler";
  }

  /** The function this runner serves: its zip and settings. */
  get function(): LocalFunction {
    return this.fn;
  }

  /** Processes alive now, idle or busy. */
  get processes(): number {
    return this.idle.length + this.busy.size;
  }

  private spawnWorker(): Worker {
    const child = fork(path.join(__dirname, "function-host.js"), [this.entry, this.exportName], {
      env: {
        PATH: process.env.PATH,
        AWS_LAMBDA_FUNCTION_NAME: this.fn.name,
        AWS_LAMBDA_FUNCTION_TIMEOUT: String(this.fn.timeoutSeconds),
        ...this.fn.environment,
        ...this.extraEnvironment,
      },
      stdio: ["ignore", this.output, this.output, "ipc"],
    });
    const worker: Worker = {
      child,
      exited: new Promise<void>((resolve) => child.once("exit", () => resolve())),
      ready: new Promise<void>((resolve, reject) => {
        child.once("error", reject);
        child.on("message", (message: { ready?: boolean }) => {
          if (message.ready) resolve();
        });
        child.once("exit", (code) => reject(new Error(`function ${this.fn.name} exited with ${code} before it was ready`)));
      }),
    };
    worker.ready.catch(() => undefined);
    this.living.add(worker);
    child.once("exit", (code) => {
      this.living.delete(worker);
      const index = this.idle.indexOf(worker);
      if (index >= 0) this.idle.splice(index, 1);
      worker.onExit?.(code);
    });
    return worker;
  }

  /** A free process, or a new one while fewer than the cap are alive; otherwise the call waits its turn. */
  private async acquire(): Promise<Worker> {
    for (;;) {
      // Taken (marked busy) in the same step it is found, so calls arriving together count each other.
      const worker = this.idle.pop() ?? (this.processes < this.maxProcesses ? this.spawnWorker() : undefined);
      if (worker) {
        clearTimeout(worker.reclaim);
        this.busy.add(worker);
        return worker;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  async invoke(event: unknown): Promise<InvokeOutcome> {
    const worker = await this.acquire();
    try {
      await worker.ready;
    } catch (error) {
      this.busy.delete(worker);
      this.waiting.shift()?.();
      return { ok: false, reason: "error", detail: (error as Error).message };
    }
    const id = randomUUID();
    const outcome = await new Promise<InvokeOutcome>((resolve) => {
      const timer = setTimeout(() => {
        // Like Lambda, a timed-out invocation loses its execution environment, and only its own.
        worker.onExit = undefined;
        worker.child.kill("SIGKILL");
        resolve({ ok: false, reason: "timeout", detail: `Task timed out after ${this.fn.timeoutSeconds}.00 seconds` });
      }, this.fn.timeoutSeconds * 1000);
      const onMessage = (message: { id?: string; ok?: boolean; result?: unknown; error?: string }) => {
        if (message.id !== id) return;
        clearTimeout(timer);
        worker.child.off("message", onMessage);
        worker.onExit = undefined;
        resolve(message.ok ? { ok: true, result: message.result } : { ok: false, reason: "error", detail: message.error ?? "unknown error" });
      };
      worker.onExit = (code) => {
        clearTimeout(timer);
        worker.child.off("message", onMessage);
        resolve({ ok: false, reason: "error", detail: `process exited with ${code}` });
      };
      worker.child.on("message", onMessage);
      worker.child.send({ id, event, context: { functionName: this.fn.name, awsRequestId: id } });
    });
    this.busy.delete(worker);
    const alive = !worker.child.killed && worker.child.exitCode === null && worker.child.signalCode === null;
    if (alive && !this.stopping) this.park(worker);
    else if (alive) worker.child.kill("SIGKILL");
    this.waiting.shift()?.();
    return outcome;
  }

  /** Keeps a process for the next call, until it has been idle for the idle time: then it ends, as Lambda reclaims an execution environment. */
  private park(worker: Worker): void {
    this.idle.push(worker);
    worker.reclaim = setTimeout(() => {
      const index = this.idle.indexOf(worker);
      if (index < 0) return;
      this.idle.splice(index, 1);
      worker.child.kill("SIGKILL");
    }, this.idleMs);
    worker.reclaim.unref();
  }

  /** Ends idle processes now and busy ones when their invocation finishes. */
  drain(): void {
    this.stopping = true;
    for (const worker of this.idle.splice(0)) {
      clearTimeout(worker.reclaim);
      worker.child.kill("SIGKILL");
    }
  }

  /** Ends every process now; resolves when all have exited, so a stopped emulator leaves none behind. */
  async stop(): Promise<void> {
    this.drain();
    for (const worker of this.busy) worker.child.kill("SIGKILL");
    await Promise.all([...this.living].map((worker) => worker.exited));
  }
}

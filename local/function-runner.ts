import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { unzipSync } from "fflate";
import type { LocalFunction } from "./stack-model";

export type InvokeOutcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly reason: "error" | "timeout"; readonly detail: string };

/** Unpacks a function's zip into `folder` (emptied first) and returns its entries. */
export function extractZip(zipPath: string, folder: string): Record<string, Uint8Array> {
  const entries = unzipSync(fs.readFileSync(zipPath));
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  for (const [name, bytes] of Object.entries(entries)) fs.writeFileSync(path.join(folder, name), bytes);
  return entries;
}

interface Pending {
  resolve(outcome: InvokeOutcome): void;
  timer: NodeJS.Timeout;
}

/**
 * Runs one function from the same zip that deploys, in its own process with the environment
 * its Terraform gives it, and enforces its timeout by ending the process.
 */
export class FunctionRunner {
  private child?: ChildProcess;
  private ready?: Promise<void>;
  private readonly pending = new Map<string, Pending>();
  private readonly entry: string;
  private readonly exportName: string;

  constructor(
    private readonly fn: LocalFunction,
    /** Folder inside the project, so the bundle's external `@aws-sdk/*` resolves like the runtime's. */
    extractTo: string,
    private readonly extraEnvironment: Readonly<Record<string, string>>,
  ) {
    extractZip(fn.zipPath, extractTo);
    const [file, exportName] = fn.handler.split(".");
    this.entry = path.join(extractTo, `${file}.js`);
    this.exportName = exportName ?? "handler";
  }

  private start(): Promise<void> {
    const child = fork(path.join(__dirname, "function-host.js"), [this.entry, this.exportName], {
      env: {
        PATH: process.env.PATH,
        AWS_LAMBDA_FUNCTION_NAME: this.fn.name,
        AWS_LAMBDA_FUNCTION_TIMEOUT: String(this.fn.timeoutSeconds),
        ...this.fn.environment,
        ...this.extraEnvironment,
      },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child = child;
    this.ready = new Promise((resolve, reject) => {
      child.once("error", reject);
      child.on("message", (message: { ready?: boolean; id?: string; ok?: boolean; result?: unknown; error?: string }) => {
        if (message.ready) return resolve();
        const pending = message.id ? this.pending.get(message.id) : undefined;
        if (!pending) return;
        clearTimeout(pending.timer);
        this.pending.delete(message.id!);
        pending.resolve(message.ok ? { ok: true, result: message.result } : { ok: false, reason: "error", detail: message.error ?? "unknown error" });
      });
      child.once("exit", (code) => {
        if (this.child === child) this.child = undefined;
        reject(new Error(`function ${this.fn.name} exited with ${code} before it was ready`));
        for (const [id, pending] of this.pending) {
          clearTimeout(pending.timer);
          pending.resolve({ ok: false, reason: "error", detail: `process exited with ${code}` });
          this.pending.delete(id);
        }
      });
    });
    return this.ready;
  }

  async invoke(event: unknown): Promise<InvokeOutcome> {
    if (!this.child) await this.start();
    else await this.ready;
    const child = this.child!;
    const id = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, reason: "timeout", detail: `Task timed out after ${this.fn.timeoutSeconds}.00 seconds` });
        // Like Lambda, a timed-out invocation loses its container.
        if (this.child === child) this.child = undefined;
        child.kill("SIGKILL");
      }, this.fn.timeoutSeconds * 1000);
      this.pending.set(id, { resolve, timer });
      child.send({ id, event, context: { functionName: this.fn.name, awsRequestId: id } });
    });
  }

  stop(): void {
    for (const pending of this.pending.values()) clearTimeout(pending.timer);
    this.pending.clear();
    this.child?.kill("SIGKILL");
    this.child = undefined;
  }
}

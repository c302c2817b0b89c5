import { spawn, type StdioOptions } from "node:child_process";
import { performance } from "node:perf_hooks";
import { PROJECT_ROOT } from "../stacks/paths";

export interface Ended {
  readonly status: number;
  /** stdout and stderr as they came, when captured; empty when the child wrote to this terminal. */
  readonly output: string;
  readonly seconds: number;
}

/**
 * Runs a command in the project to its end, without blocking this process: its exit code (128
 * when a signal ended it), its output when `captured`, and how long it took.
 */
export function runToEnd(command: string, args: readonly string[], options: { captured: boolean; env?: NodeJS.ProcessEnv }): Promise<Ended> {
  const started = performance.now();
  const stdio: StdioOptions = options.captured ? ["ignore", "pipe", "pipe"] : "inherit";
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, env: options.env ?? process.env, stdio });
    const chunks: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.once("error", reject);
    child.once("close", (code, signal) =>
      resolve({ status: code ?? (signal ? 128 : 1), output: Buffer.concat(chunks).toString("utf8"), seconds: (performance.now() - started) / 1000 }),
    );
  });
}

import * as fs from "node:fs";
import { expectedError } from "../cli/command-line";

export interface InstanceLock {
  /** Adds what others should know (the URL it serves) to the lock file. */
  update(details: Record<string, string>): void;
  release(): void;
}

interface LockContent {
  readonly pid: number;
  readonly url?: string;
}

/** Lock files this process holds: a second gateway in the same process is refused too. */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The URL the live server of a stack serves, from its lock file; undefined when none runs. */
export function runningServerUrl(file: string): string | undefined {
  try {
    const holder = JSON.parse(fs.readFileSync(file, "utf8")) as LockContent;
    return holder.url && isAlive(holder.pid) ? holder.url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One local server per stack and data folder: the lock file holds the owner's pid. A lock whose
 * process is gone (a crash, kill -9) is taken over; a live one is an error that names it.
 */
export function acquireLock(file: string, stack: string): InstanceLock {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(file, JSON.stringify({ pid: process.pid }), { flag: "wx" });
      return lockAt(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder: LockContent | undefined;
    try {
      holder = JSON.parse(fs.readFileSync(file, "utf8")) as LockContent;
    } catch {
      holder = undefined;
    }
    if (holder && (holder.pid === process.pid ? heldHere.has(file) : isAlive(holder.pid))) {
      throw expectedError(`stack '${stack}' is already being served${holder.url ? ` at ${holder.url}` : ""} by process ${holder.pid}: stop it first (its data folder is in use)`);
    }
    fs.rmSync(file, { force: true });
  }
  throw expectedError(`could not take the lock ${file}: another instance is starting`);
}

function lockAt(file: string): InstanceLock {
  heldHere.add(file);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    heldHere.delete(file);
    try {
      const content = JSON.parse(fs.readFileSync(file, "utf8")) as LockContent;
      if (content.pid === process.pid) fs.rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  };
  process.once("exit", release);
  return {
    update: (details) => fs.writeFileSync(file, JSON.stringify({ pid: process.pid, ...details })),
    release: () => {
      process.off("exit", release);
      release();
    },
  };
}

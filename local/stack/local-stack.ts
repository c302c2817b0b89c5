import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { environments } from "../../environments";
import { PROJECT_ROOT } from "../../stacks/paths";
import { UsageError } from "../cli/command-line";
import { readStackModel, type StackModel } from "./stack-model";
import { SYNTH_ARGS, SYNTH_INPUTS } from "./synth-cache";
import { readEnvironmentConfig, type TerraformJson } from "./terraform-config";

export const LOCAL_DATA_DIR = path.join(PROJECT_ROOT, ".local");
export const DEFAULT_OUTDIR = path.join(PROJECT_ROOT, "cdktf.out");
/** Where `npm run dev` listens unless told otherwise. */
export const DEFAULT_PORT = 3000;

export interface LocalStack {
  readonly model: StackModel;
  readonly terraform: TerraformJson;
}

export function checkStackName(stack: string): string {
  if (!(stack in environments)) throw new UsageError(`--stack must name an environment (${Object.keys(environments).join(", ")}), got '${stack}'`);
  return stack;
}

/** Reads one synthesized environment (its API and data stacks) from `outdir`. */
export function readLocalStack(stack: string, outdir = DEFAULT_OUTDIR): LocalStack {
  const terraform = readEnvironmentConfig(outdir, stack);
  return { terraform, model: readStackModel(terraform, stack, path.join(outdir, "stacks", stack)) };
}

/** Synthesizes the app (as `npm run synth` does) into `outdir`, then reads one stack back. */
export function synthesizeLocalStack(stack: string, outdir = DEFAULT_OUTDIR, log: (line: string) => void = () => undefined): LocalStack {
  checkStackName(stack);
  // Loaded here, not at the top: reading an already synthesized stack should not load cdktf.
  const { synthesizeProject } = require("./synth") as typeof import("./synth");
  synthesizeProject({ outdir, log });
  return readLocalStack(stack, outdir);
}

function newestModification(entry: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(entry).map((name) => newestModification(path.join(entry, name))));
}

/** True when `outdir` holds the stack and no source changed after it was written. */
export function isSynthCurrent(stack: string, outdir = DEFAULT_OUTDIR): boolean {
  const written = ["manifest.json", path.join("stacks", stack, "cdk.tf.json")].map((file) => newestModification(path.join(outdir, file)));
  if (written.some((time) => time === 0)) return false;
  return Math.max(...SYNTH_INPUTS.map((source) => newestModification(path.join(PROJECT_ROOT, source)))) <= Math.min(...written);
}

/** The synthesized stack when it is current, else a fresh synth: what `npm run token` needs, without 1-3 s per call. */
export function loadLocalStack(stack: string, outdir = DEFAULT_OUTDIR): LocalStack & { readonly synthesized: boolean } {
  checkStackName(stack);
  if (isSynthCurrent(stack, outdir)) return { ...readLocalStack(stack, outdir), synthesized: false };
  return { ...synthesizeLocalStack(stack, outdir), synthesized: true };
}

export type SynthOutcome = { readonly ok: true } | { readonly ok: false; readonly message: string };

/**
 * Synthesizes in a fresh Node process, as `npm run synth` does: a long-running process (the dev
 * server) cannot re-import edited modules, and a bad edit must not take it down.
 */
export function synthesizeInChild(outdir = DEFAULT_OUTDIR): Promise<SynthOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, SYNTH_ARGS, {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const errors: Buffer[] = [];
    child.stderr.on("data", (chunk: Buffer) => errors.push(chunk));
    child.on("error", (error) => resolve({ ok: false, message: error.message }));
    child.on("close", (code) => resolve(code === 0 ? { ok: true } : { ok: false, message: Buffer.concat(errors).toString("utf8").trim() || `synth exited with ${code}` }));
  });
}

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline/promises";
import { parseArgs } from "node:util";
import { bootstrap, environments } from "../environments";
import { PROJECT_ROOT } from "../stacks/paths";
import { dataStackName } from "../stacks/notes-data-stack";
import { NotesApp } from "../stacks/notes-app";
import type { PlanJson } from "./terraform/offline-terraform";
import { deploymentsToRefresh, refreshArguments } from "./terraform/redeploy";

const USAGE = `usage:
  npm run deploy -- <environment> [--auto-approve] [--outputs-file outputs.json]
      synthesize, then plan, show and apply <environment>-data and <environment> in that order
  npm run deploy -- bootstrap [--auto-approve] [--outputs-file bootstrap-outputs.json]
  npm run -s deploy -- --stack <stack> --plan-out <file> [--read-only]
      plan one synthesized stack into a file and its text into <file>.txt (--read-only: no state lock)
  npm run -s deploy -- --stack <stack> --apply <file>        apply that file, then refresh the deployment if a route was removed

Applying a plan that removes an API route, preflight or gateway response is followed by a second
apply that replaces the stage's deployment: the first one was snapshotted while the removed
method still existed.`;

const OUTDIR = path.join(PROJECT_ROOT, "cdktf.out");

function stackFolder(stack: string): string {
  const folder = path.join(OUTDIR, "stacks", stack);
  if (!fs.existsSync(path.join(folder, "cdk.tf.json"))) throw new Error(`no synthesized stack '${stack}' in ${OUTDIR}: run npm run synth first`);
  return folder;
}

function terraform(stack: string, args: readonly string[], capture = false): string {
  const result = spawnSync("terraform", [...args], {
    cwd: stackFolder(stack),
    encoding: "utf8",
    stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  if (result.error) throw new Error(`terraform could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`terraform ${args[0]} failed for stack ${stack} (exit ${result.status})`);
  return result.stdout ?? "";
}

/** `terraform init`, then a saved plan of the stack and its text form next to it; `readOnly` takes no state lock (the plan role cannot write one). */
export function planStack(stack: string, planFile: string, readOnly = false): void {
  terraform(stack, ["init", "-input=false"]);
  terraform(stack, ["plan", "-input=false", ...(readOnly ? ["-lock=false"] : []), `-out=${path.resolve(planFile)}`]);
  fs.writeFileSync(`${path.resolve(planFile)}.txt`, terraform(stack, ["show", "-no-color", path.resolve(planFile)], true));
}

/** Applies a saved plan; if it removed a member of the API's snapshot, replaces the deployment once more. */
export function applyPlan(stack: string, planFile: string): void {
  const plan = JSON.parse(terraform(stack, ["show", "-json", path.resolve(planFile)], true)) as PlanJson;
  terraform(stack, ["init", "-input=false"]);
  terraform(stack, ["apply", "-input=false", path.resolve(planFile)]);
  const deployments = deploymentsToRefresh(plan);
  if (deployments.length) {
    console.log(`\n${stack}: the plan removed part of the API; replacing ${deployments.join(", ")} so the stage stops serving it`);
    terraform(stack, refreshArguments(deployments));
  }
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new Error("no terminal to confirm on: pass --auto-approve");
  const prompt = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await prompt.question(question);
  prompt.close();
  return answer.trim().toLowerCase() === "yes";
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      stack: { type: "string" },
      "plan-out": { type: "string" },
      "read-only": { type: "boolean", default: false },
      apply: { type: "string" },
      "auto-approve": { type: "boolean", default: false },
      "outputs-file": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  if (values.stack) {
    if (values["plan-out"]) return planStack(values.stack, values["plan-out"], values["read-only"]);
    if (values.apply) return applyPlan(values.stack, values.apply);
    throw new Error(`--stack needs --plan-out or --apply\n${USAGE}`);
  }
  const [target] = positionals;
  if (!target || positionals.length > 1) throw new Error(USAGE);
  const stacks = target === "bootstrap" ? ["bootstrap"] : target in environments ? [dataStackName(target), target] : undefined;
  if (!stacks) throw new Error(`unknown environment '${target}': choose bootstrap or one of ${Object.keys(environments).join(", ")}`);

  const app = new NotesApp({ outdir: OUTDIR });
  app.addEnvironments(Object.values(environments));
  app.addBootstrap(bootstrap);
  app.synth();

  const outputs: Record<string, Record<string, unknown>> = {};
  for (const stack of stacks) {
    const planFile = path.join(stackFolder(stack), `${stack}.tfplan`);
    planStack(stack, planFile);
    console.log(fs.readFileSync(`${planFile}.txt`, "utf8"));
    if (!values["auto-approve"] && !(await confirm(`Apply this plan to ${stack}? Only 'yes' applies: `))) {
      console.log(`${stack}: not applied`);
      return;
    }
    applyPlan(stack, planFile);
    const shown = JSON.parse(terraform(stack, ["output", "-json"], true)) as Record<string, { value: unknown }>;
    outputs[stack] = Object.fromEntries(Object.entries(shown).filter(([name]) => !name.startsWith("cross-stack-output-")).map(([name, output]) => [name, output.value]));
  }
  if (values["outputs-file"]) {
    const file = path.resolve(values["outputs-file"]);
    const existing = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>) : {};
    fs.writeFileSync(file, JSON.stringify({ ...existing, ...outputs }, null, 2) + "\n", { mode: 0o600 });
    console.log(`outputs of ${stacks.join(", ")} written to ${file}`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}

import "../local/cli/report-load-errors";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline/promises";
import { bootstrap, environments } from "../environments";
import { expectedError, parseCommandLine, runCli, UsageError } from "../local/cli/command-line";
import { synthesizeProject } from "../local/stack/synth";
import { PROJECT_ROOT } from "../stacks/paths";
import { dataStackName } from "../stacks/stack-names";
import { checkAwsCredentials, type DeployTarget } from "./deploy/aws-credentials";
import { changeSetOf, checkApproved, type ChangeSet } from "./terraform/change-set";
import type { PlanJson } from "./terraform/offline-terraform";
import { deploymentsToRefresh, refreshArguments } from "./terraform/redeploy";

const OUTDIR = path.join(PROJECT_ROOT, "cdktf.out");

function stackFolder(stack: string): string {
  const folder = path.join(OUTDIR, "stacks", stack);
  if (!fs.existsSync(path.join(folder, "cdk.tf.json"))) throw expectedError(`no synthesized stack '${stack}' in ${OUTDIR}: run npm run synth first`);
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
  if (result.error) throw expectedError(`terraform could not run: ${result.error.message}`);
  if (result.status !== 0) throw expectedError(`terraform ${args[0]} failed for stack ${stack} (exit ${result.status})`);
  return result.stdout ?? "";
}

const showPlan = (stack: string, planFile: string) => JSON.parse(terraform(stack, ["show", "-json", path.resolve(planFile)], true)) as PlanJson;

/**
 * `terraform init`, then a saved plan of the stack, its text form (`<file>.txt`, masked) and its
 * change set (`<file>.change-set.json`: addresses, actions and the digest an approver approves).
 * `readOnly` takes no state lock (a plan role cannot write one); `stateOnly` does not refresh, so
 * the plan reads the recorded state and nothing of the account (the pull-request role's reach).
 * Only the text and the change set may leave the machine: the plan file holds unmasked values.
 */
export function planStack(stack: string, planFile: string, options: { readOnly?: boolean; stateOnly?: boolean } = {}): ChangeSet {
  terraform(stack, ["init", "-input=false"]);
  terraform(stack, ["plan", "-input=false", ...(options.readOnly ? ["-lock=false"] : []), ...(options.stateOnly ? ["-refresh=false"] : []), `-out=${path.resolve(planFile)}`]);
  fs.writeFileSync(`${path.resolve(planFile)}.txt`, terraform(stack, ["show", "-no-color", path.resolve(planFile)], true));
  const changeSet = changeSetOf(showPlan(stack, planFile));
  fs.writeFileSync(`${path.resolve(planFile)}.change-set.json`, JSON.stringify({ stack, ...changeSet }, null, 2) + "\n");
  console.log(`${stack}: change set ${changeSet.digest} (${changeSet.changes.length} changes)`);
  return changeSet;
}

/** Applies a saved plan; if it removed a member of the API's snapshot, replaces the deployment once more. */
export function applyPlan(stack: string, planFile: string): void {
  const plan = showPlan(stack, planFile);
  terraform(stack, ["init", "-input=false"]);
  terraform(stack, ["apply", "-input=false", path.resolve(planFile)]);
  const deployments = deploymentsToRefresh(plan);
  if (deployments.length) {
    console.log(`\n${stack}: the plan removed part of the API; replacing ${deployments.join(", ")} so the stage stops serving it`);
    terraform(stack, refreshArguments(deployments));
  }
}

/**
 * Plans the stack again on this machine and applies that plan only if its change set is the one
 * the approver saw (`approvedDigest`, from the plan job): the saved plan never travels between jobs.
 */
export function applyApproved(stack: string, approvedDigest: string): void {
  const planFile = path.join(stackFolder(stack), `${stack}.approved.tfplan`);
  const current = planStack(stack, planFile);
  try {
    checkApproved(stack, current, approvedDigest);
  } catch (error) {
    throw expectedError((error as Error).message);
  }
  applyPlan(stack, planFile);
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError("no terminal to confirm on: pass --auto-approve");
  const prompt = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await prompt.question(question);
  prompt.close();
  return answer.trim().toLowerCase() === "yes";
}

const spec = {
  command: "npm run deploy --",
  positionals: "<environment>|bootstrap",
  summary: `Synthesizes, then plans, shows, confirms and applies the environment's two stacks (<environment>-data, then <environment>), or the bootstrap stack. With --stack, plans or applies one synthesized stack through a plan file.

Applying a plan that removes an API route, preflight or gateway response is followed by a second
apply that replaces the stage's deployment: the first one was snapshotted while the removed
method still existed.`,
  options: {
    "auto-approve": { type: "boolean", description: "apply without asking (CI)", default: false },
    "outputs-file": { type: "string", value: "file", description: "after applying, write the stacks' outputs as JSON (merged into an existing file)" },
    stack: { type: "string", value: "stack", description: "one synthesized stack, with --plan-out or --apply" },
    "plan-out": { type: "string", value: "file", description: "plan --stack into <file>, its text into <file>.txt, its change set into <file>.change-set.json" },
    "read-only": { type: "boolean", description: "with --plan-out: take no state lock (the plan roles cannot write one)", default: false },
    "state-only": { type: "boolean", description: "with --plan-out: plan against the recorded state without refreshing it (-refresh=false; the pull-request role reads state only)", default: false },
    apply: { type: "string", value: "file", description: "apply exactly this plan file to --stack, then the refresh step if it removed a route" },
    "apply-approved": { type: "string", value: "digest", description: "plan --stack again and apply it only if its change set has this digest (what the approver saw)" },
  },
  examples: [
    "npm run deploy -- bootstrap --outputs-file bootstrap-outputs.json",
    "npm run deploy -- dev --outputs-file outputs.json",
    "npm run -s deploy -- --stack prod --plan-out prod.tfplan --read-only",
    "npm run -s deploy -- --stack dev --plan-out dev.tfplan --read-only --state-only",
    "npm run -s deploy -- --stack prod --apply prod.tfplan",
    'npm run -s deploy -- --stack prod --apply-approved "sha256:..."',
  ],
} as const;

/** The account and region a stack deploys to, from the config. */
function deployTarget(stack: string): DeployTarget {
  if (stack === "bootstrap") return { stack, accountId: bootstrap.accountId, region: bootstrap.region };
  const config = Object.values(environments).find((candidate) => stack === candidate.name || stack === dataStackName(candidate.name));
  if (!config) throw new UsageError(`unknown stack '${stack}': bootstrap, or an environment's two (${Object.keys(environments).flatMap((name) => [dataStackName(name), name]).join(", ")})`);
  return { stack, accountId: config.accountId, region: config.region };
}

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine(spec);
  if (values.stack) {
    if (positionals.length) throw new UsageError(`--stack takes no <environment> argument, got '${positionals.join(" ")}'`);
    if (!values["plan-out"] && !values.apply && !values["apply-approved"]) throw new UsageError("--stack needs --plan-out <file>, --apply <file> or --apply-approved <digest>");
    if (values["apply-approved"] && !/^sha256:[0-9a-f]{64}$/.test(values["apply-approved"])) {
      throw new UsageError(`--apply-approved takes the digest of a change set (sha256:<64 hex digits>), got '${values["apply-approved"]}'`);
    }
    await checkAwsCredentials(deployTarget(values.stack));
    if (values["plan-out"]) return void planStack(values.stack, values["plan-out"], { readOnly: values["read-only"], stateOnly: values["state-only"] });
    if (values.apply) applyPlan(values.stack, values.apply);
    else applyApproved(values.stack, values["apply-approved"]!);
    return values["outputs-file"] ? writeOutputs([values.stack], values["outputs-file"]) : undefined;
  }
  const [target] = positionals;
  if (!target) throw new UsageError(`name what to deploy: bootstrap or one of ${Object.keys(environments).join(", ")} (npm run deploy -- --help)`);
  if (positionals.length > 1) throw new UsageError(`deploy one environment at a time, got '${positionals.join(" ")}'`);
  const stacks = target === "bootstrap" ? ["bootstrap"] : target in environments ? [dataStackName(target), target] : undefined;
  if (!stacks) throw new UsageError(`unknown environment '${target}': choose bootstrap or one of ${Object.keys(environments).join(", ")}`);
  await checkAwsCredentials({ ...deployTarget(stacks[0]!), stack: target });

  synthesizeProject({ outdir: OUTDIR, log: (line) => console.log(line) });

  for (const stack of stacks) {
    const planFile = path.join(stackFolder(stack), `${stack}.tfplan`);
    planStack(stack, planFile);
    console.log(fs.readFileSync(`${planFile}.txt`, "utf8"));
    if (!values["auto-approve"] && !(await confirm(`Apply this plan to ${stack}? Only 'yes' applies: `))) {
      console.log(`${stack}: not applied`);
      return;
    }
    applyPlan(stack, planFile);
  }
  if (values["outputs-file"]) writeOutputs(stacks, values["outputs-file"]);
}

/** Merges the stacks' outputs (`terraform output -json`, without cdktf's cross-stack ones) into `file`, mode 600. */
function writeOutputs(stacks: readonly string[], file: string): void {
  const outputs: Record<string, Record<string, unknown>> = {};
  for (const stack of stacks) {
    const shown = JSON.parse(terraform(stack, ["output", "-json"], true)) as Record<string, { value: unknown }>;
    outputs[stack] = Object.fromEntries(Object.entries(shown).filter(([name]) => !name.startsWith("cross-stack-output-")).map(([name, output]) => [name, output.value]));
  }
  const target = path.resolve(file);
  const existing = fs.existsSync(target) ? (JSON.parse(fs.readFileSync(target, "utf8")) as Record<string, unknown>) : {};
  fs.writeFileSync(target, JSON.stringify({ ...existing, ...outputs }, null, 2) + "\n", { mode: 0o600 });
  console.log(`outputs of ${stacks.join(", ")} written to ${target}`);
}

runCli(main);

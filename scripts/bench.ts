import "../local/cli/report-load-errors";
import { execFile, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { environments } from "../environments";
import { integerOption, parseCommandLine, runCli } from "../local/cli/command-line";
import { apiEvent, tokenClaims } from "../local/gateway/api-event";
import { createTablesFromTerraform, localSdkEnvironment, startLocalDynamo } from "../local/runtime/dynamodb";
import { extractZip } from "../local/runtime/function-runner";
import { LAMBDA_RUNTIME } from "../stacks/functions/node-function";
import { synthesizeLocalStack } from "../local/stack/local-stack";
import { functionNameFor, handlerSlug } from "../stacks/api/route-paths";
import { notesRoutes, type Route } from "../stacks/api/routes";
import { BUILD_DIR, PROJECT_ROOT } from "../stacks/paths";
import { copyProject, differingFiles, gitCommit, removeFolder, synthIn } from "./project-copy";
import { BUDGETS, budgetChecks } from "./bench/budgets";
import { round, stats, type Stats } from "./bench/stats";
import { nodeBinary } from "./node-release";
import { scaleRow, type ScaleRow } from "./scale-bench";

/** Generated groups of five routes per scale row: 7, 57, 207 and 507 routes with the table's own 7. */
const SCALE_GROUPS = [0, 10, 40, 100] as const;

const spec = {
  command: "npm run bench --",
  summary:
    "Measures synth time (and at 7 to 507 routes), bundle sizes, cold starts, determinism and npm test's wall time, writes them to bench-results/latest.json, and exits 1 when a budget is broken. Takes about 4 minutes on 2 cores.",
  options: {
    runs: { type: "string", value: "number", description: "measured runs of each synth, after one warm-up", default: "5" },
    "cold-start-runs": { type: "string", value: "number", description: "fresh processes per function for its cold start", default: "7" },
    "scale-cold-runs": { type: "string", value: "number", description: "cold synths per scale row (the budget reads their median)", default: "3" },
    "skip-ts-node": { type: "boolean", description: "leave out the ts-node comparison", default: false },
    "skip-scale": { type: "boolean", description: "leave out the 57 to 507 route rows (and their budgets); the example's row, every ratio's baseline, stays", default: false },
  },
  examples: ["npm run bench", "npm run bench -- --skip-scale --runs 3"],
} as const;

/** What the command line asked for: set first thing in main. */
const settings = { runs: 5, coldStartRuns: 7, scaleColdRuns: 3, skipTsNode: false, skipScale: false };
const RESULTS = path.join(PROJECT_ROOT, "bench-results", "latest.json");


/** Wall time of one command in a fresh process; throws when it fails. */
function timed(command: string, commandArgs: string[], env: NodeJS.ProcessEnv = {}): number {
  const start = performance.now();
  const result = spawnSync(command, commandArgs, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, encoding: "utf8" });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return elapsed;
}

/** One warm-up, then `runs` measured runs. */
function measure(label: string, run: () => number, runs = settings.runs): Stats {
  process.stderr.write(`bench: ${label} (1 warm-up + ${runs} runs)\n`);
  run();
  return stats(Array.from({ length: runs }, run));
}

function synthStats() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-synth-"));
  const env = { CDKTF_OUTDIR: outdir, STATE_BUCKET: "" };
  // --force: a full synth every run (the build cache stays warm); the no-change case is in the scale table.
  const npm = measure("npm run synth -- --force", () => timed("npm", ["run", "-s", "synth", "--", "--force"], env));
  const tsNode = settings.skipTsNode
    ? undefined
    : measure("synth with ts-node type checking", () => timed(process.execPath, ["-r", "ts-node/register", "main.ts"], { ...env, CHECKPOINT_DISABLE: "1" }));
  removeFolder(outdir);
  return { npm, tsNode };
}

/**
 * `npm test` as a developer runs it again with nothing changed: first (not counted) the type
 * checks bring their build info (.build/tsc/) up to date with the tree, as the previous run would
 * have, so the figure does not depend on what was edited before the bench. A clone's first run
 * checks everything, and a run after an edit re-checks what changed (docs/performance.md has both).
 */
function testWallTime(): number {
  process.stderr.write("bench: npm test (1 run, after tsc --build brings the type checks' build info up to date)\n");
  for (const project of [".", "web"]) timed(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsc"), ["--build", project], {});
  return round(timed("npm", ["test", "--silent"], { STATE_BUCKET: "" }));
}

/** One cold start: a fresh process loads `handlerFile` and invokes it once with `eventFile` (cold-start-child.js). */
async function coldStart(handlerFile: string, eventFile: string, env: NodeJS.ProcessEnv): Promise<{ totalMs: number; loadMs: number; status: number }> {
  const output = await runChild([path.join(__dirname, "cold-start-child.js"), handlerFile, eventFile], { PATH: process.env.PATH, ...env });
  return JSON.parse(output) as { totalMs: number; loadMs: number; status: number };
}

/**
 * A baseline handler's cold starts (scripts/bench/), in the same child and environment as a data
 * handler: `sdk-floor-handler.js` (the AWS SDK alone: load the DynamoDB client, send one GetItem)
 * and `signed-request-handler.js` (one GetItem signed with aws4, no project code).
 */
async function baseline(file: string, env: NodeJS.ProcessEnv, eventFile: string): Promise<Stats> {
  const samples: number[] = [];
  for (let run = 0; run < settings.coldStartRuns; run += 1) {
    samples.push((await coldStart(path.join(__dirname, "bench", file), eventFile, env)).totalMs);
  }
  return stats(samples);
}

function determinism(): { differing: string[] } {
  process.stderr.write("bench: determinism (two synths in fresh folders)\n");
  const first = copyProject("bench-det-a-");
  const second = copyProject("bench-det-b-");
  try {
    synthIn(first, path.join(first, "out"), { TZ: "UTC" });
    synthIn(second, path.join(second, "out"), { TZ: "Asia/Kolkata" });
    return { differing: differingFiles(path.join(first, "out"), path.join(second, "out")) };
  } finally {
    removeFolder(first);
    removeFolder(second);
  }
}

interface FunctionFigures {
  readonly handler: string;
  readonly bundleBytes: number;
  readonly zipBytes: number;
  readonly coldStart: Stats;
  readonly loadMedianMs: number;
  readonly status: number;
}

/**
 * The Node.js the functions run on in Lambda (nodejs24.x: Node 24), from the npm registry: a cold
 * start on another major measures that major (Node 20 parses a source map eagerly, 24 lazily).
 * Without the registry, this process's Node, and the report says so.
 */
function runtimeNode(): { path: string; version: string; note: string } {
  const major = /^nodejs(\d+)\.x$/.exec(LAMBDA_RUNTIME)?.[1];
  try {
    const binary = nodeBinary(major!);
    const version = spawnSync(binary, ["--version"], { encoding: "utf8" }).stdout.trim();
    return { path: binary, version, note: `Node ${version}, the functions' runtime (${LAMBDA_RUNTIME})` };
  } catch (error) {
    return { path: process.execPath, version: process.version, note: `Node ${process.version}: the runtime's Node ${major} could not be installed (${(error as Error).message.split("\n")[0]})` };
  }
}

let coldStartNode: ReturnType<typeof runtimeNode> | undefined;

function runChild(childArgs: string[], env: NodeJS.ProcessEnv): Promise<string> {
  coldStartNode ??= runtimeNode();
  return new Promise((resolve, reject) => {
    execFile(coldStartNode!.path, childArgs, { env, timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`node ${childArgs.join(" ")} failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

/** A representative request per route, as API Gateway would deliver it. */
function representativeEvent(route: Route, noteId: string): APIGatewayProxyEvent {
  const scopes = ["openid", "email", "https://notes.example.com/notes.read", "https://notes.example.com/notes.write"];
  const claims = route.public ? undefined : tokenClaims({ sub: BENCH_OWNER, username: "bench", clientId: "benchclient", scopes });
  const pathParameters = route.path.includes("{id}") ? { id: noteId } : undefined;
  const body = route.method === "POST" || route.method === "PUT" ? JSON.stringify({ title: "Benchmark", body: "a representative note" }) : null;
  return apiEvent({ method: route.method, resource: route.path, pathParameters, body, claims, headers: { Origin: "http://localhost:5173" } });
}

const BENCH_OWNER = "0b5e7f6a-3c1d-4e2f-9a8b-7c6d5e4f3a21";

async function functionFigures(): Promise<{ functions: FunctionFigures[]; floor: Stats; signedRequest: Stats }> {
  process.stderr.write(`bench: bundles and cold starts (${settings.coldStartRuns} fresh processes per function)\n`);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-functions-"));
  const { model, terraform } = synthesizeLocalStack("dev", outdir);
  const dynamo = await startLocalDynamo();
  await createTablesFromTerraform(dynamo.client, terraform);
  const tableName = model.tables[0]!;
  const seedNote = async () => {
    const id = randomUUID();
    const now = new Date().toISOString();
    await dynamo.client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { owner: { S: BENCH_OWNER }, id: { S: id }, title: { S: "seed" }, body: { S: "" }, createdAt: { S: now }, updatedAt: { S: now } },
      }),
    );
    return id;
  };

  const figures: FunctionFigures[] = [];
  const sdkEnv = localSdkEnvironment(dynamo.endpoint, model.region);
  let floor: Stats;
  let signedRequest: Stats;
  try {
    const dataFunction = model.functions.get(functionNameFor(environments.dev, notesRoutes.find((route) => route.tableActions?.length)!.handler))!;
    const floorEvent = path.join(outdir, "floor-event.json");
    fs.writeFileSync(floorEvent, "{}");
    floor = await baseline("sdk-floor-handler.js", { ...dataFunction.environment, ...sdkEnv }, floorEvent);
    signedRequest = await baseline("signed-request-handler.js", { ...dataFunction.environment, ...sdkEnv }, floorEvent);
    for (const route of notesRoutes) {
      const fn = model.functions.get(functionNameFor(environments.dev, route.handler))!;
      // Inside the project, so the bundle's external @aws-sdk/* resolves as the runtime's would.
      const folder = path.join(BUILD_DIR, "..", "bench", handlerSlug(route.handler));
      const entries = extractZip(fn.zipPath, folder);
      const env = { ...fn.environment, ...sdkEnv };
      const totals: number[] = [];
      const loads: number[] = [];
      let status = 0;
      for (let run = 0; run < settings.coldStartRuns; run += 1) {
        const eventFile = path.join(folder, "event.json");
        fs.writeFileSync(eventFile, JSON.stringify(representativeEvent(route, await seedNote())));
        // Asynchronous: the DynamoDB server runs in this process and must keep answering.
        const measured = await coldStart(path.join(folder, "index.js"), eventFile, env);
        totals.push(measured.totalMs);
        loads.push(measured.loadMs);
        status = measured.status;
      }
      figures.push({
        handler: route.handler,
        // What the runtime loads: the handler's own code and the shared modules it uses (index.js, shared.js)
        bundleBytes: Object.entries(entries).reduce((sum, [name, bytes]) => (name.endsWith(".js") ? sum + bytes.byteLength : sum), 0),
        zipBytes: fs.statSync(fn.zipPath).size,
        coldStart: stats(totals),
        loadMedianMs: stats(loads).median,
        status,
      });
    }
  } finally {
    await dynamo.close();
    removeFolder(outdir);
  }
  return { functions: figures, floor, signedRequest };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => "| " + row.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ") + " |";
  return [line(rows[0]!), "|" + widths.map((width) => "-".repeat(width + 2)).join("|") + "|", ...rows.slice(1).map(line)].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseCommandLine(spec);
  Object.assign(settings, {
    runs: integerOption("runs", values.runs, 1, 100),
    coldStartRuns: integerOption("cold-start-runs", values["cold-start-runs"], 1, 100),
    scaleColdRuns: integerOption("scale-cold-runs", values["scale-cold-runs"], 1, 100),
    skipTsNode: values["skip-ts-node"],
    skipScale: values["skip-scale"],
  });
  const synth = synthStats();
  const scale: ScaleRow[] = SCALE_GROUPS.filter((groups) => groups === 0 || !settings.skipScale).map((groups) => scaleRow(groups, groups === 40, settings.scaleColdRuns, (line) => process.stderr.write(`${line}\n`)));
  const { functions, floor, signedRequest } = await functionFigures();
  const deterministic = determinism();
  const testMs = testWallTime();

  const checks = budgetChecks({
    scale,
    functions: functions.map((fn) => ({ handler: fn.handler, bundleBytes: fn.bundleBytes, coldStartMs: fn.coldStart.median, withTable: (notesRoutes.find((route) => route.handler === fn.handler)?.tableActions ?? []).length > 0 })),
    sdkFloorMs: floor.median,
    npmTestMs: testMs,
    differingFiles: deterministic.differing.length,
  });

  const machine = {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  const results = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    machine,
    synth: { npmRunSynth: synth.npm, tsNodeTypeChecked: synth.tsNode ?? null },
    scale,
    npmTestWallMs: testMs,
    functions,
    sdkFloorMs: floor,
    signedRequestMs: signedRequest,
    coldStartNode: coldStartNode?.version ?? process.version,
    determinism: deterministic,
    budgets: BUDGETS,
    checks,
  };
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, JSON.stringify(results, null, 2) + "\n");

  const fmt = (value: Stats | undefined) => (value ? `${value.median} (${value.min}-${value.max})` : "skipped");
  const out = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}; commit ${results.commit}`,
    "",
    table([
      ["Synth of all stacks (ms)", "median (min-max)", "runs"],
      ["npm run synth -- --force (tsx, no type check)", fmt(synth.npm), String(settings.runs)],
      ["ts-node with type checking (comparison)", fmt(synth.tsNode), settings.skipTsNode ? "-" : String(settings.runs)],
    ]),
    "",
    ...(scale.length
      ? [
          table([
            ["Routes", "dev resources", "per route", "cold synth ms (median)", "example's cold synth ms, in turn", "peak MiB", "forced warm ms", "no change ms", "warm = cold", "terraform plan ms (empty / deployed)"],
            ...scale.map((row) => [
              String(row.routes),
              String(row.devResources),
              String(row.resourcesPerRoute),
              String(row.coldMs),
              row.baselineColdMs === undefined ? "-" : String(row.baselineColdMs),
              String(row.coldPeakMiB),
              String(row.forcedWarmMs),
              String(row.noChangeMs),
              row.differingFiles === 0 ? "yes" : `NO (${row.differingFiles} files)`,
              row.planMs ? `${Math.round(row.planMs.empty)} / ${Math.round(row.planMs.deployed)}` : "-",
            ]),
          ]),
          "",
        ]
      : []),
    table([
      ["Function", "bundle (B)", "zip (B)", "cold start median (min-max) ms", "of which module load ms", "status"],
      ...functions.map((fn) => [fn.handler, String(fn.bundleBytes), String(fn.zipBytes), fmt(fn.coldStart), String(fn.loadMedianMs), String(fn.status)]),
    ]),
    `For comparison, the AWS SDK alone (a handler that loads client-dynamodb and lib-dynamodb and sends one GetItem, timed the same way), median (min-max): ${fmt(floor)} ms; one GetItem signed with aws4 and no project code: ${fmt(signedRequest)} ms. Cold starts on ${coldStartNode?.note ?? "this Node"}, after what Lambda's runtime loads before a handler (http, net).`,
    "",
    table([["Budget", "value", "budget", "inputs", "ok"], ...checks.map((check) => [check.what, `${check.value} ${check.unit}`, `${check.budget} ${check.unit}`, check.inputs ?? "", check.ok ? "yes" : "NO"])]),
    "",
    `Figures written to ${path.relative(PROJECT_ROOT, RESULTS)}`,
  ];
  process.stdout.write(out.join("\n") + "\n");
  const broken = checks.filter((check) => !check.ok);
  if (broken.length) {
    process.stderr.write(`bench: ${broken.length} budget(s) broken: ${broken.map((check) => check.what).join("; ")}\n`);
    process.exit(1);
  }
}

runCli(main);

import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { version as esbuildVersion, type BuildOptions } from "esbuild";
import type { BuildReply, BuildRequest, BuiltZip } from "./build-worker";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { BUILD_DIR, FUNCTIONS_DIR, PROJECT_ROOT } from "../paths";


/**
 * fflate writes DOS times from the Date's local-time fields, so a Date built from local fields
 * gives the same bytes in every time zone.
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const FILE_MODE = 0o100644;

export interface FunctionBundle {
  /** Handler module under `functions/`, for example `notes/list`. */
  readonly handler: string;
  /** Absolute path of the reproducible zip. */
  readonly zipPath: string;
  /** Base64 SHA-256 of the zip bytes: the function's `source_code_hash`. */
  readonly sourceCodeHash: string;
  /** Hex SHA-256 of the zip bytes, shortened; names the asset folder. */
  readonly contentHash: string;
  /** Size of the minified `index.js`. */
  readonly bundleBytes: number;
  readonly zipBytes: number;
}

/** esbuild's target for the functions' runtime (`nodejs24.x`). */
export const NODE_TARGET = "node24";

const bundles = new Map<string, FunctionBundle>();
/** Handlers an asynchronous build is making now (`handler@target`): not built again meanwhile. */
const pending = new Set<string>();

/** Build records, one per handler and target: what went in (with content hashes) and what came out. */
const CACHE_DIR = path.join(BUILD_DIR, "..", "cache");
/** Files esbuild reads besides the inputs it reports. */
const CONFIG_FILES = ["package.json", "tsconfig.json"];

interface BuildRecord {
  readonly key: string;
  /** Input path (relative to the project) to the SHA-256 of its content. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly zipFile: string;
  readonly sourceCodeHash: string;
  readonly contentHash: string;
  readonly bundleBytes: number;
  readonly zipBytes: number;
}

/** Content hashes of input files, once per process: every handler reads the same shared modules. */
const fileHashes = new Map<string, string | undefined>();

function sha256File(file: string): string | undefined {
  if (fileHashes.has(file)) return fileHashes.get(file);
  let hash: string | undefined;
  try {
    hash = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  } catch {
    hash = undefined;
  }
  fileHashes.set(file, hash);
  return hash;
}

const slugOf = (handler: string) => handler.replace(/[^A-Za-z0-9]+/g, "-");
const entryOf = (handler: string) => path.join(FUNCTIONS_DIR, `${handler}.ts`);

/** esbuild's options for any set of handlers: each bundles on its own into `<slug>/index.js`. */
function esbuildOptions(handlers: readonly string[], nodeTarget: string): BuildOptions {
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: handlers.map((handler) => ({ in: entryOf(handler), out: `${slugOf(handler)}/index` })),
    outdir: BUILD_DIR,
    bundle: true,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    platform: "node",
    format: "cjs",
    target: nodeTarget,
    // Node has had Unicode property escapes (\p{...}) since 10, but esbuild 0.28's table does not
    // list them for node24 and so rewrites such a literal as `new RegExp(...)`, a call it must keep:
    // valibot's unused emoji pattern then stayed in every data handler, compiled at each cold start
    // (about 0.5 ms, 465 bytes). As a literal it is dropped with the rest of what is unused.
    supported: { "regexp-unicode-property-escapes": true },
    legalComments: "none",
    // Source map paths as the project sees node_modules, even when it is a link (copies, installs elsewhere).
    preserveSymlinks: true,
    logLevel: "silent",
    write: false,
    metafile: true,
  };
}

/** What makes a build of `handler` reusable: esbuild's version, the options, the zip format. */
function recordKey(handler: string, nodeTarget: string): string {
  const options = { ...esbuildOptions([handler], nodeTarget), absWorkingDir: undefined, outdir: undefined, entryPoints: [handler] };
  // The worker's source is the zip's layout and format: a new one builds every zip anew
  workerSourceHash ??= createHash("sha256").update(fs.readFileSync(WORKER_SOURCE)).digest("hex");
  return createHash("sha256").update(JSON.stringify({ esbuild: esbuildVersion, options, zip: FIXED_MTIME.getTime(), level: ZIP_LEVEL, worker: workerSourceHash })).digest("hex");
}

let workerSourceHash: string | undefined;

const recordFileOf = (handler: string, nodeTarget: string) => path.join(CACHE_DIR, `${slugOf(handler)}@${nodeTarget}.json`);

/** The record of an earlier build whose inputs are all unchanged and whose zip still exists. */
function reusableBuild(handler: string, nodeTarget: string): BuildRecord | undefined {
  let record: BuildRecord;
  try {
    record = JSON.parse(fs.readFileSync(recordFileOf(handler, nodeTarget), "utf8")) as BuildRecord;
  } catch {
    return undefined;
  }
  if (record.key !== recordKey(handler, nodeTarget) || !fs.existsSync(path.join(BUILD_DIR, record.zipFile))) return undefined;
  const unchanged = Object.entries(record.inputs).every(([input, hash]) => sha256File(path.join(PROJECT_ROOT, input)) === hash);
  return unchanged ? record : undefined;
}

function toBundle(handler: string, record: BuildRecord): FunctionBundle {
  return {
    handler,
    zipPath: path.join(BUILD_DIR, record.zipFile),
    sourceCodeHash: record.sourceCodeHash,
    contentHash: record.contentHash,
    bundleBytes: record.bundleBytes,
    zipBytes: record.zipBytes,
  };
}

/**
 * Bundles every handler not built yet, in one esbuild call (esbuild parses shared modules once and
 * uses every core), so a synth pays one build for all its functions instead of one per function.
 * Handlers whose inputs are unchanged since an earlier build reuse its zip. `bundleFunction` then
 * answers from memory.
 */
export function prebuildFunctions(handlers: readonly string[], nodeTarget: string): void {
  const toBuild = handlersToBuild(handlers, nodeTarget);
  if (!toBuild.length) return;
  for (const [file, content] of recordAll(toBuild, nodeTarget, runBuild(buildRequest(toBuild, nodeTarget)))) writeThrough(file, content);
}

/**
 * The same without waiting: the build and the zipping run in a worker thread (esbuild in its own
 * process), so they go on while this thread loads, builds and checks the app, and its results
 * are ready when the app is.
 */
export async function prebuildFunctionsAsync(handlers: readonly string[], nodeTarget: string): Promise<void> {
  const toBuild = handlersToBuild(handlers, nodeTarget);
  if (!toBuild.length) return;
  for (const handler of toBuild) pending.add(`${handler}@${nodeTarget}`);
  try {
    const records = recordAll(toBuild, nodeTarget, await startBuild(buildRequest(toBuild, nodeTarget)));
    // The records go to disk while this thread writes the stacks (at 500 routes, 500 small files
    // took 0.3 s of it); recordsWritten() waits for them.
    const written = Promise.all(records.map(([file, content]) => writeThroughAsync(file, content))).then(() => undefined);
    written.catch(() => undefined); // reported by recordsWritten(), not as an unhandled rejection
    recordWrites.push(written);
  } finally {
    for (const handler of toBuild) pending.delete(`${handler}@${nodeTarget}`);
  }
}

const recordWrites: Promise<void>[] = [];

/** Resolves once every build record an asynchronous build made is on disk (rejects when one could not be written). */
export async function recordsWritten(): Promise<void> {
  while (recordWrites.length) await recordWrites.shift();
}

/** Handlers neither in memory nor reusable from an earlier build; the reusable ones are loaded on the way. */
function handlersToBuild(handlers: readonly string[], nodeTarget: string): string[] {
  const missing = [...new Set(handlers)].filter((handler) => !bundles.has(`${handler}@${nodeTarget}`) && !pending.has(`${handler}@${nodeTarget}`));
  for (const handler of missing) {
    if (!fs.existsSync(entryOf(handler))) throw new Error(`invalid handler '${handler}': no file functions/${handler}.ts`);
  }
  const toBuild: string[] = [];
  for (const handler of missing) {
    const reusable = reusableBuild(handler, nodeTarget);
    if (reusable) bundles.set(`${handler}@${nodeTarget}`, toBundle(handler, reusable));
    else toBuild.push(handler);
  }
  return toBuild;
}

/**
 * Bundles `functions/<handler>.ts` with esbuild (minified, source map, every dependency inside:
 * nothing is left to the runtime's SDK) into a zip with fixed timestamps and sorted entries, so the same source gives the same
 * bytes on any machine (docs/aws-facts.md §4: TerraformAsset archives are not reproducible).
 * Cached per process (every stack shares one build) and across processes: a build is reused when
 * the esbuild version, the options and the content of every input esbuild read are unchanged.
 */
export function bundleFunction(handler: string, nodeTarget: string): FunctionBundle {
  prebuildFunctions([handler], nodeTarget);
  const bundle = bundles.get(`${handler}@${nodeTarget}`);
  if (!bundle) throw new Error(`${handler} is still being built: wait for prebuildFunctionsAsync`);
  return bundle;
}

/**
 * A bundle's value as a string for the Terraform: the value once the bundle is built; while an
 * asynchronous build is making it, a marker that `fillPendingBundles` replaces after the build.
 * This lets the app be built, resolved and checked while esbuild works.
 */
export function bundleValue(handler: string, nodeTarget: string, field: "sourceCodeHash" | "assetPath", asset: { readonly folder: string }): string {
  const key = `${handler}@${nodeTarget}`;
  if (pending.has(key)) return `${PENDING_MARK}${JSON.stringify([handler, nodeTarget, field, asset.folder])}${PENDING_MARK}`;
  const bundle = bundleFunction(handler, nodeTarget);
  return field === "sourceCodeHash" ? bundle.sourceCodeHash : assetPathOf(bundle, asset.folder);
}

/** Where a zip goes in a stack's folder, as cdktf's TerraformAsset puts files: `<folder>/<content hash>/<zip>`. */
export function assetPathOf(bundle: FunctionBundle, folder: string): string {
  return path.posix.join(folder, bundle.contentHash, path.basename(bundle.zipPath));
}

const PENDING_MARK = "\u0000pending-bundle\u0000";
const PENDING_VALUE = new RegExp(`${PENDING_MARK}(.*?)${PENDING_MARK}`, "g");

/**
 * `value` with every pending-bundle marker replaced by the built bundle's value; fails for a bundle
 * not built. A part without a marker is returned as it is, not copied: only the objects on the way
 * to a marker are new (copying every object of 500 routes' stacks was 0.18 s and their garbage).
 */
export function fillPendingBundles<T>(value: T): T {
  if (typeof value === "string") {
    if (!value.includes(PENDING_MARK)) return value;
    return value.replace(PENDING_VALUE, (_, json: string) => {
      const [handler, nodeTarget, field, folder] = JSON.parse(json) as [string, string, "sourceCodeHash" | "assetPath", string];
      const bundle = bundles.get(`${handler}@${nodeTarget}`);
      if (!bundle) throw new Error(`${handler} was not built: await prebuildFunctionsAsync before writing the stacks`);
      return field === "sourceCodeHash" ? bundle.sourceCodeHash : assetPathOf(bundle, folder);
    }) as T;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((entry: unknown, index) => {
      const filled = fillPendingBundles(entry);
      if (filled !== entry) (copy ??= [...value])[index] = filled;
    });
    return (copy ?? value) as T;
  }
  if (value !== null && typeof value === "object") {
    let copy: Record<string, unknown> | undefined;
    for (const [key, entry] of Object.entries(value)) {
      const filled = fillPendingBundles(entry);
      if (filled !== entry) (copy ??= { ...(value as Record<string, unknown>) })[key] = filled;
    }
    return (copy ?? value) as T;
  }
  return value;
}

/** The build runs in a worker thread: build-worker.ts. */
const WORKER_SOURCE = path.join(PROJECT_ROOT, "stacks", "functions", "build-worker.ts");
/** What the handlers share: functions/shared/, bundled into each zip's shared.js (build-worker.ts). */
const SHARED_FOLDER = "shared";
/** fflate's level 6: within 0.2% of level 9's size in three quarters of its time (207 handlers: 4.50 vs 4.49 MB, 442 vs 590 ms). */
const ZIP_LEVEL = 6;

function buildRequest(handlers: readonly string[], nodeTarget: string): BuildRequest {
  const { entryPoints: _entries, outdir: _outdir, absWorkingDir: _root, ...options } = esbuildOptions(handlers, nodeTarget);
  return {
    handlers: handlers.map((handler) => ({ handler, slug: slugOf(handler) })),
    functionsDir: FUNCTIONS_DIR,
    sharedFolder: SHARED_FOLDER,
    buildDir: BUILD_DIR,
    projectRoot: PROJECT_ROOT,
    options,
    level: ZIP_LEVEL,
    mtime: [FIXED_MTIME.getFullYear(), FIXED_MTIME.getMonth(), FIXED_MTIME.getDate()],
    fileMode: FILE_MODE,
  };
}

function buildWorker(request: BuildRequest, signal?: Int32Array): { worker: Worker; port: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  // TypeScript through tsx's CommonJS loader, whether this thread runs under tsx or as the synth's bundle
  const worker = new Worker(WORKER_SOURCE, { execArgv: ["--require", require.resolve("tsx/cjs")], workerData: { request, port: port2, signal }, transferList: [port2] });
  return { worker, port: port1 };
}

/** The build in a worker, waited for: a synchronous build that shares every line with the asynchronous one. */
function runBuild(request: BuildRequest): readonly BuiltZip[] {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { worker, port } = buildWorker(request, signal);
  try {
    Atomics.wait(signal, 0, 0);
    return builtOrThrow(receiveMessageOnPort(port)!.message as BuildReply);
  } finally {
    port.close();
    void worker.terminate();
  }
}

function startBuild(request: BuildRequest): Promise<readonly BuiltZip[]> {
  const { worker, port } = buildWorker(request);
  return new Promise<BuildReply>((resolve, reject) => {
    port.once("message", resolve);
    worker.once("error", reject);
  })
    .then(builtOrThrow)
    .finally(() => {
      port.close();
      void worker.terminate();
    });
}

/** esbuild's failure as esbuild words it (`Build failed with 1 error: file:line:col: ERROR: ...`), which the commands print as one line. */
function builtOrThrow(reply: BuildReply): readonly BuiltZip[] {
  if ("error" in reply) throw new Error(reply.error);
  return reply.built;
}

/** Keeps each built handler's record (with the content hash of every input) in memory, and returns each record file with its content to write. */
function recordAll(handlers: readonly string[], nodeTarget: string, built: readonly BuiltZip[]): [file: string, content: string][] {
  const files: [string, string][] = [];
  for (const zip of built) {
    const inputs: Record<string, string> = {};
    for (const input of [...zip.inputs, ...CONFIG_FILES].sort()) inputs[input] = sha256File(path.join(PROJECT_ROOT, input)) ?? "missing";
    const record: BuildRecord = {
      key: recordKey(zip.handler, nodeTarget),
      inputs,
      zipFile: zip.zipFile,
      sourceCodeHash: zip.sourceCodeHash,
      contentHash: zip.contentHash,
      bundleBytes: zip.bundleBytes,
      zipBytes: zip.zipBytes,
    };
    files.push([recordFileOf(zip.handler, nodeTarget), JSON.stringify(record, null, 2) + "\n"]);
    bundles.set(`${zip.handler}@${nodeTarget}`, toBundle(zip.handler, record));
  }
  const missing = handlers.filter((handler) => !bundles.has(`${handler}@${nodeTarget}`));
  if (missing.length) throw new Error(`the build made no zip for ${missing.join(", ")}`);
  // One folder for every record: made here once, not per write
  if (files.length) fs.mkdirSync(CACHE_DIR, { recursive: true });
  return files;
}

/** Written through a rename (a synth beside this one never reads half a record), waiting or not. */
const temporaryOf = (target: string) => `${target}.${process.pid}.tmp`;

async function writeThroughAsync(target: string, content: string): Promise<void> {
  await fs.promises.writeFile(temporaryOf(target), content);
  await fs.promises.rename(temporaryOf(target), target);
}

function writeThrough(target: string, content: string): void {
  fs.writeFileSync(temporaryOf(target), content);
  fs.renameSync(temporaryOf(target), target);
}

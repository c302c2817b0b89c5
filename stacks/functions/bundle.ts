import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { build as buildAsync, buildSync, version as esbuildVersion, type BuildOptions, type BuildResult } from "esbuild";
import { Worker } from "node:worker_threads";
import { zipSync, type Zippable } from "fflate";
import { BUILD_DIR, FUNCTIONS_DIR, PROJECT_ROOT } from "../paths";


/**
 * fflate writes DOS times from the Date's local-time fields, so a Date built from local fields
 * gives the same bytes in every time zone.
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const FILE_MODE = 0o100644;
const UNIX = 3;

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
  return createHash("sha256").update(JSON.stringify({ esbuild: esbuildVersion, options, zip: FIXED_MTIME.getTime() })).digest("hex");
}

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
  const result = buildSync(esbuildOptions(toBuild, nodeTarget) as BuildOptions & { write: false; metafile: true });
  for (const handler of toBuild) {
    const contents = zipContents(handler, result);
    record(handler, nodeTarget, result, contents, zipEntries(contents));
  }
}

/**
 * The same, with esbuild's asynchronous API: esbuild works in its own process, so the caller can
 * load the rest of the app meanwhile (the app's modules take about half a second to load).
 */
export async function prebuildFunctionsAsync(handlers: readonly string[], nodeTarget: string): Promise<void> {
  const toBuild = handlersToBuild(handlers, nodeTarget);
  if (!toBuild.length) return;
  for (const handler of toBuild) pending.add(`${handler}@${nodeTarget}`);
  // Zipping is as long as the build itself at a few hundred handlers: a second thread takes half.
  const helper = toBuild.length >= PARALLEL_ZIP_THRESHOLD ? new ZipWorker() : undefined;
  try {
    const result = await buildAsync(esbuildOptions(toBuild, nodeTarget) as BuildOptions & { write: false; metafile: true });
    const contents = toBuild.map((handler) => zipContents(handler, result));
    const half = helper ? Math.floor(contents.length / 2) : contents.length;
    const zippedElsewhere = helper?.zip(contents.slice(half));
    const zips = contents.slice(0, half).map(zipEntries);
    zips.push(...((await zippedElsewhere) ?? []));
    toBuild.forEach((handler, index) => record(handler, nodeTarget, result, contents[index]!, zips[index]!));
  } finally {
    helper?.stop();
    for (const handler of toBuild) pending.delete(`${handler}@${nodeTarget}`);
  }
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

/** `value` with every pending-bundle marker replaced by the built bundle's value; fails for a bundle not built. */
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
  if (Array.isArray(value)) return value.map(fillPendingBundles) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, fillPendingBundles(entry)])) as T;
  }
  return value;
}

type BuildOutput = BuildResult<{ write: false; metafile: true }>;

/** A handler's output files as zip entries, sorted, with fixed times and modes. */
export interface ZipContents {
  readonly files: Zippable;
  readonly bundleBytes: number;
}

function zipContents(handler: string, result: BuildOutput): ZipContents {
  const folder = path.join(BUILD_DIR, slugOf(handler));
  const files: Zippable = {};
  let bundleBytes = 0;
  const outputs = result.outputFiles.filter((output) => path.dirname(output.path) === folder).sort((a, b) => a.path.localeCompare(b.path));
  for (const output of outputs) {
    const name = path.basename(output.path);
    if (name === "index.js") bundleBytes = output.contents.byteLength;
    files[name] = [output.contents, { mtime: FIXED_MTIME, os: UNIX, attrs: FILE_MODE << 16 }];
  }
  return { files, bundleBytes };
}

const ZIP_OPTIONS = { level: 9, mtime: FIXED_MTIME } as const;
export const zipEntries = (contents: ZipContents): Uint8Array => zipSync(contents.files, ZIP_OPTIONS);

/** Builds of at least this many handlers zip on two threads. */
const PARALLEL_ZIP_THRESHOLD = 32;

/**
 * fflate's zipSync in a worker thread: the same pure-JavaScript deflate, so the bytes are the same
 * as on the main thread (a native zlib differs between Node versions). Started before the build,
 * so it is ready when the build's output arrives.
 */
export class ZipWorker {
  private readonly worker = new Worker(
    `const { parentPort } = require("node:worker_threads");
const { zipSync } = require(${JSON.stringify(require.resolve("fflate"))});
parentPort.on("message", ({ jobs, options }) => {
  const zips = jobs.map((files) => zipSync(files, options));
  parentPort.postMessage(zips, zips.map((zip) => zip.buffer));
});`,
    // No loader in the worker: it runs plain JavaScript.
    { eval: true, execArgv: [] },
  );

  zip(contents: readonly ZipContents[]): Promise<Uint8Array[]> {
    return new Promise((resolve, reject) => {
      this.worker.once("message", resolve);
      this.worker.once("error", reject);
      this.worker.postMessage({ jobs: contents.map((content) => content.files), options: ZIP_OPTIONS });
    });
  }

  stop(): void {
    void this.worker.terminate();
  }
}

/** Writes a handler's zip and build record, and keeps it in memory. */
function record(handler: string, nodeTarget: string, result: BuildOutput, contents: ZipContents, zip: Uint8Array): void {
  const slug = slugOf(handler);
  const folder = path.join(BUILD_DIR, slug);
  const sha256 = createHash("sha256").update(zip);
  const hex = sha256.copy().digest("hex");
  const zipFile = `${slug}-${hex.slice(0, 16)}.zip`;
  writeOnce(path.join(BUILD_DIR, zipFile), zip);

  const metafileOutput = result.metafile.outputs[path.relative(PROJECT_ROOT, path.join(folder, "index.js"))];
  if (!metafileOutput) throw new Error(`esbuild wrote no ${slug}/index.js`);
  const inputs: Record<string, string> = {};
  for (const input of [...Object.keys(metafileOutput.inputs), ...CONFIG_FILES].sort()) {
    inputs[input] = sha256File(path.join(PROJECT_ROOT, input)) ?? "missing";
  }
  const built: BuildRecord = {
    key: recordKey(handler, nodeTarget),
    inputs,
    zipFile,
    sourceCodeHash: sha256.digest("base64"),
    contentHash: hex.slice(0, 16).toUpperCase(),
    bundleBytes: contents.bundleBytes,
    zipBytes: zip.byteLength,
  };
  writeThrough(recordFileOf(handler, nodeTarget), JSON.stringify(built, null, 2) + "\n");
  bundles.set(`${handler}@${nodeTarget}`, toBundle(handler, built));
}

/** Content-addressed, written through a rename: parallel synths never see a half-written zip. */
function writeOnce(target: string, bytes: Uint8Array): void {
  if (!fs.existsSync(target)) writeThrough(target, bytes);
}

function writeThrough(target: string, content: Uint8Array | string): void {
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, content);
  } catch (error) {
    // The folder is made on the first write only: hundreds of writes go to the same two folders.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(temporary, content);
  }
  fs.renameSync(temporary, target);
}

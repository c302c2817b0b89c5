import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildSync, version as esbuildVersion, type BuildOptions } from "esbuild";
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

const bundles = new Map<string, FunctionBundle>();

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

function sha256File(file: string): string | undefined {
  try {
    return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  } catch {
    return undefined;
  }
}

function esbuildOptions(entry: string, outfile: string, nodeTarget: string): BuildOptions {
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    platform: "node",
    format: "cjs",
    target: nodeTarget,
    external: ["@aws-sdk/*"],
    legalComments: "none",
    logLevel: "silent",
    write: false,
    metafile: true,
  };
}

/** The record of an earlier build whose inputs are all unchanged and whose zip still exists. */
function reusableBuild(recordFile: string, key: string): BuildRecord | undefined {
  let record: BuildRecord;
  try {
    record = JSON.parse(fs.readFileSync(recordFile, "utf8")) as BuildRecord;
  } catch {
    return undefined;
  }
  if (record.key !== key || !fs.existsSync(path.join(BUILD_DIR, record.zipFile))) return undefined;
  const unchanged = Object.entries(record.inputs).every(([input, hash]) => sha256File(path.join(PROJECT_ROOT, input)) === hash);
  return unchanged ? record : undefined;
}

/**
 * Bundles `functions/<handler>.ts` with esbuild (minified, source map, `@aws-sdk/*` left to the
 * runtime) into a zip with fixed timestamps and sorted entries, so the same source gives the same
 * bytes on any machine (docs/aws-facts.md §4: TerraformAsset archives are not reproducible).
 * Cached per process (every stack shares one build) and across processes: a build is reused when
 * the esbuild version, the options and the content of every input esbuild read are unchanged.
 */
export function bundleFunction(handler: string, nodeTarget: string): FunctionBundle {
  const key = `${handler}@${nodeTarget}`;
  const cached = bundles.get(key);
  if (cached) return cached;

  const entry = path.join(FUNCTIONS_DIR, `${handler}.ts`);
  if (!fs.existsSync(entry)) {
    throw new Error(`invalid handler '${handler}': no file functions/${handler}.ts`);
  }
  const slug = handler.replace(/[^A-Za-z0-9]+/g, "-");
  const options = esbuildOptions(entry, path.join(BUILD_DIR, slug, "index.js"), nodeTarget);
  const recordKey = createHash("sha256")
    .update(JSON.stringify({ esbuild: esbuildVersion, options: { ...options, absWorkingDir: undefined, entryPoints: [handler], outfile: slug }, zip: FIXED_MTIME.getTime() }))
    .digest("hex");
  const recordFile = path.join(CACHE_DIR, `${slug}@${nodeTarget}.json`);
  const record = reusableBuild(recordFile, recordKey) ?? build(options, slug, recordKey, recordFile);

  const bundle: FunctionBundle = {
    handler,
    zipPath: path.join(BUILD_DIR, record.zipFile),
    sourceCodeHash: record.sourceCodeHash,
    contentHash: record.contentHash,
    bundleBytes: record.bundleBytes,
    zipBytes: record.zipBytes,
  };
  bundles.set(key, bundle);
  return bundle;
}

function build(options: BuildOptions, slug: string, key: string, recordFile: string): BuildRecord {
  const result = buildSync(options as BuildOptions & { write: false; metafile: true });
  const files: Zippable = {};
  let bundleBytes = 0;
  const outputs = [...result.outputFiles].sort((a, b) => a.path.localeCompare(b.path));
  for (const output of outputs) {
    const name = path.basename(output.path);
    if (name === "index.js") bundleBytes = output.contents.byteLength;
    files[name] = [output.contents, { mtime: FIXED_MTIME, os: UNIX, attrs: FILE_MODE << 16 }];
  }
  const zip = zipSync(files, { level: 9, mtime: FIXED_MTIME });
  const sha256 = createHash("sha256").update(zip);
  const hex = sha256.copy().digest("hex");
  const zipFile = `${slug}-${hex.slice(0, 16)}.zip`;
  writeOnce(path.join(BUILD_DIR, zipFile), zip);

  const inputs: Record<string, string> = {};
  for (const input of [...Object.keys(result.metafile.inputs), ...CONFIG_FILES].sort()) {
    inputs[input] = sha256File(path.join(PROJECT_ROOT, input)) ?? "missing";
  }
  const record: BuildRecord = { key, inputs, zipFile, sourceCodeHash: sha256.digest("base64"), contentHash: hex.slice(0, 16).toUpperCase(), bundleBytes, zipBytes: zip.byteLength };
  writeThrough(recordFile, JSON.stringify(record, null, 2) + "\n");
  return record;
}

/** Content-addressed, written through a rename: parallel synths never see a half-written zip. */
function writeOnce(target: string, bytes: Uint8Array): void {
  if (!fs.existsSync(target)) writeThrough(target, bytes);
}

function writeThrough(target: string, content: Uint8Array | string): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, target);
}

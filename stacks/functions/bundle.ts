import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildSync } from "esbuild";
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

/**
 * Bundles `functions/<handler>.ts` with esbuild (minified, source map, `@aws-sdk/*` left to the
 * runtime) into a zip with fixed timestamps and sorted entries, so the same source gives the same
 * bytes on any machine (AWS-FACTS §4: TerraformAsset archives are not reproducible).
 * Cached per process: every stack shares one build.
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
  const result = buildSync({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    outfile: path.join(BUILD_DIR, slug, "index.js"),
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
  });

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
  const zipPath = path.join(BUILD_DIR, `${slug}-${hex.slice(0, 16)}.zip`);
  writeOnce(zipPath, zip);

  const bundle: FunctionBundle = {
    handler,
    zipPath,
    sourceCodeHash: sha256.digest("base64"),
    contentHash: hex.slice(0, 16).toUpperCase(),
    bundleBytes,
    zipBytes: zip.byteLength,
  };
  bundles.set(key, bundle);
  return bundle;
}

/** Content-addressed, written through a rename: parallel synths never see a half-written zip. */
function writeOnce(target: string, bytes: Uint8Array): void {
  if (fs.existsSync(target)) return;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, bytes);
  fs.renameSync(temporary, target);
}

// @ts-check
// `npm run synth` and `cdktf synth` run the app through this file: main.ts and the project modules
// it imports, bundled by esbuild into one file (the packages stay in node_modules) and kept in
// .build/app/ until one of its inputs changes. Node then loads one file instead of resolving and
// transpiling a hundred through tsx: a cold synth of the example takes about 0.9 s instead of 1.5.
// Only this file is plain JavaScript: it runs before anything can compile TypeScript.
"use strict";
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const FOLDER = path.join(ROOT, ".build", "app");
const BUNDLE = path.join(FOLDER, "main.cjs");
const RECORD = path.join(FOLDER, "record.json");
/** Read by esbuild besides the modules it reports. */
const CONFIG_FILES = ["package.json", "tsconfig.json"];

/** @param {string} file */
const hashOf = (file) => {
  try {
    return createHash("sha256").update(fs.readFileSync(path.join(ROOT, file))).digest("hex");
  } catch {
    return "missing";
  }
};

/** What the bundle depends on besides its inputs: esbuild's version, this file, and where the project is. */
function key() {
  const esbuild = require("esbuild/package.json").version;
  return createHash("sha256").update(JSON.stringify({ esbuild, launcher: fs.readFileSync(__filename, "utf8"), root: ROOT })).digest("hex");
}

/** The bundle, when it exists and every file it was built from is unchanged. */
function current() {
  try {
    /** @type {{ key: string, inputs: Record<string, string> }} */
    const record = JSON.parse(fs.readFileSync(RECORD, "utf8"));
    if (record.key !== key() || !fs.existsSync(BUNDLE)) return false;
    return Object.entries(record.inputs).every(([file, hash]) => hashOf(file) === hash);
  } catch {
    return false;
  }
}

/**
 * Bundles main.ts; false when it does not compile (tsx then reports the error as every command does).
 * esbuild's asynchronous API: its buildSync starts a process of its own per call, about 90 ms more
 * of a cold synth on 2 cores.
 */
async function build() {
  const esbuild = require("esbuild");
  let result;
  try {
    result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ["main.ts"],
      outfile: BUNDLE,
      bundle: true,
      packages: "external",
      platform: "node",
      format: "cjs",
      target: `node${process.versions.node.split(".")[0]}`,
      sourcemap: "linked",
      // stacks/paths.ts finds the project from its own folder, which the bundle does not keep
      define: { __PROJECT_ROOT__: JSON.stringify(ROOT) },
      metafile: true,
      write: false,
      logLevel: "silent",
    });
  } catch {
    return false;
  } finally {
    // The functions' builds run in a worker with an esbuild of their own
    void esbuild.stop();
  }
  // Written through renames: a synth running beside this one never loads half a bundle
  fs.mkdirSync(FOLDER, { recursive: true });
  const writeThrough = (/** @type {string} */ file, /** @type {string | Uint8Array} */ content) => {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, content);
    fs.renameSync(temporary, file);
  };
  for (const output of result.outputFiles) writeThrough(output.path, output.contents);
  const inputs = Object.fromEntries([...Object.keys(result.metafile.inputs), ...CONFIG_FILES].sort().map((file) => [file, hashOf(file)]));
  writeThrough(RECORD, JSON.stringify({ key: key(), inputs }, null, 2) + "\n");
  return true;
}

/**
 * cdktf loads, when it starts, archiver (with its zip and tar streams) for TerraformAsset archives
 * and semver for its Terraform version checks of import and moved blocks; this project zips its
 * functions itself and uses neither: the two loads were 160 ms of a cold synth on 2 cores. Each
 * now loads when something first uses it. Returns the module's file, or undefined when
 * the module is not installed where `from` would find it (then nothing is deferred).
 * @param {string} name
 * @param {string} from a file whose require() would load `name`
 */
function deferModule(name, from) {
  let file;
  try {
    file = require.resolve(name, { paths: [path.dirname(from)] });
  } catch {
    return undefined;
  }
  if (require.cache[file]) return file;
  /** @type {any} */
  let actual;
  const load = () => {
    if (!actual) {
      delete require.cache[file];
      actual = require(file);
    }
    return actual;
  };
  const Module = require("node:module");
  const deferred = new Module(file);
  deferred.filename = file;
  deferred.loaded = true;
  deferred.exports = new Proxy(function deferredModule() {}, {
    apply: (_target, self, args) => Reflect.apply(load(), self, args),
    construct: (_target, args) => Reflect.construct(load(), args),
    get: (_target, property) => Reflect.get(load(), property),
    has: (_target, property) => Reflect.has(load(), property),
  });
  require.cache[file] = deferred;
  return file;
}

/** cdktf and constructs: about 120 ms to load on 2 cores, which otherwise wait for the bundle. */
function preloadWhileBuilding() {
  for (const name of ["constructs", "cdktf"]) {
    try {
      require(name);
    } catch {
      // Not installed: the app's own require reports it
    }
  }
}

/** What cdktf loads at start and this project does not use (see deferModule). */
const DEFERRED = ["archiver", "semver"];

async function main() {
  try {
    for (const name of DEFERRED) deferModule(name, require.resolve("cdktf"));
  } catch {
    // cdktf not installed: the app's own require reports it
  }
  let bundled = current();
  if (!bundled) {
    const building = build();
    // While esbuild bundles the app (in a process of its own), load the framework the app needs.
    // Not otherwise: a synth that finds nothing changed never loads cdktf.
    preloadWhileBuilding();
    bundled = await building;
  }
  if (bundled) {
    require(BUNDLE);
  } else {
    // @ts-expect-error tsx/cjs (tsx's CommonJS loader) ships no types
    require("tsx/cjs");
    require(path.join(ROOT, "main.ts"));
  }
}

if (require.main === module) {
  // An error the app throws while it loads reports as it did when this ran synchronously
  main().catch((error) =>
    setImmediate(() => {
      throw error;
    }),
  );
}

module.exports = { deferModule, DEFERRED };

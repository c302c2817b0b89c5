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

/** Bundles main.ts; false when it does not compile (tsx then reports the error as every command does). */
function build() {
  const esbuild = require("esbuild");
  let result;
  try {
    result = esbuild.buildSync({
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

if (current() || build()) {
  require(BUNDLE);
} else {
  // @ts-expect-error tsx/cjs (tsx's CommonJS loader) ships no types
  require("tsx/cjs");
  require(path.join(ROOT, "main.ts"));
}

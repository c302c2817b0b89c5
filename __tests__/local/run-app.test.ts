import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/paths";
import { runCommand } from "../helpers/processes";

const RUN_APP = path.join(PROJECT_ROOT, "local", "stack", "run-app.cjs");

/** Runs `script` in a plain Node process (jest's module registry is not Node's require.cache), in `cwd`; its stdout is JSON. */
async function inNode(script: string, cwd: string): Promise<Record<string, unknown>> {
  const result = await runCommand(process.execPath, ["-e", `const { deferModule } = require(${JSON.stringify(RUN_APP)});\n${script}`], { cwd });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

// The synth launcher defers archiver, which cdktf loads when it starts but only TerraformAsset uses
// (130 ms of a cold synth): the module loads when something first touches it, and then behaves as itself.
describe("the synth launcher's deferred module", () => {
  test("cdktf loads without archiver, and archiver works once something calls it", async () => {
    const figures = await inNode(
      `const file = deferModule("archiver", require.resolve("cdktf"));
       const archiverFiles = () => Object.keys(require.cache).filter((name) => name.includes("/node_modules/archiver/") && name !== file).length;
       const { App } = require("cdktf");
       const afterCdktf = archiverFiles();
       const archive = require(file)("zip", { zlib: { level: 1 } });
       console.log(JSON.stringify({ deferred: typeof file, app: typeof App, afterCdktf, afterUse: archiverFiles(), append: typeof archive.append, finalize: typeof archive.finalize }));`,
      PROJECT_ROOT,
    );
    expect(figures).toEqual({ deferred: "string", app: "function", afterCdktf: 0, afterUse: expect.any(Number), append: "function", finalize: "function" });
    expect(figures.afterUse as number).toBeGreaterThan(0);
  });

  test("the stand-in forwards calls, construction, properties and `in` to the module, which loads once", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "deferred-module-"));
    try {
      fs.mkdirSync(path.join(folder, "node_modules", "counted"), { recursive: true });
      fs.writeFileSync(
        path.join(folder, "node_modules", "counted", "index.js"),
        `globalThis.loads = (globalThis.loads ?? 0) + 1;
         module.exports = function counted(x) { if (new.target) { this.made = x; return; } return x * 2; };
         module.exports.version = "1.2.3";`,
      );
      fs.writeFileSync(path.join(folder, "user.js"), "module.exports = () => require('counted');");
      const figures = await inNode(
        `const deferred = deferModule("counted", ${JSON.stringify(path.join(folder, "user.js"))});
         const counted = require(${JSON.stringify(path.join(folder, "user.js"))})();
         const before = globalThis.loads ?? 0;
         const called = counted(21);
         const made = new counted("x").made;
         console.log(JSON.stringify({ deferred: typeof deferred, before, called, made, version: counted.version, has: "version" in counted, loads: globalThis.loads,
           missing: deferModule("not-installed", ${JSON.stringify(path.join(folder, "user.js"))}) ?? null }));`,
        folder,
      );
      expect(figures).toEqual({ deferred: "string", before: 0, called: 42, made: "x", version: "1.2.3", has: true, loads: 1, missing: null });
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/paths";
import { runCommand } from "../helpers/processes";

const RUN_APP = path.join(PROJECT_ROOT, "local", "stack", "run-app.cjs");

/** Runs `script` in a plain Node process (jest's module registry is not Node's require.cache), in `cwd`; its stdout is JSON. */
async function inNode(script: string, cwd: string): Promise<Record<string, unknown>> {
  const result = await runCommand(process.execPath, ["-e", `const { deferModule, DEFERRED } = require(${JSON.stringify(RUN_APP)});\n${script}`], { cwd });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

// The synth launcher defers archiver and semver, which cdktf loads when it starts but uses only for
// assets and version checks this project never makes (160 ms of a cold synth): each loads when
// something first touches it, and then behaves as itself.
describe("the synth launcher's deferred module", () => {
  test("cdktf loads without archiver and semver, and each works once something uses it", async () => {
    const figures = await inNode(
      `const files = Object.fromEntries(DEFERRED.map((name) => [name, deferModule(name, require.resolve("cdktf"))]));
       const loaded = (name) => Object.keys(require.cache).filter((file) => file.includes("/node_modules/" + name + "/") && file !== files[name]).length;
       const { App } = require("cdktf");
       const afterCdktf = DEFERRED.map(loaded);
       const archive = require(files.archiver)("zip", { zlib: { level: 1 } });
       const satisfied = require(files.semver).satisfies("1.11.4", ">=1.5");
       console.log(JSON.stringify({ deferred: DEFERRED, app: typeof App, afterCdktf, afterUse: DEFERRED.map(loaded).map((count) => count > 0), append: typeof archive.append, satisfied }));`,
      PROJECT_ROOT,
    );
    expect(figures).toEqual({ deferred: ["archiver", "semver"], app: "function", afterCdktf: [0, 0], afterUse: [true, true], append: "function", satisfied: true });
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

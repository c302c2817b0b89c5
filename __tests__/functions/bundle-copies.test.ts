import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { copyProject, removeFolder } from "../../scripts/project-copy";
import { bundleFunction } from "../../stacks/functions/bundle";

jest.setTimeout(60_000);

/** Builds in copies of the project, in fresh processes: nothing comes from this process's or the checkout's cache. */
describe("bundleFunction, built from scratch", () => {
  const bundle = bundleFunction("notes/list", "node24");

  test("a new handler changes no other handler's zip: a zip's bytes depend on its own code and the shared modules it uses", () => {
    // (the growth test's synth adds a route and a handler; here, the zips of two handlers built with and without others)
    const copy = copyProject("notes-bundle-alone-");
    try {
      const hashes = (handlers: readonly string[]) =>
        JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "-e", `const b = require("./stacks/functions/bundle"); b.prebuildFunctions(${JSON.stringify(handlers)}, "node24"); process.stdout.write(JSON.stringify(${JSON.stringify(handlers)}.map((h) => b.bundleFunction(h, "node24").sourceCodeHash)));`], { cwd: copy, encoding: "utf8" })) as string[];
      const pair = hashes(["notes/get", "health"]);
      fs.rmSync(`${copy}/.build`, { recursive: true, force: true });
      const all = hashes(["notes/get", "health", "notes/list", "notes/create", "notes/update", "notes/delete", "me"]);
      expect(all.slice(0, 2)).toEqual(pair);
    } finally {
      removeFolder(copy);
    }
  });

  test("one build of several handlers gives each the zip its build alone gives, in the asynchronous and the waiting build alike, in any time zone, and the checkout's own", () => {
    // GIVEN a copy with no build cache
    const copy = copyProject("notes-bundle-");
    try {
      const handlers = ["notes/list", "notes/create", "me", "health"];
      // In two time zones: fflate writes DOS times from a date's local fields
      let timeZones = ["UTC", "Pacific/Kiritimati"];
      const build = (code: string) => {
        const TZ = timeZones[0]!;
        timeZones = [...timeZones.slice(1), TZ];
        return JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "-e", code], { cwd: copy, encoding: "utf8", env: { ...process.env, TZ } })) as Record<string, string>;
      };
      // WHEN the four are built together without waiting (as a synth does), and then each alone, waiting, after the cache is gone
      const together = build(`const b = require("./stacks/functions/bundle"); b.prebuildFunctionsAsync(${JSON.stringify(handlers)}, "node24").then(() => b.recordsWritten()).then(() => process.stdout.write(JSON.stringify(Object.fromEntries(${JSON.stringify(handlers)}.map((h) => [h, b.bundleFunction(h, "node24").sourceCodeHash])))));`);
      // AND the asynchronous build's records are on disk, whole, one per handler, for the next synth to reuse
      const records = fs.readdirSync(`${copy}/.build/cache`).sort();
      expect(records).toEqual(["health@node24.json", "me@node24.json", "notes-create@node24.json", "notes-list@node24.json"]);
      for (const record of records) expect(fs.existsSync(`${copy}/.build/lambda/${(JSON.parse(fs.readFileSync(`${copy}/.build/cache/${record}`, "utf8")) as { zipFile: string }).zipFile}`)).toBe(true);
      fs.rmSync(`${copy}/.build`, { recursive: true, force: true });
      const alone = Object.fromEntries(handlers.map((handler) => [handler, build(`const b = require("./stacks/functions/bundle"); process.stdout.write(JSON.stringify({ h: b.bundleFunction(${JSON.stringify(handler)}, "node24").sourceCodeHash }));`).h]));
      // THEN every zip is the same, byte for byte, and the one this checkout built
      expect(together).toEqual(alone);
      expect(together["notes/list"]).toBe(bundle.sourceCodeHash);
    } finally {
      removeFolder(copy);
    }
  });

});

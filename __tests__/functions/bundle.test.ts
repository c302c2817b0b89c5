import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { unzipSync } from "fflate";
import { copyProject, removeFolder } from "../../scripts/project-copy";
import { bundleFunction } from "../../stacks/functions/bundle";
import { PROJECT_ROOT } from "../../stacks/paths";

/** Bundles in a fresh node process, so nothing is served from this process's cache. */
function bundleInFreshProcess(handler: string, timeZone: string) {
  const script = `const { bundleFunction } = require("./stacks/functions/bundle"); process.stdout.write(JSON.stringify(bundleFunction(${JSON.stringify(handler)}, "node24")));`;
  const output = execFileSync(process.execPath, ["--import", "tsx", "-e", script], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TZ: timeZone },
    encoding: "utf8",
  });
  return JSON.parse(output) as { zipPath: string; sourceCodeHash: string; bundleBytes: number; zipBytes: number };
}

describe("bundleFunction", () => {
  const bundle = bundleInFreshProcess("notes/list", "UTC");
  const entries = unzipSync(fs.readFileSync(bundle.zipPath));

  test("zips the handler's minified index.js and, as shared.js, the shared modules it uses, each with its source map, sorted", () => {
    expect(Object.keys(entries)).toEqual(["index.js", "index.js.map", "shared.js", "shared.js.map"]);
    const text = (name: string) => Buffer.from(entries[name]!).toString("utf8");
    // Minified: no indented line (line breaks remain only inside template literals)
    for (const name of ["index.js", "shared.js"]) expect(text(name)).not.toMatch(/^[ \t]+\S/m);
    expect(text("index.js")).toContain("//# sourceMappingURL=index.js.map");
    expect(text("shared.js")).toContain("//# sourceMappingURL=shared.js.map");
    const maps = ["index.js.map", "shared.js.map"].map((name) => JSON.parse(text(name)) as { sources: string[]; sourcesContent?: unknown });
    expect(maps[0]!.sources.some((source) => source.endsWith("functions/notes/list.ts"))).toBe(true);
    expect(maps[1]!.sources.some((source) => source.endsWith("functions/shared/notes-store.ts"))).toBe(true);
    expect(maps.map((map) => map.sourcesContent)).toEqual([undefined, undefined]);
  });

  test("bundles every dependency: the handler requires only shared.js and Node's own modules, shared.js only Node's", () => {
    const requiredBy = (name: string) => [...Buffer.from(entries[name]!).toString("utf8").matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]!);
    const builtIn = (name: string) => name.startsWith("node:") || ["crypto", "http", "https", "querystring", "url"].includes(name);
    expect(requiredBy("index.js")).toContain("./shared.js");
    expect(requiredBy("index.js").every((name) => name === "./shared.js" || builtIn(name))).toBe(true);
    expect(requiredBy("shared.js").length).toBeGreaterThan(0);
    expect(requiredBy("shared.js").every(builtIn)).toBe(true);
    expect(bundle.bundleBytes).toBe(entries["index.js"]!.byteLength + entries["shared.js"]!.byteLength);
  });

  test("a handler's shared.js holds only the shared modules it uses: the health check carries no DynamoDB client", () => {
    const health = unzipSync(fs.readFileSync(bundleFunction("health", "node24").zipPath));
    const sources = (name: string) => (JSON.parse(Buffer.from(name === "health" ? health["shared.js.map"]! : entries["shared.js.map"]!).toString("utf8")) as { sources: string[] }).sources.map((source) => source.replace(/^(\.\.\/)+/, ""));
    expect(sources("health")).toEqual(expect.arrayContaining(["functions/shared/handler.ts", "functions/shared/http.ts"]));
    expect(sources("health").some((source) => /dynamodb|notes-store|aws4|valibot/.test(source))).toBe(false);
    expect(sources("list")).toEqual(expect.arrayContaining(["functions/shared/dynamodb.ts", "functions/shared/notes-store.ts"]));
  });

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

  test("source_code_hash is the base64 SHA-256 of the zip bytes", () => {
    const bytes = fs.readFileSync(bundle.zipPath);
    expect(bundle.sourceCodeHash).toBe(createHash("sha256").update(bytes).digest("base64"));
    expect(bundle.zipBytes).toBe(bytes.byteLength);
  });

  test("gives byte-identical zips in another process and another time zone", () => {
    const again = bundleInFreshProcess("notes/list", "Pacific/Kiritimati");
    expect(again.sourceCodeHash).toBe(bundle.sourceCodeHash);
    expect(again.zipPath).toBe(bundle.zipPath);
  });

  test("entries carry a fixed timestamp and read-only file mode", () => {
    const listing = execFileSync("unzip", ["-Z", "-l", bundle.zipPath], { encoding: "utf8" });
    const lines = listing.split("\n").filter((line) => /\b(index|shared)\.js/.test(line));
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line).toMatch(/^-rw-r--r--/);
      expect(line).toMatch(/80-Jan-01 00:00/);
    }
  });

  test("one build of several handlers gives each the zip its build alone gives, in the asynchronous and the waiting build alike", () => {
    // GIVEN a copy with no build cache
    const copy = copyProject("notes-bundle-");
    try {
      const handlers = ["notes/list", "notes/create", "me", "health"];
      const build = (code: string) =>
        JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "-e", code], { cwd: copy, encoding: "utf8", env: { ...process.env, TZ: "UTC" } })) as Record<string, string>;
      // WHEN the four are built together without waiting (as a synth does), and then each alone, waiting, after the cache is gone
      const together = build(`const b = require("./stacks/functions/bundle"); b.prebuildFunctionsAsync(${JSON.stringify(handlers)}, "node24").then(() => process.stdout.write(JSON.stringify(Object.fromEntries(${JSON.stringify(handlers)}.map((h) => [h, b.bundleFunction(h, "node24").sourceCodeHash])))));`);
      fs.rmSync(`${copy}/.build`, { recursive: true, force: true });
      const alone = Object.fromEntries(handlers.map((handler) => [handler, build(`const b = require("./stacks/functions/bundle"); process.stdout.write(JSON.stringify({ h: b.bundleFunction(${JSON.stringify(handler)}, "node24").sourceCodeHash }));`).h]));
      // THEN every zip is the same, byte for byte, and the one this checkout built
      expect(together).toEqual(alone);
      expect(together["notes/list"]).toBe(bundle.sourceCodeHash);
    } finally {
      removeFolder(copy);
    }
  });

  test("fails when the handler module does not exist", () => {
    expect(() => bundleFunction("notes/missing", "node24")).toThrow("invalid handler 'notes/missing': no file functions/notes/missing.ts");
  });
});

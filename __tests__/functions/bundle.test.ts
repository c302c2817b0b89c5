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

  test("zips a minified index.js and its source map, sorted", () => {
    expect(Object.keys(entries)).toEqual(["index.js", "index.js.map"]);
    const code = Buffer.from(entries["index.js"]!).toString("utf8");
    // Minified: no indented line (line breaks remain only inside template literals)
    expect(code).not.toMatch(/^[ \t]+\S/m);
    expect(code).toContain("//# sourceMappingURL=index.js.map");
    const map = JSON.parse(Buffer.from(entries["index.js.map"]!).toString("utf8"));
    expect(map.sources.some((source: string) => source.endsWith("functions/notes/list.ts"))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });

  test("bundles every dependency: nothing is required from the runtime's SDK or node_modules", () => {
    const code = Buffer.from(entries["index.js"]!).toString("utf8");
    const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]!);
    expect(required.length).toBeGreaterThan(0);
    expect(required.every((name) => name.startsWith("node:") || ["crypto", "http", "https", "querystring", "url"].includes(name))).toBe(true);
    expect(bundle.bundleBytes).toBe(entries["index.js"]!.byteLength);
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
    const lines = listing.split("\n").filter((line) => line.includes("index.js"));
    expect(lines).toHaveLength(2);
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

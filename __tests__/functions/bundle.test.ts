import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { unzipSync } from "fflate";
import { bundleFunction, ZipWorker, zipEntries, type ZipContents } from "../../stacks/functions/bundle";
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

  test("a zip made on the second thread of a large build is byte-identical to the main thread's", async () => {
    const handlers = ["notes/list", "notes/create", "me", "health"];
    const contents: ZipContents[] = handlers.map((handler) => {
      const unzipped = unzipSync(fs.readFileSync(bundleFunction(handler, "node24").zipPath));
      const mtime = new Date(1980, 0, 1, 0, 0, 0);
      return { bundleBytes: 0, files: Object.fromEntries(Object.entries(unzipped).map(([name, bytes]) => [name, [bytes, { mtime, os: 3, attrs: 0o100644 << 16 }]])) };
    });
    const worker = new ZipWorker();
    try {
      const elsewhere = await worker.zip(contents);
      expect(elsewhere.map((zip) => Buffer.from(zip).toString("base64"))).toEqual(contents.map((content) => Buffer.from(zipEntries(content)).toString("base64")));
      // and both are the zips the build wrote
      expect(elsewhere.map((zip) => createHash("sha256").update(zip).digest("base64"))).toEqual(handlers.map((handler) => bundleFunction(handler, "node24").sourceCodeHash));
    } finally {
      worker.stop();
    }
  });

  test("fails when the handler module does not exist", () => {
    expect(() => bundleFunction("notes/missing", "node24")).toThrow("invalid handler 'notes/missing': no file functions/notes/missing.ts");
  });
});

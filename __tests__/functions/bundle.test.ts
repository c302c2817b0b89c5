import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { unzipSync } from "fflate";
import { bundleFunction, fillPendingBundles } from "../../stacks/functions/bundle";

describe("bundleFunction", () => {
  const bundle = bundleFunction("notes/list", "node24");
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

  // valibot defines an emoji pattern this project never uses; as a `new RegExp(...)` (esbuild's
  // rewrite for a target it thinks lacks \p{...}) it could not be dropped and was compiled at
  // every cold start.
  test("what a handler does not use is dropped: no unused pattern of valibot's is built at load", () => {
    const shared = Buffer.from(entries["shared.js"]!).toString("utf8");
    expect(shared).toContain("valibot");
    expect(shared).not.toMatch(/Emoji/);
    expect(shared).not.toMatch(/new RegExp\(/);
  });

  test("filling the pending zips' values copies nothing that holds none: the stacks' values come back as they are", () => {
    const config = { resource: { aws_lambda_function: { fn: { filename: "assets/x.zip", tags: ["a", { b: 1 }] } } }, empty: null, count: 3 };
    const filled = fillPendingBundles(config);
    expect(filled).toBe(config);
    expect(filled.resource.aws_lambda_function.fn.tags).toBe(config.resource.aws_lambda_function.fn.tags);
    expect(JSON.stringify(filled)).toBe('{"resource":{"aws_lambda_function":{"fn":{"filename":"assets/x.zip","tags":["a",{"b":1}]}}},"empty":null,"count":3}');
  });

  test("source_code_hash is the base64 SHA-256 of the zip bytes", () => {
    const bytes = fs.readFileSync(bundle.zipPath);
    expect(bundle.sourceCodeHash).toBe(createHash("sha256").update(bytes).digest("base64"));
    expect(bundle.zipBytes).toBe(bytes.byteLength);
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

  test("fails when the handler module does not exist", () => {
    expect(() => bundleFunction("notes/missing", "node24")).toThrow("invalid handler 'notes/missing': no file functions/notes/missing.ts");
  });
});

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const CHILD = path.join(__dirname, "..", "..", "scripts", "cold-start-child.js");

/** Runs the bench's cold-start child on a handler file and returns what it printed. */
function coldStart(handlerSource: string): { status: number; loadMs: number; totalMs: number } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "cold-start-"));
  try {
    fs.writeFileSync(path.join(folder, "index.js"), handlerSource);
    fs.writeFileSync(path.join(folder, "event.json"), "{}");
    return JSON.parse(execFileSync(process.execPath, [CHILD, path.join(folder, "index.js"), path.join(folder, "event.json")], { encoding: "utf8" }));
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

describe("the bench's cold start", () => {
  test("loads what Lambda's runtime loads before a handler (http, net), and nothing a handler would bring itself (https, tls)", () => {
    // The handler reports which built-ins were loaded when the runtime (the child) required it.
    const loaded = (name: string) => `process.moduleLoadList.includes("NativeModule ${name}")`;
    const result = coldStart(
      `const before = { http: ${loaded("http")}, net: ${loaded("net")}, https: ${loaded("https")}, tls: ${loaded("tls")} };\n` +
        `exports.handler = async () => ({ statusCode: before.http && before.net && !before.https && !before.tls ? 200 : 500 });\n`,
    );
    expect(result.status).toBe(200);
  });

  test("times the handler's load and its first call, not the runtime's own", () => {
    const result = coldStart(`const until = Date.now() + 30; while (Date.now() < until);\nexports.handler = async () => { const end = Date.now() + 20; while (Date.now() < end); return { statusCode: 204 }; };\n`);
    expect(result.status).toBe(204);
    expect(result.loadMs).toBeGreaterThanOrEqual(29);
    expect(result.totalMs - result.loadMs).toBeGreaterThanOrEqual(19);
  });
});

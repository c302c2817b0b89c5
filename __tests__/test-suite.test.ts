import * as fs from "node:fs";
import * as path from "node:path";
import { Lazy } from "cdktf";
import { PROJECT_ROOT } from "../stacks/paths";
import { keepTokenTraces, tokenTraces } from "./helpers/token-traces";
import { typeCheckArguments } from "../scripts/type-checks";
import * as os from "node:os";

const TESTS = path.join(PROJECT_ROOT, "__tests__");
const SYNCHRONOUS_CHILD = /\b(spawnSync|execFileSync|execSync)\(/;
const HOLDS_HTTP_CONNECTIONS = /\bfetch\(|\.start\(\)|createServer\(|new RunningProcess\(|startLocalDynamo\(/;

function testSources(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === "fixtures" ? [] : testSources(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

describe("the test suite", () => {
  // A synchronous child process stops the event loop; an in-process server (or one the test talks
  // to over keep-alive) then closes the idle socket the next fetch reuses: ECONNRESET on a slow or
  // loaded machine, green on a fast one.
  test("no file that serves or fetches over HTTP runs a child process synchronously", () => {
    const offenders = testSources(TESTS)
      .filter((file) => {
        const source = fs.readFileSync(file, "utf8");
        return SYNCHRONOUS_CHILD.test(source) && HOLDS_HTTP_CONNECTIONS.test(source);
      })
      .map((file) => path.relative(PROJECT_ROOT, file));
    expect(offenders).toEqual([]);
  });

  test("the helpers every test shares never block on a child process", () => {
    const blocking = testSources(path.join(TESTS, "helpers")).filter((file) => SYNCHRONOUS_CHILD.test(fs.readFileSync(file, "utf8")));
    expect(blocking.map((file) => path.relative(PROJECT_ROOT, file))).toEqual([]);
  });

  // setup.js keeps no token creation traces (as the synth keeps none), unless CDKTF_TOKEN_TRACES=1
  // asks for them: then they are kept, formatted plainly. Either way an Error's stack, which a
  // failing test prints, still points at TypeScript lines.
  test("cdktf keeps no token creation trace unless asked, and an Error's stack still names the TypeScript line", () => {
    const line = new Error("here").stack!.split("\n")[1]!;
    expect(line).toMatch(/__tests__\/test-suite\.test\.ts:\d+:\d+\)$/);
    expect(line.match(/:(\d+):\d+\)$/)![1]).toBe(String(fs.readFileSync(__filename, "utf8").split("\n").findIndex((text) => text.includes('new Error("here")')) + 1));
    const token = Lazy.anyValue({ produce: () => 1 }) as unknown as { creationStack: string[] };
    expect(token.creationStack.length > 0).toBe(keepTokenTraces());
    expect(Error.prepareStackTrace).toBeUndefined();
  });

  test("CDKTF_TOKEN_TRACES=1 keeps each trace with the frames that made it, formatted plainly", () => {
    const actual = jest.requireActual<Record<string, unknown>>("cdktf/lib/tokens/private/stack-trace");
    const kept = tokenTraces(actual, true).captureStackTrace as () => string[];
    const dropped = tokenTraces(actual, false).captureStackTrace as () => string[];
    const trace = kept();
    expect(trace.some((frame) => /__tests__\/test-suite\.test\.ts:\d+:\d+\)?$/.test(frame))).toBe(true);
    expect(dropped()).toEqual([]);
    expect(Error.prepareStackTrace).toBeUndefined();
    const previous = process.env.CDKTF_TOKEN_TRACES;
    try {
      process.env.CDKTF_TOKEN_TRACES = "1";
      expect(keepTokenTraces()).toBe(true);
      delete process.env.CDKTF_TOKEN_TRACES;
      expect(keepTokenTraces()).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.CDKTF_TOKEN_TRACES;
      else process.env.CDKTF_TOKEN_TRACES = previous;
    }
  });
});

// npm test's type checks run tsc --build, which trusts its build info while the project's own files
// are older; it does not look at the packages' declarations, so an install newer than the build
// info forces a full check.
describe("npm test's type checks", () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "type-checks-"));
  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));
  const info = path.join(folder, "app.tsbuildinfo");
  const installed = path.join(folder, ".package-lock.json");
  const touch = (file: string, seconds: number) => {
    fs.writeFileSync(file, "{}");
    fs.utimesSync(file, seconds, seconds);
  };

  test("build each project, and force when packages were installed after the last check", () => {
    touch(info, 2_000);
    touch(installed, 1_000);
    expect(typeCheckArguments(".", info, installed)).toEqual(["--build", "."]);
    expect(typeCheckArguments("web", info, installed)).toEqual(["--build", "web"]);
    touch(installed, 3_000);
    expect(typeCheckArguments(".", info, installed)).toEqual(["--build", ".", "--force"]);
  });

  test("a first check (no build info yet) builds without forcing, and no install record forces nothing", () => {
    expect(typeCheckArguments(".", path.join(folder, "missing.tsbuildinfo"), path.join(folder, "none.json"))).toEqual(["--build", "."]);
  });
});


import * as fs from "node:fs";
import * as path from "node:path";
import { copyProject, removeFolder, REPOSITORY_EXTRAS } from "../../scripts/project-copy";
import { runTs } from "../helpers/processes";

// A copy's first npm test type-checks every file: beside the rest of the slow suite and two busy
// processes (npm run test:loaded) that took over a minute, past runTs's default of 60 s
const NPM_TEST_MS = 240_000;
jest.setTimeout(2 * NPM_TEST_MS + 30_000);

/** `npm test` (scripts/test.ts): the type checks beside jest, and a failure of either fails it. */
describe("npm test", () => {
  const copy = copyProject("notes-npm-test-", REPOSITORY_EXTRAS);
  afterAll(() => removeFolder(copy));
  // A small part of the suite: the arguments go to jest
  const someTests = ["__tests__/check-cdktn.test.ts"];

  test("a type error fails it though every test passes, and the error prints after jest's report", async () => {
    // GIVEN a type error in a module no selected test loads
    const file = path.join(copy, "stacks", "stack-names.ts");
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, `${original}\nexport const wrong: number = "text";\n`);
    try {
      // WHEN npm test runs some tests
      const result = await runTs(copy, "scripts/test.ts", someTests, {}, NPM_TEST_MS);
      // THEN the exit code is 1 (null: killed at NPM_TEST_MS), jest passed, and the type check's error names the file and line
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^Tests: +\d+ passed, \d+ total$/m);
      const report = result.stderr.slice(result.stderr.indexOf("type check of the project (tsc --build .) failed:"));
      expect(report).toMatch(new RegExp(`^stacks/stack-names\\.ts\\(${original.split("\n").length + 1},14\\): error TS2322: Type 'string' is not assignable to type 'number'\\.$`, "m"));
      expect(result.stderr.indexOf("Tests:")).toBeLessThan(result.stderr.indexOf("type check of the project"));
      // AND a second run with nothing changed reports the same error from the build info: the
      // check that skips compiling does not forget a failure
      const again = await runTs(copy, "scripts/test.ts", someTests, {}, NPM_TEST_MS);
      expect(again.stderr.slice(again.stderr.indexOf("type check of the project (tsc --build .) failed:"))).toMatch(/^stacks\/stack-names\.ts\(\d+,14\): error TS2322/m);
      expect(again.status).toBe(1);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  test("clean: both type checks pass and say so, kept incremental in .build/tsc/, exit 0", async () => {
    const result = await runTs(copy, "scripts/test.ts", someTests, {}, NPM_TEST_MS);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^type check of the project \(tsc --build \.\): no errors \(\d+\.\d s\)$/m);
    expect(result.stdout).toMatch(/^type check of the web client \(tsc --build web\): no errors \(\d+\.\d s\)$/m);
    expect(fs.readdirSync(path.join(copy, ".build", "tsc")).sort()).toEqual(["app.tsbuildinfo", "web.tsbuildinfo"]);
    // A second run with nothing changed trusts the build info: tsc writes nothing
    const written = fs.statSync(path.join(copy, ".build", "tsc", "app.tsbuildinfo")).mtimeMs;
    const again = await runTs(copy, "scripts/test.ts", someTests, {}, NPM_TEST_MS);
    expect(again.stdout).toMatch(/^type check of the project \(tsc --build \.\): no errors/m);
    expect(fs.statSync(path.join(copy, ".build", "tsc", "app.tsbuildinfo")).mtimeMs).toBe(written);
    expect(again.status).toBe(0);
  });
});

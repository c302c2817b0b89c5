import * as fs from "node:fs";
import * as path from "node:path";
import { copyProject, removeFolder, REPOSITORY_EXTRAS } from "../../scripts/project-copy";
import { runTs } from "../helpers/processes";

jest.setTimeout(180_000);

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
      const result = await runTs(copy, "scripts/test.ts", someTests);
      // THEN jest passed, the type check's error names the file and line, and the exit code is 1
      expect(result.stderr).toMatch(/^Tests: +\d+ passed, \d+ total$/m);
      const report = result.stderr.slice(result.stderr.indexOf("type check of the project (tsc --build .) failed:"));
      expect(report).toMatch(new RegExp(`^stacks/stack-names\\.ts\\(${original.split("\n").length + 1},14\\): error TS2322: Type 'string' is not assignable to type 'number'\\.$`, "m"));
      expect(result.stderr.indexOf("Tests:")).toBeLessThan(result.stderr.indexOf("type check of the project"));
      expect(result.status).toBe(1);
      // AND a second run with nothing changed reports the same error from the build info: the
      // check that skips compiling does not forget a failure
      const again = await runTs(copy, "scripts/test.ts", someTests);
      expect(again.stderr.slice(again.stderr.indexOf("type check of the project (tsc --build .) failed:"))).toMatch(/^stacks\/stack-names\.ts\(\d+,14\): error TS2322/m);
      expect(again.status).toBe(1);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  test("clean: both type checks pass and say so, kept incremental in .build/tsc/, exit 0", async () => {
    const result = await runTs(copy, "scripts/test.ts", someTests);
    expect(result.stdout).toMatch(/^type check of the project \(tsc --build \.\): no errors \(\d+\.\d s\)$/m);
    expect(result.stdout).toMatch(/^type check of the web client \(tsc --build web\): no errors \(\d+\.\d s\)$/m);
    expect(fs.readdirSync(path.join(copy, ".build", "tsc")).sort()).toEqual(["app.tsbuildinfo", "web.tsbuildinfo"]);
    expect(result.status).toBe(0);
    // A second run with nothing changed trusts the build info: tsc writes nothing
    const written = fs.statSync(path.join(copy, ".build", "tsc", "app.tsbuildinfo")).mtimeMs;
    const again = await runTs(copy, "scripts/test.ts", someTests);
    expect(again.stdout).toMatch(/^type check of the project \(tsc --build \.\): no errors/m);
    expect(fs.statSync(path.join(copy, ".build", "tsc", "app.tsbuildinfo")).mtimeMs).toBe(written);
    expect(again.status).toBe(0);
  });
});

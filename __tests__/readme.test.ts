import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { devMatrixMarkdown, MATRIX_DOC, README, readmeMatrix } from "../scripts/docs/dev-matrix";
import { PROJECT_ROOT } from "../stacks/paths";

const readme = fs.readFileSync(README, "utf8");

describe("README", () => {
  test("the docs show the dev stack's current auth matrix (refresh with npm run docs:update)", () => {
    expect(readmeMatrix(fs.readFileSync(MATRIX_DOC, "utf8"))).toBe(devMatrixMarkdown());
  });

  test("names the two set-up commands, and CI runs the test command", () => {
    expect(readme).toContain("npm ci && npm run synth");
    expect(readme).toContain("npm test");
    const ci = fs.readFileSync(path.join(PROJECT_ROOT, ".ci", "run"), "utf8");
    expect(ci).toMatch(/^npm test$/m);
    expect(ci).toMatch(/^npm run test:slow$/m);
    expect(readme).toContain("npm run test:slow");
  });

  test("every npm script it mentions exists", () => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")).scripts);
    const mentioned = [...readme.matchAll(/npm run (?:-s )?([a-z][a-z:-]*)/g)].map((match) => match[1]!);
    expect(mentioned.length).toBeGreaterThan(3);
    for (const script of mentioned) expect(scripts).toContain(script);
  });

  test("cites only files inside the repository, and every cited fact exists", () => {
    const tracked = execFileSync("git", ["ls-files"], { cwd: PROJECT_ROOT, encoding: "utf8" }).split("\n").filter((file) => /\.(ts|js|md|yml)$|^help$/.test(file));
    const facts = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "aws-facts.md"), "utf8");
    const sections = new Set([...facts.matchAll(/^## (\d+)\. /gm)].map((match) => match[1]));
    const cited = new Set<string>();
    for (const file of tracked) {
      const text = fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");
      if (file !== "__tests__/readme.test.ts") {
        expect({ file, outside: /\.\.\/shared\/[A-Z-]+\.md|AWS-FACTS/.test(text) }).toEqual({ file, outside: false });
      }
      for (const match of text.matchAll(/docs\/aws-facts\.md §(\d+)/g)) cited.add(match[1]!);
    }
    expect(cited.size).toBeGreaterThan(3);
    for (const section of cited) expect(sections).toContain(section);
  });

  test("the help sheet captures output with npm run -s", () => {
    const help = fs.readFileSync(path.join(PROJECT_ROOT, "help"), "utf8");
    expect(help).toContain("TOKEN=$(npm run -s token --");
    expect(help).not.toMatch(/\$\(npm run (?!-s )/);
    expect(readme).not.toMatch(/\$\(npm run (?!-s )/);
  });
});

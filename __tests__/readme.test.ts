import * as fs from "node:fs";
import * as path from "node:path";
import { devMatrixMarkdown, README, readmeMatrix } from "../scripts/readme-matrix";
import { PROJECT_ROOT } from "../stacks/paths";

const readme = fs.readFileSync(README, "utf8");

describe("README", () => {
  test("shows the dev stack's current auth matrix (refresh with npm run docs:matrix)", () => {
    expect(readmeMatrix(readme)).toBe(devMatrixMarkdown());
  });

  test("names the two set-up commands, and CI runs the test command", () => {
    expect(readme).toContain("npm ci && npm run synth");
    expect(readme).toContain("npm test");
    expect(fs.readFileSync(path.join(PROJECT_ROOT, ".ci", "run"), "utf8")).toMatch(/^npm test$/m);
  });

  test("every npm script it mentions exists", () => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")).scripts);
    const mentioned = [...readme.matchAll(/npm run (?:-s )?([a-z][a-z:-]*)/g)].map((match) => match[1]!);
    expect(mentioned.length).toBeGreaterThan(3);
    for (const script of mentioned) expect(scripts).toContain(script);
  });
});

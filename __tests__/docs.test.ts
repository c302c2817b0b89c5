import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { bootstrap, environments } from "../environments";
import { shownSynthOutput, synthOutput, withoutTiming } from "../scripts/docs/synth-output";
import { addScopeAndRoute } from "../scripts/recipes";
import { notesRoutes } from "../stacks/api/routes";
import { notesClients, notesScopes } from "../stacks/auth/clients";
import { notesScopeGrants } from "../stacks/auth/groups";
import { checkAuthConfig } from "../stacks/guard/auth-guard";
import { checkBootstrapConfig, checkEnvironmentSet } from "../stacks/guard/deployment-guard";
import { formatFinding, type GuardFinding } from "../stacks/guard/guard-error";
import { PROJECT_ROOT } from "../stacks/paths";
import { policyRules } from "../stacks/policy/rules";
import { sharedSynth } from "./helpers/local-stack";

const markdown = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.md"], { cwd: PROJECT_ROOT, encoding: "utf8" })
  .split("\n")
  .filter((file) => file && !file.startsWith("node_modules/") && fs.existsSync(path.join(PROJECT_ROOT, file)));

/** GitHub's heading anchors: lower case, punctuation dropped but `-` and `_`, spaces as `-` (github-slugger's rule; that package is ESM-only). */
function slug(heading: string): string {
  return heading
    .replace(/`/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(file: string): Set<string> {
  const text = fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8").replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1]!.trim())));
}

describe("the documentation", () => {
  test("the README is the front door: under 30 KB, with a contents list, and every doc is one link away", () => {
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    expect(Buffer.byteLength(readme)).toBeLessThan(30_000);
    expect(readme).toMatch(/^\*\*Contents\*\*: /m);
    for (const doc of markdown.filter((file) => file.startsWith("docs/"))) expect([doc, readme.includes(`](${doc})`)]).toEqual([doc, true]);
    expect(readme).toContain("](help)");
  });

  test.each(markdown)("every relative link of %s resolves, to a file and to a heading", (file) => {
    // Code is not prose: fenced blocks and inline code hold no links.
    const text = fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8").replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:)/.test(target!)) continue;
      const [targetPath, anchor] = target!.split("#") as [string, string | undefined];
      const resolved = targetPath ? path.normalize(path.join(path.dirname(file), targetPath)) : file;
      if (!fs.existsSync(path.join(PROJECT_ROOT, resolved))) broken.push(`${target} (no file ${resolved})`);
      else if (anchor && resolved.endsWith(".md") && !anchorsOf(resolved).has(anchor)) broken.push(`${target} (no heading #${anchor} in ${resolved})`);
    }
    expect(broken).toEqual([]);
  });

  test("the policy table in docs/design.md lists every rule once, at its level, linked to the file that holds it", () => {
    const design = fs.readFileSync(path.join(PROJECT_ROOT, "docs/design.md"), "utf8");
    const rows = [...design.matchAll(/^\| \[([A-Z0-9-]+)\]\(\.\.\/(stacks\/policy\/rules\/[a-z-]+\.ts)\) \| (error|warning) \|/gm)];
    expect(rows.map(([, id]) => id).sort()).toEqual(policyRules.map((rule) => rule.id).sort());
    for (const [, id, file, level] of rows) {
      const rule = policyRules.find((candidate) => candidate.id === id)!;
      expect([id, level]).toEqual([id, rule.level]);
      expect([id, Object.values(require(path.join(PROJECT_ROOT, file!)) as Record<string, unknown>)]).toEqual([id, expect.arrayContaining([rule])]);
    }
  });
});

describe("output the docs show is what the tools print", () => {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
  test("the quickstart's npm run synth output (refresh with npm run docs:update)", () => {
    expect(withoutTiming(shownSynthOutput(readme) ?? "(no output block)")).toBe(withoutTiming(synthOutput(sharedSynth())));
  });

  test("the route recipe shows the code the growth test applies", () => {
    const handler = addScopeAndRoute.find((edit) => edit.file === "functions/notes/share.ts")!.replace;
    expect(readme).toContain(handler.trimEnd().split("\n").map((line) => (line ? `   ${line}` : "")).join("\n"));
    for (const edit of addScopeAndRoute.filter((candidate) => candidate.file === "stacks/api/routes.ts")) expect(readme).toContain(edit.replace.trim().split("\n").at(-1)!.trim());
  });

  const messages = (findings: readonly GuardFinding[]) => findings.map(formatFinding);
  const dev = environments.dev;
  const base = { config: dev, routes: notesRoutes, scopes: notesScopes, clients: notesClients(dev.auth), scopeGrants: notesScopeGrants };
  test.each([
    ["README.md", () => messages(checkAuthConfig({ ...base, clients: [...base.clients, { name: "billing", flows: ["client_credentials"], scopes: ["notes.read"], generateSecret: false }] }))],
    ["README.md", () => messages(checkAuthConfig({ ...base, config: { ...dev, api: { ...dev.api, corsAllowedOrigins: [...dev.api.corsAllowedOrigins, "https://admin.notes.example.com/"] } } }))],
    ["README.md", () => messages(checkEnvironmentSet([dev, environments.prod, { ...dev, name: "staging" }]))],
    // The recipe's premise: dev, devhttp and prod exist, staging is being added
    ["README.md", () => messages(checkBootstrapConfig("bootstrap", { ...bootstrap, deployEnvironments: ["dev", "prod", "staging"] }, [dev, environments.devhttp, environments.prod]))],
    ["docs/scopes-and-groups.md", () => messages(checkAuthConfig({ ...base, scopeGrants: { groups: [{ name: "readers", description: "Read notes", scopes: ["notes.read"] }] } }))],
  ])("a guard message %s quotes is the guard's own", (file, produce) => {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");
    const quoted = produce().filter((message) => text.includes(`\`${message}\``));
    expect(quoted.length).toBeGreaterThan(0);
  });
});

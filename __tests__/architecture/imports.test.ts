import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { PROJECT_ROOT } from "../../stacks/paths";
import { commandEntries } from "../helpers/commands";

// The project's floors, top-down: a file imports from its own floor or one below, never above.
const FLOORS = ["scripts", "local", "environments.ts", "stacks", "functions"];
// The emulator's parts, top-down: the commands use the servers, which use Cognito, the runtime
// and the stack model, which use the command-line helpers.
const LOCAL_PARTS = ["commands", "web", "gateway", "cognito", "runtime", "stack", "cli"];

function sourceFiles(folder: string): string[] {
  return fs.readdirSync(path.join(PROJECT_ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.(ts|js)$/.test(entry.name) ? [relative] : [];
  });
}

/** Each project file's (and test's) project-local imports (static, dynamic and `require`), as project-relative paths. */
function importGraph(): Map<string, string[]> {
  const files = ["main.ts", "environments.ts", ...[...FLOORS, "__tests__"].filter((floor) => !floor.endsWith(".ts")).flatMap(sourceFiles)];
  const known = new Set(files);
  const resolve = (from: string, specifier: string) =>
    [".ts", ".js", "/index.ts", ""].map((suffix) => path.join(path.dirname(from), specifier) + suffix).find((candidate) => known.has(candidate));
  return new Map(
    files.map((file) => {
      const imports = ts.preProcessFile(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8"), true, true).importedFiles;
      const targets = imports.filter(({ fileName }) => fileName.startsWith(".")).map(({ fileName }) => resolve(file, fileName));
      return [file, [...new Set(targets.filter((target): target is string => target !== undefined))]];
    }),
  );
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (file: string, trail: string[]) => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      found.push([...trail.slice(trail.indexOf(file)), file]);
      return;
    }
    state.set(file, "open");
    for (const target of graph.get(file) ?? []) visit(target, [...trail, file]);
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file, []);
  return found;
}

const resolveFrom = (from: string, specifier: string) => path.normalize(path.join(path.dirname(from), specifier)) + ".ts";

const rank = (order: readonly string[], name: string) => order.findIndex((entry) => name === entry || name.startsWith(`${entry}/`));

describe("the import graph", () => {
  const graph = importGraph();
  const arrows = [...graph].flatMap(([from, targets]) => targets.map((to) => ({ from, to })));

  test("has the files it should read (main.ts, the emulator, the stacks, the handlers)", () => {
    expect(graph.get("main.ts")).toEqual(expect.arrayContaining(["local/cli/command-line.ts"]));
    expect(graph.get("local/gateway/local-gateway.ts")?.length).toBeGreaterThan(5);
    expect(arrows.length).toBeGreaterThan(300);
  });

  test("has no import circle", () => {
    expect(cycles(graph).map((cycle) => cycle.join(" -> "))).toEqual([]);
  });

  test("every arrow runs down the floors: scripts, local, environments.ts, stacks, functions", () => {
    const upward = arrows.filter(({ from, to }) => rank(FLOORS, from) >= 0 && rank(FLOORS, to) < rank(FLOORS, from));
    expect(upward.map(({ from, to }) => `${from} -> ${to}`)).toEqual([]);
  });

  test("inside local/, every arrow runs down its parts: commands, web, gateway, cognito, runtime, stack, cli", () => {
    const parts = (file: string) => rank(LOCAL_PARTS, file.replace(/^local\//, ""));
    const local = arrows.filter(({ from, to }) => from.startsWith("local/") && to.startsWith("local/"));
    expect(local.filter(({ from }) => parts(from) < 0).map(({ from }) => from)).toEqual([]);
    expect(local.filter(({ from, to }) => parts(to) < parts(from)).map(({ from, to }) => `${from} -> ${to}`)).toEqual([]);
  });

  test("every command's first import reports a syntax error in the modules after it as one line, and no module imports a command", () => {
    const entries = commandEntries();
    expect(entries.map(({ file }) => file)).toEqual(expect.arrayContaining(["main.ts", "local/commands/dev.ts", "scripts/deploy.ts", "scripts/bench.ts"]));
    const firstImports = entries.map(({ file }) => ({ file, first: ts.preProcessFile(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8"), true, true).importedFiles[0]?.fileName }));
    expect(firstImports.filter(({ file, first }) => !first || resolveFrom(file, first) !== "local/cli/report-load-errors.ts")).toEqual([]);
    const commands = new Set(entries.map(({ file }) => file));
    expect(arrows.filter(({ to }) => commands.has(to)).map(({ from, to }) => `${from} -> ${to}`)).toEqual([]);
  });
});

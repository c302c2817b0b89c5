import * as fs from "node:fs";
import * as path from "node:path";

/** The route table's closing line, after which generated routes are appended. */
const TABLE_END = "\n];\n";
const HANDLERS = [
  { name: "list", method: "GET", suffix: "", scopes: "notes.read", action: "dynamodb:Query", source: "notes/list" },
  { name: "create", method: "POST", suffix: "", scopes: "notes.write", action: "dynamodb:PutItem", source: "notes/create" },
  { name: "get", method: "GET", suffix: "/{id}", scopes: "notes.read", action: "dynamodb:GetItem", source: "notes/get" },
  { name: "update", method: "PUT", suffix: "/{id}", scopes: "notes.write", action: "dynamodb:UpdateItem", source: "notes/update" },
  { name: "delete", method: "DELETE", suffix: "/{id}", scopes: "notes.write", action: "dynamodb:DeleteItem", source: "notes/delete" },
] as const;

/** Routes in a project with `groups` generated groups: the table's own plus five per group. */
export function routeCount(baseRoutes: number, groups: number): number {
  return baseRoutes + groups * HANDLERS.length;
}

/**
 * Grows a project copy's route table by `groups` groups of five routes (`/items<n>` and
 * `/items<n>/{id}`), each route with its own handler file, like `notes/*`: what a platform team's
 * API looks like at a few hundred routes. Never run on the repository itself.
 */
export function generateRoutes(projectCopy: string, groups: number): void {
  const routesFile = path.join(projectCopy, "stacks", "api", "routes.ts");
  const table = fs.readFileSync(routesFile, "utf8");
  if (!table.endsWith(TABLE_END)) throw new Error(`${routesFile} does not end with the route table`);
  const lines: string[] = [];
  for (let group = 0; group < groups; group += 1) {
    for (const handler of HANDLERS) {
      const module = `generated/items${group}/${handler.name}`;
      const source = fs.readFileSync(path.join(projectCopy, "functions", `${handler.source}.ts`), "utf8").replaceAll('from "../shared/', 'from "../../shared/');
      fs.mkdirSync(path.join(projectCopy, "functions", "generated", `items${group}`), { recursive: true });
      fs.writeFileSync(path.join(projectCopy, "functions", `${module}.ts`), source);
      lines.push(
        `  { method: "${handler.method}", path: "/items${group}${handler.suffix}", handler: "${module}", scopes: ["${handler.scopes}"], tableActions: ["${handler.action}"] },`,
      );
    }
  }
  fs.writeFileSync(routesFile, table.slice(0, -TABLE_END.length) + "\n" + lines.join("\n") + TABLE_END);
  // Each generated handler answers like the one it copies, so it shares that one's contract.
  const contracts = Array.from({ length: groups }, (_, group) => HANDLERS.map((handler) => `  "generated/items${group}/${handler.name}": HANDLER_CONTRACTS["${handler.source}"]!,`)).flat();
  fs.appendFileSync(path.join(projectCopy, "functions", "contracts.ts"), `\nObject.assign(HANDLER_CONTRACTS, {\n${contracts.join("\n")}\n});\n`);
}

import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../stacks/paths";

/** Where each tsconfig keeps its build info (`tsBuildInfoFile`). */
const buildInfo = (name: string) => path.join(PROJECT_ROOT, ".build", "tsc", `${name}.tsbuildinfo`);
/** npm rewrites this on every install: the mark that the packages' declarations may have changed. */
const INSTALLED = path.join(PROJECT_ROOT, "node_modules", ".package-lock.json");

const modified = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;

/**
 * tsc --build decides "up to date" from the project's own files (sources, tsconfig), not from the
 * declarations it reads in node_modules: after an install newer than the build info, check anew.
 */
export function typeCheckArguments(project: "." | "web", info = buildInfo(project === "." ? "app" : project), installed = INSTALLED): string[] {
  return ["--build", project, ...(modified(installed) > modified(info) ? ["--force"] : [])];
}

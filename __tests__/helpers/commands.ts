import * as fs from "node:fs";
import * as path from "node:path";
import { SYNTH_ARGS } from "../../local/stack/synth-cache";
import { PROJECT_ROOT } from "../../stacks/paths";

/** The TypeScript files the npm scripts run (`tsx <file>.ts`, `node --import tsx <file>.ts`, or main.ts through the synth launcher), by script name. */
export function commandEntries(): Array<{ script: string; file: string }> {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  return Object.entries(scripts).flatMap(([script, command]) => {
    const file = command.includes(SYNTH_ARGS.join(" ")) ? "main.ts" : /(?:^|\s)(?:tsx|node --import tsx) ([\w/.-]+\.ts)\b/.exec(command)?.[1];
    return file ? [{ script, file }] : [];
  });
}

import * as fs from "node:fs";
import * as path from "node:path";
import { dataStackName } from "../../stacks/stack-names";
import { expectedError } from "../cli/command-line";

/** An environment's outputs (its data stack's and its API stack's) from `npm run deploy -- <env> --outputs-file`. */
export function readStackOutputs(file: string, stack: string): Record<string, unknown> {
  if (!fs.existsSync(file)) throw expectedError(`no outputs file ${file}: write it with npm run deploy -- ${stack} --outputs-file ${path.basename(file)}`);
  const all = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, Record<string, unknown>>;
  const [outputs, data] = [all[stack], all[dataStackName(stack)]];
  if (!outputs || !data) {
    throw expectedError(`${file} needs the outputs of stacks '${stack}' and '${dataStackName(stack)}' (has: ${Object.keys(all).join(", ")})`);
  }
  return { ...data, ...outputs };
}

/** One output as a non-empty string; cdktf writes output names as declared or camelCased, depending on the version. */
export function outputValue(outputs: Record<string, unknown>, name: string): string {
  const camel = name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
  const value = outputs[name] ?? outputs[camel];
  if (typeof value !== "string" || value === "") throw expectedError(`output '${name}' is missing`);
  return value;
}

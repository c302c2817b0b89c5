import * as fs from "node:fs";
import * as path from "node:path";
import { dataStackName } from "../../stacks/stack-names";

/** The parts of a synthesized `cdk.tf.json` the local tools read. */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: unknown }>;
}

export interface TerraformResourceEntry {
  readonly type: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
}

export function readStackConfig(outdir: string, stack: string): TerraformJson {
  const file = path.join(outdir, "stacks", stack, "cdk.tf.json");
  if (!fs.existsSync(file)) throw new Error(`no synthesized stack '${stack}': ${file} does not exist`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as TerraformJson;
}

/**
 * An environment as one configuration: its API stack with the resources of its data stack
 * (Cognito, tables) merged in, as the local gateway serves them together.
 */
export function readEnvironmentConfig(outdir: string, stack: string): TerraformJson {
  const api = readStackConfig(outdir, stack);
  const data = readStackConfig(outdir, dataStackName(stack));
  const resource: Record<string, Record<string, Record<string, unknown>>> = {};
  // A function's `filename` is relative to its own stack's folder; the data stack's (the Cognito
  // trigger) is made relative to the API stack's, which the merged configuration stands for.
  for (const config of Object.values(data.resource?.aws_lambda_function ?? {})) {
    if (typeof config.filename === "string") config.filename = path.join("..", dataStackName(stack), config.filename);
  }
  for (const part of [data, api]) {
    for (const [type, entries] of Object.entries(part.resource ?? {})) resource[type] = { ...resource[type], ...entries };
  }
  return { ...api, resource, output: { ...data.output, ...api.output } };
}

export function resourcesOf(tf: TerraformJson, type: string): TerraformResourceEntry[] {
  return Object.entries(tf.resource?.[type] ?? {}).map(([name, config]) => ({ type, name, config }));
}

const REFERENCE = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}/g;

/**
 * Replaces `${type.name.attribute}` with the attribute's literal value from the configuration;
 * what is only known after apply (ids, ARNs) stays a reference.
 */
export function resolveLiterals(tf: TerraformJson, value: string): string {
  return value.replace(REFERENCE, (reference: string, type: string, name: string, attribute: string) => {
    const literal = tf.resource?.[type]?.[name]?.[attribute];
    return typeof literal === "string" && !literal.includes("${") ? literal : reference;
  });
}

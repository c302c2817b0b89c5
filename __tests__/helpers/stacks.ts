// Declares the cdktf jest matchers (toHaveResourceWithProperties ...) that setup.js registers.
import "cdktf/lib/testing/adapters/jest";
import { Testing } from "cdktf";
import { environments } from "../../environments";
import { NotesApiStack, type NotesApiStackProps } from "../../stacks/notes-api-stack";
import type { EnvironmentConfig } from "../../stacks/config";
import { resourcesOf, type TerraformJson } from "../../local/stack/terraform-config";

export interface SynthesizedStack {
  readonly stack: NotesApiStack;
  /** `Testing.synth` output of the API stack, for the cdktf jest matchers. */
  readonly synthesized: string;
  readonly json: TerraformJson & { terraform?: Record<string, unknown>; data?: Record<string, Record<string, any>> };
  /** The same of the environment's stateful stack (`<name>-data`: Cognito and the table). */
  readonly data: { readonly synthesized: string; readonly json: TerraformJson & { terraform?: Record<string, unknown> } };
}

/** Synthesizes one notes stack in a fresh test app, with no state bucket from the environment. */
export function synthNotesStack(props: Partial<NotesApiStackProps> = {}, environment: "dev" | "prod" = "dev"): SynthesizedStack {
  const app = Testing.app();
  const config: EnvironmentConfig = props.config ?? environments[environment];
  const stack = new NotesApiStack(app, config.name, { env: {}, ...props, config });
  // What App.synth does first: cross-stack references become outputs and remote-state data sources.
  for (const prepared of [stack, stack.data]) prepared.prepareStack();
  const synthesized = Testing.synth(stack);
  const dataSynthesized = Testing.synth(stack.data);
  return { stack, synthesized, json: JSON.parse(synthesized), data: { synthesized: dataSynthesized, json: JSON.parse(dataSynthesized) } };
}

/** The configurations of every resource of one type. */
export function configsOf(json: TerraformJson, type: string): Array<Record<string, any>> {
  return resourcesOf(json, type).map((entry) => entry.config);
}

/** The one resource of a type whose `attribute` equals `value`; fails when there is not exactly one. */
export function findResource(json: TerraformJson, type: string, attribute: string, value: unknown): Record<string, any> {
  const found = configsOf(json, type).filter((config) => config[attribute] === value);
  if (found.length !== 1) throw new Error(`expected one ${type} with ${attribute}=${String(value)}, found ${found.length}`);
  return found[0]!;
}

/** `${type.name.attribute}` of the resource whose `attribute` equals `value`. */
export function referenceTo(json: TerraformJson, type: string, attribute: string, value: unknown, wanted: string): string {
  const entry = Object.entries(json.resource?.[type] ?? {}).find(([, config]) => config[attribute] === value);
  if (!entry) throw new Error(`no ${type} with ${attribute}=${String(value)}`);
  return `\${${type}.${entry[0]}.${wanted}}`;
}

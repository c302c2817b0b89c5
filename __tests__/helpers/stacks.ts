// The cdktf jest matchers (toHaveResourceWithProperties ...): their types, and registered for the
// test files that use them (all through this helper), not in every file: cdktf takes a tenth of a
// second to load, in each of the suite's files.
import "cdktf/lib/testing/adapters/jest";
import { Testing } from "cdktf";
import { environments } from "../../environments";
import { NotesApiStack, type NotesApiStackProps } from "../../stacks/notes-api-stack";
import type { EnvironmentConfig } from "../../stacks/config";
import { resourcesOf, type TerraformJson } from "../../local/stack/terraform-config";

Testing.setupJest();

export interface SynthesizedStack {
  readonly stack: NotesApiStack;
  /** `Testing.synth` output of the API stack, for the cdktf jest matchers. */
  readonly synthesized: string;
  readonly json: TerraformJson & { terraform?: Record<string, unknown>; data?: Record<string, Record<string, any>> };
  /** The same of the environment's stateful stack (`<name>-data`: Cognito and the table). */
  readonly data: { readonly synthesized: string; readonly json: TerraformJson & { terraform?: Record<string, unknown> } };
}

/** The environments' stacks as configured, once per test file: most tests only read them. */
const asConfigured = new Map<string, SynthesizedStack>();

/**
 * Synthesizes one notes stack in a fresh test app, with no state bucket from the environment. The
 * stack of an environment as configured (no props) is made once per test file and shared: treat it
 * as read-only.
 */
export function synthNotesStack(props: Partial<NotesApiStackProps> = {}, environment: keyof typeof environments = "dev"): SynthesizedStack {
  if (Object.keys(props).length === 0) {
    if (!asConfigured.has(environment)) asConfigured.set(environment, synthesize({}, environment));
    return asConfigured.get(environment)!;
  }
  return synthesize(props, environment);
}

function synthesize(props: Partial<NotesApiStackProps>, environment: keyof typeof environments): SynthesizedStack {
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

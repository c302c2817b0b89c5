import { createHash, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { OfflineTerraform, PlanJson } from "./offline-terraform";

/**
 * Writes the state Terraform would hold after applying a plan, without AWS: planned values as
 * they are, and what only AWS knows after apply (ids, ARNs, dates) as stable fakes. The next
 * `terraform plan -refresh=false` then compares the configuration with that state, as it would
 * in a real account; tests use it to ask what a change plans (replace, order, redeploy).
 *
 * Only what this project's configurations use is understood: `${type.name.attribute}` references
 * inside strings, `sha1(jsonencode([...]))`, `tolist()` and an index path after it
 * (`tolist(x).0.name`); anything else fails loudly.
 */

type Json = any;

export const FAKE_ACCOUNT_ID = "123456789012";

interface AttributeSchema {
  readonly type?: Json;
  readonly computed?: boolean;
}
interface BlockSchema {
  readonly attributes?: Record<string, AttributeSchema>;
  readonly block_types?: Record<string, { nesting_mode: string; block: BlockSchema }>;
}
interface ResourceSchema {
  readonly version: number;
  readonly block: BlockSchema;
}

/** The provider's resource schemas, read once per provider version and kept in the temp folder for other test workers. */
function resourceSchemas(terraform: OfflineTerraform, stack: string): Record<string, ResourceSchema> {
  const cache = path.join(os.tmpdir(), `notes-aws-provider-schema-${terraform.source.version}.json`);
  if (fs.existsSync(cache)) return JSON.parse(fs.readFileSync(cache, "utf8"));
  const shown = JSON.parse(terraform.run(stack, ["providers", "schema", "-json"]).stdout);
  const schemas = shown.provider_schemas["registry.terraform.io/hashicorp/aws"].resource_schemas as Record<string, ResourceSchema>;
  const partial = `${cache}.${process.pid}`;
  fs.writeFileSync(partial, JSON.stringify(schemas));
  fs.renameSync(partial, cache);
  return schemas;
}

function shortHash(text: string, length = 10): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** A value AWS would assign, shaped so the provider's validators accept it (ARNs parse, ids are plain). */
function fakeComputed(address: string, attribute: string, type: Json, region: string, generation: number): Json {
  if (type === "number") return 0;
  if (type === "bool") return false;
  if (Array.isArray(type)) {
    if (type[0] === "map") return {};
    if (type[0] === "object") return null;
    return [];
  }
  const [resourceType, name] = address.split(".") as [string, string];
  const seed = `${address}#${generation}`;
  // A user pool id is `<region>_<alphanumerics>`; resources that name the pool validate it.
  if (attribute === "id" && resourceType === "aws_cognito_user_pool") return `${region}_F${shortHash(seed, 8)}`;
  if (attribute === "id") return `f${shortHash(seed, 9)}`;
  if (attribute.endsWith("arn")) {
    const service = resourceType.replace(/^aws_/, "").split("_")[0];
    return `arn:aws:${service}:${region}:${FAKE_ACCOUNT_ID}:${attribute.replace(/_/g, "-")}/${name}-${shortHash(seed, 6)}`;
  }
  // Other computed strings (dates, versions, stream settings) stay empty: providers normalize made-up values.
  return "";
}

/**
 * Computed values AWS derives from a resource's own settings, where a later reference reads inside
 * them: an ACM certificate's DNS validation record (one per name), a record's FQDN.
 */
const DERIVED: Readonly<Record<string, (values: Json, seed: string) => Json>> = {
  "aws_acm_certificate.domain_validation_options": (values, seed) => [
    {
      domain_name: values.domain_name,
      resource_record_name: `_${shortHash(`${seed}name`, 32)}.${values.domain_name}.`,
      resource_record_type: "CNAME",
      resource_record_value: `_${shortHash(`${seed}value`, 32)}.acm-validations.aws.`,
    },
  ],
  "aws_route53_record.fqdn": (values) => (typeof values.name === "string" ? values.name.replace(/\.$/, "") : undefined),
};

type Lookup = (address: string, attribute: string) => Json;

const REFERENCE = /^(?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+$/;

/** Go's encoding/json, which Terraform's jsonencode uses, escapes these; JSON.stringify does not. */
function terraformJsonEncode(value: Json): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const character of text) {
    if (character === "[" || character === "(") depth++;
    if (character === "]" || character === ")") depth--;
    if (character === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else current += character;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

function evaluateExpression(expression: string, lookup: Lookup): Json {
  const text = expression.trim();
  // A function's result indexed by a path: `tolist(aws_x.y.set).0.attribute`.
  const indexed = /^([a-z0-9]+\([^()]*\))((?:\.[A-Za-z0-9_-]+)+)$/.exec(text);
  if (indexed) {
    let value = evaluateExpression(indexed[1]!, lookup);
    for (const key of indexed[2]!.slice(1).split(".")) value = value?.[key];
    return value;
  }
  const call = /^([a-z0-9]+)\(([\s\S]*)\)$/.exec(text);
  if (call) {
    const [, name, argument] = call as unknown as [string, string, string];
    const value = evaluateExpression(argument, lookup);
    if (value === undefined) return undefined;
    if (name === "jsonencode") return terraformJsonEncode(value);
    if (name === "sha1") return createHash("sha1").update(String(value)).digest("hex");
    // tolist() of a set of strings: cty orders set elements lexically (a set of objects keeps its order here).
    if (name === "tolist") return Array.isArray(value) && value.every((item) => typeof item === "string") ? [...value].sort() : value;
    throw new Error(`fake apply: unsupported function ${name}() in \${${expression}}`);
  }
  if (text.startsWith("[") && text.endsWith("]")) {
    const items = splitTopLevel(text.slice(1, -1)).map((item) => evaluateExpression(item, lookup));
    return items.some((item) => item === undefined) ? undefined : items;
  }
  if (REFERENCE.test(text)) {
    const parts = text.split(".");
    const isData = parts[0] === "data";
    const address = parts.slice(0, isData ? 3 : 2).join(".");
    const [attribute, ...rest] = parts.slice(isData ? 3 : 2);
    let value = lookup(address, attribute!);
    for (const key of rest) value = value?.[key];
    return value;
  }
  throw new Error(`fake apply: unsupported expression \${${expression}}`);
}

/** Evaluates a configuration value (strings with `${...}`, lists, objects); undefined while a reference is not known yet. */
export function evaluateConfigValue(value: Json, lookup: Lookup): Json {
  if (typeof value === "string") {
    const whole = /^\$\{([^]*)\}$/.exec(value);
    if (whole && !whole[1]!.includes("${")) return evaluateExpression(whole[1]!, lookup);
    let unknown = false;
    const result = value.replace(/\$\{([^}]*)\}/g, (_match, expression: string) => {
      const resolved = evaluateExpression(expression, lookup);
      if (resolved === undefined) unknown = true;
      return typeof resolved === "string" ? resolved : JSON.stringify(resolved);
    });
    return unknown ? undefined : result;
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => evaluateConfigValue(item, lookup));
    return items.some((item) => item === undefined) ? undefined : items;
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value).map(([key, item]) => [key, evaluateConfigValue(item, lookup)] as const);
    return entries.some(([, item]) => item === undefined) ? undefined : Object.fromEntries(entries);
  }
  return value;
}

interface PendingResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly values: Json;
  readonly unknown: Json;
  readonly config: Json;
  readonly schema: ResourceSchema;
  readonly sensitive: Json;
}

/** Fills the unknown parts of `values` (as `unknown` marks them): from the configuration where it sets them, else fakes. Returns whether all is known. */
function fill(
  pending: PendingResource,
  values: Json,
  unknown: Json,
  config: Json,
  block: BlockSchema | undefined,
  lookup: Lookup,
  region: string,
  generation: number,
): boolean {
  let complete = true;
  for (const [key, marker] of Object.entries<Json>(unknown ?? {})) {
    if (marker === false || marker === undefined) continue;
    const configured = config?.[key];
    const nested = block?.block_types?.[key];
    if (marker === true) {
      if (configured !== undefined) {
        const evaluated = evaluateConfigValue(configured, lookup);
        if (evaluated === undefined) complete = false;
        else values[key] = nested && !Array.isArray(evaluated) && nested.nesting_mode !== "single" ? [evaluated] : evaluated;
      } else {
        const derive = DERIVED[`${pending.type}.${key}`];
        const derived = derive?.(values, `${pending.address}#${generation}`);
        // A derived value waits for the settings it derives from.
        if (derive && derived === undefined) complete = false;
        else values[key] = derive ? derived : fakeComputed(pending.address, key, block?.attributes?.[key]?.type ?? (nested ? ["list"] : "string"), region, generation);
      }
      continue;
    }
    if (Array.isArray(marker)) {
      const items = (values[key] ??= []) as Json[];
      const configuredItems = Array.isArray(configured) ? configured : configured !== undefined ? [configured] : [];
      marker.forEach((itemMarker: Json, index: number) => {
        if (itemMarker === true) {
          const evaluated = configuredItems[index] === undefined ? undefined : evaluateConfigValue(configuredItems[index], lookup);
          if (evaluated === undefined) complete = false;
          else items[index] = evaluated;
        } else if (itemMarker && typeof itemMarker === "object") {
          complete = fill(pending, (items[index] ??= {}), itemMarker, configuredItems[index], nested?.block, lookup, region, generation) && complete;
        }
      });
      continue;
    }
    if (typeof marker === "object") {
      complete = fill(pending, (values[key] ??= {}), marker, configured, nested?.block, lookup, region, generation) && complete;
    }
  }
  return complete;
}

/** The provider a resource's state names: the default one, or an aliased one (`aws.us-east-1`). */
function providerAddress(configKey?: string): string {
  const alias = configKey?.startsWith("aws.") ? configKey.slice("aws.".length) : undefined;
  return `provider["registry.terraform.io/hashicorp/aws"]${alias ? `.${alias}` : ""}`;
}

function readState(file: string): Json | undefined {
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined;
}

function ctyType(value: Json): Json {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return ["tuple", value.map(ctyType)];
  if (value && typeof value === "object") return ["object", Object.fromEntries(Object.entries(value).map(([key, item]) => [key, ctyType(item)]))];
  return "string";
}

/**
 * "Applies" `plan` to the stack's state file: creates and updates take the planned values,
 * deletes drop the resource, and what was unknown is filled in. `generation` makes the fakes of
 * a later apply differ, as a replaced resource's new id would.
 */
export function fakeApply(terraform: OfflineTerraform, stack: string, plan: PlanJson, generation = 1): void {
  const schemas = resourceSchemas(terraform, stack);
  const stateFile = terraform.statePath(stack);
  const prior = readState(stateFile);
  const region = String(plan.configuration?.provider_config?.aws?.expressions?.region?.constant_value ?? "eu-west-1");
  const configResources = new Map<string, Json>(
    (plan.configuration?.root_module?.resources ?? []).map((resource: Json) => [resource.address as string, resource]),
  );

  const current = new Map<string, Json>();
  for (const resource of prior?.resources ?? []) {
    if (resource.mode === "managed") current.set(`${resource.type}.${resource.name}`, resource.instances[0].attributes);
  }
  const dataValues = new Map<string, Json>();
  const pending: PendingResource[] = [];
  for (const change of plan.resource_changes ?? []) {
    if (change.mode === "data") {
      if (change.change.after) dataValues.set(change.address, change.change.after);
      continue;
    }
    const actions = change.change.actions;
    if (actions.includes("delete") && !actions.includes("create")) {
      current.delete(change.address);
      continue;
    }
    if (actions.length === 1 && (actions[0] === "no-op" || actions[0] === "read")) continue;
    const config = configResources.get(change.address);
    const expressions = Object.fromEntries(
      Object.entries<Json>(config?.expressions ?? {}).map(([key, expression]) => [key, constantOf(expression)]),
    );
    pending.push({
      address: change.address,
      type: change.type,
      name: change.name,
      values: structuredClone(change.change.after ?? {}),
      unknown: change.change.after_unknown ?? {},
      config: expressions,
      schema: schemas[change.type]!,
      sensitive: change.change.after_sensitive ?? {},
    });
    current.set(change.address, undefined);
  }

  const complete = new Set<string>();
  const lookup: Lookup = (address, attribute) => {
    if (address.startsWith("data.")) return dataValues.get(address)?.[attribute];
    if (pending.some((resource) => resource.address === address) && !complete.has(address)) {
      const resource = pending.find((candidate) => candidate.address === address)!;
      const value = resource.values[attribute];
      return resource.unknown[attribute] === true ? undefined : value;
    }
    return current.get(address)?.[attribute];
  };
  // Computed-only values first (ids, ARNs), then what the configuration derives from them, until nothing changes.
  for (let round = 0; complete.size < pending.length; round++) {
    if (round > pending.length + 2) {
      const stuck = pending.filter((resource) => !complete.has(resource.address)).map((resource) => resource.address);
      throw new Error(`fake apply: cannot resolve ${stuck.join(", ")}`);
    }
    for (const resource of pending) {
      if (complete.has(resource.address)) continue;
      const done = fill(resource, resource.values, resource.unknown, resource.config, resource.schema.block, lookup, region, generation);
      if (done) {
        complete.add(resource.address);
        current.set(resource.address, resource.values);
        for (const key of Object.keys(resource.unknown)) if (resource.unknown[key] === true) (resource.unknown as Json)[key] = false;
      }
    }
  }

  const sensitivity = new Map<string, Json>(pending.map((resource) => [resource.address, resource.sensitive]));
  const dependencies = dependencyClosure(configResources);
  // Terraform records create_before_destroy in state, inherited by every dependency of a resource that
  // sets it; a later plan orders the destroy of a removed resource by that record.
  const synthesized = JSON.parse(fs.readFileSync(path.join(terraform.stackFolder(stack), "cdk.tf.json"), "utf8")) as Json;
  const createBeforeDestroy = new Set<string>();
  for (const [type, entries] of Object.entries<Json>(synthesized.resource ?? {})) {
    for (const [name, resource] of Object.entries<Json>(entries)) {
      if (!resource.lifecycle?.create_before_destroy) continue;
      createBeforeDestroy.add(`${type}.${name}`);
      for (const dependency of dependencies.get(`${type}.${name}`) ?? []) createBeforeDestroy.add(dependency);
    }
  }
  const resources = [...current.entries()]
    .filter(([, attributes]) => attributes !== undefined)
    .map(([address, attributes]) => {
      const [type, name] = address.split(".") as [string, string];
      const prev = prior?.resources?.find((resource: Json) => `${resource.type}.${resource.name}` === address);
      return {
        mode: "managed",
        type,
        name,
        provider: configResources.has(address) ? providerAddress(configResources.get(address).provider_config_key) : (prev?.provider ?? providerAddress()),
        instances: [
          {
            schema_version: schemas[type]?.version ?? 0,
            attributes,
            // Terraform plans an update when only a value's sensitivity differs from state.
            sensitive_attributes: sensitivity.has(address) ? sensitivePaths(sensitivity.get(address)) : prev?.instances?.[0]?.sensitive_attributes ?? [],
            dependencies: dependencies.get(address) ?? prev?.instances?.[0]?.dependencies ?? [],
            ...(configResources.has(address) ? (createBeforeDestroy.has(address) ? { create_before_destroy: true } : {}) : prev?.instances?.[0]?.create_before_destroy ? { create_before_destroy: true } : {}),
          },
        ],
      };
    })
    .sort((a, b) => `${a.type}.${a.name}`.localeCompare(`${b.type}.${b.name}`));

  const outputs: Record<string, { value: Json; type: Json }> = {};
  const outputConfig = plan.configuration?.root_module?.outputs ?? {};
  for (const [name, output] of Object.entries<Json>(outputConfig)) {
    const value = evaluateConfigValue(constantOf(output.expression), (address, attribute) =>
      address.startsWith("data.") ? dataValues.get(address)?.[attribute] : current.get(address)?.[attribute],
    );
    if (value !== undefined) outputs[name] = { value, type: ctyType(value), ...(output.sensitive ? { sensitive: true } : {}) };
  }

  const state = {
    version: 4,
    terraform_version: String((plan as Json).terraform_version ?? "1.11.4"),
    serial: (prior?.serial ?? 0) + 1,
    lineage: prior?.lineage ?? randomUUID(),
    outputs,
    resources,
    check_results: null,
  };
  fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
}

/** The configured value of an expression: the literal as written (with `${...}` text) for this project's JSON configurations. */
function constantOf(expression: Json): Json {
  if (expression === undefined || expression === null) return undefined;
  if (Array.isArray(expression)) return expression.map((block) => Object.fromEntries(Object.entries<Json>(block).map(([key, value]) => [key, constantOf(value)])));
  if ("constant_value" in expression) return expression.constant_value;
  if ("references" in expression) return undefined;
  return Object.fromEntries(Object.entries<Json>(expression).map(([key, value]) => [key, constantOf(value)]));
}

/** State's form of the sensitive parts of a value: one path of `get_attr`/`index` steps each. */
function sensitivePaths(marks: Json, prefix: Json[] = []): Json[][] {
  if (marks === true) return [prefix];
  if (!marks || typeof marks !== "object") return [];
  if (Array.isArray(marks)) return marks.flatMap((mark, index) => sensitivePaths(mark, [...prefix, { type: "index", value: { value: index, type: "number" } }]));
  return Object.entries(marks).flatMap(([key, mark]) => sensitivePaths(mark, [...prefix, { type: "get_attr", value: key }]));
}

/** Every managed resource each resource depends on, directly or through others, as Terraform records it in state. */
function dependencyClosure(configResources: Map<string, Json>): Map<string, string[]> {
  const direct = new Map<string, Set<string>>();
  const collect = (expression: Json, into: Set<string>) => {
    if (!expression || typeof expression !== "object") return;
    if (Array.isArray(expression)) return expression.forEach((item) => collect(item, into));
    for (const reference of (expression.references ?? []) as string[]) {
      const parts = reference.split(".");
      if (parts[0] !== "data" && parts.length >= 2 && configResources.has(`${parts[0]}.${parts[1]}`)) into.add(`${parts[0]}.${parts[1]}`);
    }
    for (const [key, value] of Object.entries(expression)) if (key !== "references") collect(value, into);
  };
  for (const [address, resource] of configResources) {
    if (resource.mode !== "managed") continue;
    const into = new Set<string>((resource.depends_on ?? []).filter((dependency: string) => configResources.has(dependency)));
    collect(resource.expressions, into);
    direct.set(address, into);
  }
  const closure = new Map<string, string[]>();
  const visit = (address: string, seen: Set<string>) => {
    for (const dependency of direct.get(address) ?? []) {
      if (seen.has(dependency)) continue;
      seen.add(dependency);
      visit(dependency, seen);
    }
  };
  for (const address of direct.keys()) {
    const seen = new Set<string>();
    visit(address, seen);
    closure.set(address, [...seen].sort());
  }
  return closure;
}

/**
 * Plans from the current state and fake-applies it, then checks that a second plan has nothing
 * left to do: the state is what a real apply of this configuration would leave.
 */
export function fakeDeploy(terraform: OfflineTerraform, stack: string): void {
  fakeApply(terraform, stack, terraform.plan(stack));
  const left = terraform.plannedChanges(stack);
  if (Object.keys(left).length) {
    throw new Error(`fake deploy of ${stack} still plans changes: ${Object.entries(left).map(([address, action]) => `${address} ${action}`).join("; ")}`);
  }
}

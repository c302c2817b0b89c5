import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Terraform's implied local mirror folders (CLI configuration docs, "Implied Local Mirror Directories"), then this image's. */
const MIRROR_CANDIDATES = [
  process.env.TERRAFORM_PROVIDER_MIRROR,
  path.join(os.homedir(), ".terraform.d", "plugins"),
  path.join(os.homedir(), ".local", "share", "terraform", "plugins"),
  "/usr/local/share/terraform/plugins",
  "/usr/share/terraform/plugins",
  "/opt/tf-plugins",
].filter((candidate): candidate is string => Boolean(candidate));

const AWS_PROVIDER = path.join("registry.terraform.io", "hashicorp", "aws");

/** Credentials that look real to the provider and are never sent anywhere: every plan runs with `-refresh=false`. */
export const PLACEHOLDER_CREDENTIALS = { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "placeholder-not-a-secret" } as const;

/** Provider settings that keep `validate` and `plan -refresh=false` from calling AWS. */
const OFFLINE_PROVIDER_SETTINGS = {
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
} as const;

/** One change the offline copy makes to the synthesized configuration, and why. */
export interface Substitution {
  readonly where: string;
  readonly from: string;
  readonly to: string;
  readonly why: string;
}

export interface ProviderSource {
  /** The provider version `terraform init` installs. */
  readonly version: string;
  /** A filesystem mirror holding it, or undefined when init may download the pinned version. */
  readonly mirror?: string;
}

/** Whether `terraform` is on PATH; its version line, or undefined. */
export function terraformVersion(): string | undefined {
  const result = spawnSync("terraform", ["version"], { encoding: "utf8", env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1" } });
  return result.status === 0 ? result.stdout.split("\n")[0]!.trim() : undefined;
}

/** Versions of hashicorp/aws in a mirror folder, newest first. */
function mirroredVersions(mirror: string): string[] {
  const folder = path.join(mirror, AWS_PROVIDER);
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((version) => /^\d+\.\d+\.\d+$/.test(version))
    .sort((a, b) => b.localeCompare(a, "en", { numeric: true }));
}

/**
 * The pinned provider when a mirror holds it; else the newest mirrored one; else the pinned one
 * from the registry (a machine with network).
 */
export function providerSource(pinned: string): ProviderSource {
  for (const mirror of MIRROR_CANDIDATES) {
    if (mirroredVersions(mirror).includes(pinned)) return { version: pinned, mirror };
  }
  for (const mirror of MIRROR_CANDIDATES) {
    const newest = mirroredVersions(mirror)[0];
    if (newest) return { version: newest, mirror };
  }
  return { version: pinned };
}

/**
 * Values the synthesized configuration uses that an older provider rejects, with what that
 * provider accepts instead. Only applied when the pinned provider is not the one installed.
 */
const OLDER_PROVIDER_VALUES: ReadonlyArray<{ type: string; attribute: string; from: string; to: string; since: string }> = [
  // nodejs24.x is accepted from provider 6.19 (hashicorp/terraform-provider-aws#44986).
  { type: "aws_lambda_function", attribute: "runtime", from: "nodejs24.x", to: "nodejs22.x", since: "6.19.0" },
];

function olderThan(version: string, than: string): boolean {
  return version.localeCompare(than, "en", { numeric: true }) < 0;
}

type Json = Record<string, any>;

/** Rewrites a synthesized `cdk.tf.json` (in place, as an object) to run offline with `source`, listing each change. */
export function offlineConfiguration(config: Json, source: ProviderSource): Substitution[] {
  const substitutions: Substitution[] = [];
  const requirement = config.terraform?.required_providers?.aws;
  const pinned = String(requirement?.version ?? "");
  if (requirement && pinned !== source.version) {
    requirement.version = source.version;
    substitutions.push({
      where: "terraform.required_providers.aws.version",
      from: pinned,
      to: source.version,
      why: `hashicorp/aws ${pinned} cannot be installed here; the filesystem mirror holds ${source.version}`,
    });
  }
  for (const value of OLDER_PROVIDER_VALUES) {
    if (!olderThan(source.version, value.since)) continue;
    for (const [name, resource] of Object.entries<Json>(config.resource?.[value.type] ?? {})) {
      if (resource[value.attribute] !== value.from) continue;
      resource[value.attribute] = value.to;
      substitutions.push({
        where: `${value.type}.${name}.${value.attribute}`,
        from: value.from,
        to: value.to,
        why: `hashicorp/aws ${source.version} predates ${value.from} (accepted from ${value.since})`,
      });
    }
  }
  for (const provider of config.provider?.aws ?? []) {
    if (provider.allowed_account_ids) {
      substitutions.push({
        where: "provider.aws.allowed_account_ids",
        from: JSON.stringify(provider.allowed_account_ids),
        to: "(removed)",
        why: "checking the account asks AWS STS who the credentials belong to; the placeholder credentials belong to nobody",
      });
      delete provider.allowed_account_ids;
    }
    Object.assign(provider, OFFLINE_PROVIDER_SETTINGS);
  }
  return substitutions;
}

/** A CLI configuration that installs hashicorp/aws from `mirror` only. */
function cliConfiguration(mirror: string): string {
  return [
    "provider_installation {",
    `  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }`,
    '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }',
    "}",
    "",
  ].join("\n");
}

export interface TerraformResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A folder laid out like the project after synth (`cdktf.out/stacks/<stack>`, state files
 * `terraform.<stack>.tfstate` at its root), so the stacks' relative local backends and their
 * remote-state references resolve inside it.
 */
export class OfflineTerraform {
  readonly root: string;
  readonly source: ProviderSource;
  private readonly cliConfig: string;
  readonly substitutions = new Map<string, Substitution[]>();

  constructor(pinnedVersion: string, prefix = "notes-terraform-") {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.source = providerSource(pinnedVersion);
    this.cliConfig = path.join(this.root, "terraform.rc");
    fs.writeFileSync(this.cliConfig, this.source.mirror ? cliConfiguration(this.source.mirror) : "");
  }

  stackFolder(stack: string): string {
    return path.join(this.root, "cdktf.out", "stacks", stack);
  }

  statePath(stack: string): string {
    return path.join(this.root, `terraform.${stack}.tfstate`);
  }

  /** Copies a synthesized stack (its `cdk.tf.json` rewritten to run offline; assets linked) and runs `terraform init`. */
  addStack(stack: string, synthesizedFolder: string, edit?: (config: Json) => void): Substitution[] {
    const folder = this.stackFolder(stack);
    fs.rmSync(folder, { recursive: true, force: true });
    fs.mkdirSync(folder, { recursive: true });
    const config = JSON.parse(fs.readFileSync(path.join(synthesizedFolder, "cdk.tf.json"), "utf8")) as Json;
    edit?.(config);
    const substitutions = offlineConfiguration(config, this.source);
    fs.writeFileSync(path.join(folder, "cdk.tf.json"), JSON.stringify(config, null, 2));
    const assets = path.join(synthesizedFolder, "assets");
    if (fs.existsSync(assets)) fs.symlinkSync(assets, path.join(folder, "assets"), "dir");
    this.substitutions.set(stack, substitutions);
    this.run(stack, ["init", "-input=false"]);
    return substitutions;
  }

  /** Runs terraform in a stack's folder; throws with terraform's own error text when it fails, unless `allowFailure`. */
  run(stack: string, args: readonly string[], options: { allowFailure?: boolean } = {}): TerraformResult {
    const result = spawnSync("terraform", [...args, "-no-color"], {
      cwd: this.stackFolder(stack),
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      timeout: 180_000,
      env: {
        ...process.env,
        ...PLACEHOLDER_CREDENTIALS,
        AWS_SESSION_TOKEN: "",
        AWS_PROFILE: "",
        AWS_EC2_METADATA_DISABLED: "true",
        TF_CLI_CONFIG_FILE: this.cliConfig,
        TF_IN_AUTOMATION: "1",
        TF_INPUT: "0",
        CHECKPOINT_DISABLE: "1",
      },
    });
    const outcome = { status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? String(result.error ?? "") };
    if (outcome.status !== 0 && !options.allowFailure) {
      throw new Error(`terraform ${args.join(" ")} failed in stack ${stack}:\n${outcome.stderr || outcome.stdout}`);
    }
    return outcome;
  }

  /** `terraform plan -refresh=false` saved to a file, and its JSON form (`terraform show -json`). */
  plan(stack: string, extraArgs: readonly string[] = []): PlanJson {
    const planFile = `plan-${Date.now().toString(36)}.tfplan`;
    this.run(stack, ["plan", "-input=false", "-lock=false", "-refresh=false", `-out=${planFile}`, ...extraArgs]);
    const shown = this.run(stack, ["show", "-json", planFile]);
    return JSON.parse(shown.stdout) as PlanJson;
  }

  /**
   * `terraform plan -refresh=false` without a saved plan: each planned change's address and
   * actions, read from `-json` UI output (cheaper than a saved plan plus `terraform show -json`).
   */
  plannedChanges(stack: string, extraArgs: readonly string[] = []): Record<string, string> {
    const output = this.run(stack, ["plan", "-input=false", "-lock=false", "-refresh=false", "-json", ...extraArgs]).stdout;
    const changes: Record<string, string> = {};
    for (const line of output.split("\n")) {
      if (!line.startsWith("{")) continue;
      const message = JSON.parse(line) as { type?: string; change?: { resource?: { addr?: string }; action?: string } };
      if (message.type === "planned_change" && message.change?.resource?.addr) changes[message.change.resource.addr] = message.change.action ?? "";
    }
    return changes;
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** The parts of `terraform show -json <plan>` this project reads. */
export interface PlanJson {
  readonly format_version: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly planned_values?: { readonly root_module: PlannedModule };
  readonly configuration?: Json;
  readonly output_changes?: Readonly<Record<string, Change>>;
}

/** One planned change of a resource or an output; `*_sensitive` and `after_unknown` mirror the value's shape, `true` where a part is sensitive or unknown. */
export interface Change {
  readonly actions: readonly string[];
  readonly before: unknown;
  readonly after: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
}

export interface ResourceChange {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly change: Change & { readonly before: Json | null; readonly after: Json | null };
  readonly action_reason?: string;
}

export interface PlannedModule {
  readonly resources?: ReadonlyArray<{ address: string; mode: string; type: string; name: string; schema_version: number; values: Json }>;
}

/** `["create"]`, `["delete", "create"]` (replace, destroy first), `["create", "delete"]` (replace, create first) ... of one address. */
export function actionsOf(plan: PlanJson, address: string): readonly string[] {
  const change = plan.resource_changes?.find((candidate) => candidate.address === address);
  if (!change) throw new Error(`the plan has no change for ${address}`);
  return change.change.actions;
}

/** Every address whose planned actions are not a no-op (or a read), with its actions. */
export function changesOf(plan: PlanJson): Record<string, string> {
  return Object.fromEntries(
    (plan.resource_changes ?? [])
      .filter((change) => !(change.change.actions.length === 1 && (change.change.actions[0] === "no-op" || change.change.actions[0] === "read")))
      .map((change) => [change.address, change.change.actions.join(",")]),
  );
}

import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { EnvironmentConfig, StateConfig } from "../config";
import { GuardError } from "../guard/guard-error";

/** Set by the plan and deploy workflows: synth refuses local state instead of silently using it. */
export const REQUIRE_REMOTE_STATE = "REQUIRE_REMOTE_STATE";

/** The bucket from the configuration, else from `STATE_BUCKET`; none means local state. */
export function stateConfig(config: Pick<EnvironmentConfig, "state">, env: NodeJS.ProcessEnv = process.env): StateConfig | undefined {
  if (config.state) return config.state;
  const bucket = env.STATE_BUCKET?.trim();
  return bucket ? { bucket, region: env.STATE_REGION?.trim() || undefined } : undefined;
}

/** The S3 key of a stack's state: `<keyPrefix>/<stack>.tfstate`. */
export function stateKey(config: Pick<EnvironmentConfig, "state" | "namePrefix">, stack: string): string {
  return `${config.state?.keyPrefix ?? config.namePrefix}/${stack}.tfstate`;
}

/** Local state of a stack, relative to its folder `cdktf.out/stacks/<stack>`: `terraform.<stack>.tfstate` in the project root. */
export function localStatePath(stack: string): string {
  return `../../../terraform.${stack}.tfstate`;
}

/**
 * S3 state, encrypted and locked with S3's own lock file (no DynamoDB table), or local state at a
 * path relative to the stack's folder, so it is the same on every machine (docs/aws-facts.md §4).
 * With `REQUIRE_REMOTE_STATE=1` in the environment a missing bucket is an error, not local state.
 */
export function configureBackend(stack: TerraformStack, config: EnvironmentConfig, stackName: string, env: NodeJS.ProcessEnv = process.env): void {
  const state = stateConfig(config, env);
  if (!state) {
    if (env[REQUIRE_REMOTE_STATE] === "1") {
      throw new GuardError([
        {
          stack: stackName,
          at: "config",
          field: "state.bucket",
          value: env.STATE_BUCKET ?? null,
          message: `${REQUIRE_REMOTE_STATE}=1 forbids local state: set STATE_BUCKET (the bootstrap output state_bucket) or config.state.bucket`,
        },
      ]);
    }
    new LocalBackend(stack, { path: localStatePath(stackName) });
    return;
  }
  const backend = new S3Backend(stack, {
    bucket: state.bucket,
    key: stateKey(config, stackName),
    region: state.region ?? config.region,
    encrypt: true,
  });
  // cdktf 0.21's S3Backend predates `use_lockfile` (Terraform 1.10+).
  backend.addOverride("use_lockfile", true);
}

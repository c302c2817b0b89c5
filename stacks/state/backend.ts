import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { EnvironmentConfig, StateConfig } from "../config";

/** The bucket from the configuration, else from `STATE_BUCKET`; none means local state. */
export function stateConfig(config: EnvironmentConfig, env: NodeJS.ProcessEnv = process.env): StateConfig | undefined {
  if (config.state) return config.state;
  const bucket = env.STATE_BUCKET?.trim();
  return bucket ? { bucket, region: env.STATE_REGION?.trim() || undefined } : undefined;
}

/**
 * S3 state, encrypted and locked with S3's own lock file (no DynamoDB table), or local state at a
 * path relative to the stack's folder, so it is the same on every machine (AWS-FACTS §4).
 */
export function configureBackend(stack: TerraformStack, config: EnvironmentConfig, env: NodeJS.ProcessEnv = process.env): void {
  const state = stateConfig(config, env);
  if (!state) {
    new LocalBackend(stack, { path: `../../../terraform.${config.name}.tfstate` });
    return;
  }
  const backend = new S3Backend(stack, {
    bucket: state.bucket,
    key: state.key ?? `${config.namePrefix}/${config.name}.tfstate`,
    region: state.region ?? config.region,
    encrypt: true,
  });
  // cdktf 0.21's S3Backend predates `use_lockfile` (Terraform 1.10+).
  backend.addOverride("use_lockfile", true);
}

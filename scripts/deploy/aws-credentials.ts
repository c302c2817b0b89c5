import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { expectedError } from "../../local/cli/command-line";

/** What is deployed (a stack, or an environment's two) and where, as the config says. */
export interface DeployTarget {
  readonly stack: string;
  readonly accountId: string;
  readonly region: string;
}

/**
 * Looks for credentials the way Terraform's AWS provider and the AWS CLI do (environment, SSO and
 * shared-config profiles, web identity, container and instance roles), before any terraform runs:
 * without them `terraform init` fails deep inside the S3 backend with a page of provider text.
 * Which account they belong to is Terraform's check (the provider's allowed_account_ids).
 */
export async function checkAwsCredentials(target: DeployTarget, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    await defaultProvider({ profile: env.AWS_PROFILE })();
  } catch (error) {
    const found = env.AWS_PROFILE ? `AWS_PROFILE=${env.AWS_PROFILE} gives no credentials` : "no AWS credentials";
    const reason = ((error as Error).message ?? String(error)).split("\n")[0];
    throw expectedError(
      `${found} for ${target.stack} (account ${target.accountId}, ${target.region}): set AWS_PROFILE to a profile of that account (for an SSO profile, aws sso login --profile <name> first), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (${reason})`,
    );
  }
}

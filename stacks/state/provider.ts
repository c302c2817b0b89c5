import type { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";

export interface ProviderSettings {
  readonly region: string;
  /** A second provider of the stack, for another region: `provider = aws.<alias>`. @default - the stack's default provider */
  readonly alias?: string;
  readonly accountId: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The AWS provider of a stack: its region, its default tags, and only its own account's credentials. */
export function configureAwsProvider(stack: TerraformStack, settings: ProviderSettings): AwsProvider {
  const tags = settings.tags ?? {};
  return new AwsProvider(stack, settings.alias ? `aws-${settings.alias}` : "aws", {
    ...(settings.alias ? { alias: settings.alias } : {}),
    region: settings.region,
    allowedAccountIds: [settings.accountId],
    defaultTags: Object.keys(tags).length ? [{ tags: { ...tags } }] : undefined,
  });
}

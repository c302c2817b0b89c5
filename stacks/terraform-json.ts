/** How many resources a Terraform JSON configuration (a stack's `cdk.tf.json`) declares. */
export function resourceCount(config: { readonly resource?: Readonly<Record<string, object>> }): number {
  return Object.values(config.resource ?? {}).reduce((sum, entries) => sum + Object.keys(entries).length, 0);
}

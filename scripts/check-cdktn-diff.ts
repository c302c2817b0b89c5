import * as fs from "node:fs";
import * as path from "node:path";

/**
 * What may differ in a stack's Terraform: the provider version the fork's bindings pin, and the
 * generator's own version in cdktf's metadata block. Anything else is a behaviour change.
 */
export const ALLOWED = [/^terraform\.required_providers\.aws\.version$/, /^\/\/\.metadata\.version$/];

/** Terraform reads a provider source without a namespace as `hashicorp/<name>`: `aws` and `hashicorp/aws` are one provider. */
export function sameProviderSource(difference: { path: string; today: unknown; fork: unknown }): boolean {
  const normalized = (value: unknown) => (typeof value === "string" && !value.includes("/") ? `hashicorp/${value}` : value);
  return /^terraform\.required_providers\.\w+\.source$/.test(difference.path) && normalized(difference.today) === normalized(difference.fork);
}


export interface Difference {
  readonly stack: string;
  readonly path: string;
  readonly today: unknown;
  readonly fork: unknown;
}

/** Every leaf that differs between two JSON values, as `a.b.c` paths. */
export function jsonDifferences(today: unknown, fork: unknown, at = ""): Array<{ path: string; today: unknown; fork: unknown }> {
  if (typeof today === "object" && today !== null && typeof fork === "object" && fork !== null && Array.isArray(today) === Array.isArray(fork)) {
    const keys = [...new Set([...Object.keys(today), ...Object.keys(fork)])].sort();
    return keys.flatMap((key) => jsonDifferences((today as Record<string, unknown>)[key], (fork as Record<string, unknown>)[key], at ? `${at}.${key}` : key));
  }
  return JSON.stringify(today) === JSON.stringify(fork) ? [] : [{ path: at, today, fork }];
}

/** Differences between two synth outputs that are not on the allowed list, per stack. */
export function forbiddenDifferences(todayOut: string, forkOut: string): Difference[] {
  const stacks = (outdir: string) => fs.readdirSync(path.join(outdir, "stacks")).sort();
  const names = [...new Set([...stacks(todayOut), ...stacks(forkOut)])];
  return names.flatMap((stack) => {
    const read = (outdir: string) => {
      const file = path.join(outdir, "stacks", stack, "cdk.tf.json");
      return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as unknown) : undefined;
    };
    return jsonDifferences(read(todayOut), read(forkOut))
      .filter((difference) => !ALLOWED.some((pattern) => pattern.test(difference.path)) && !sameProviderSource(difference))
      .map((difference) => ({ stack, ...difference }));
  });
}


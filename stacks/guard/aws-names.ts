import { partition } from "@aws-sdk/core/client";

/**
 * A region of the commercial `aws` partition that AWS has launched: the SDK's endpoint partitions
 * list every launched region with a description, and only match unknown names by pattern. The
 * stacks write `arn:aws:` ARNs, so GovCloud and China regions are refused too.
 */
export function regionProblem(region: string): string | undefined {
  if (region.trim() === "") return "name the AWS region, for example eu-west-1";
  const found = partition(region) as { name: string; description?: string };
  if (found.name !== "aws") return `a region of the ${found.name} partition: the stacks build arn:aws: ARNs, only the aws partition is supported`;
  if (found.description === undefined) return "not an AWS region (for example eu-west-1, us-east-1)";
  return undefined;
}

/** The project's own names (`namePrefix`, an environment's `name`): they start every resource name. */
export function namePartProblem(value: string): string | undefined {
  return /^[a-z][a-z0-9-]{0,19}$/.test(value) ? undefined : "1-20 characters of [a-z0-9-], starting with a letter";
}

export function accountIdProblem(accountId: string): string | undefined {
  return /^\d{12}$/.test(accountId) ? undefined : "an AWS account id is 12 digits";
}

/**
 * S3's naming rules for general purpose buckets (Amazon S3 User Guide, "General purpose bucket
 * naming rules"), without dots: a dotted name breaks virtual-hosted-style HTTPS.
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "an S3 bucket name has 3 to 63 characters";
  if (!/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(name)) return "an S3 bucket name is lower-case letters, digits and '-', starting and ending with a letter or digit (no dots: they break HTTPS)";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return "S3 reserves the prefixes xn--, sthree- and amzn-s3-demo-";
  if (/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(name)) return "S3 reserves the suffixes -s3alias, --ol-s3, --x-s3 and --table-s3";
  return undefined;
}

/** `owner/name` as GitHub spells them: the OIDC subjects the roles trust are built from it. */
export function githubRepositoryProblem(repository: string): string | undefined {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/.test(repository)) {
    return "owner/name of the GitHub repository (for example example-org/notes-api): the roles trust repo:<owner>/<name>:... subjects only";
  }
  return undefined;
}

export interface PolicyStatement {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** IAM condition block, for example `{ StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } }`. */
  readonly condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
  /** @default "Allow" */
  readonly effect?: "Allow" | "Deny";
  /** Only in resource policies (a bucket policy). @default - none: an identity policy */
  readonly principal?: "*" | Readonly<Record<string, string | readonly string[]>>;
}

/** An IAM policy document as JSON; references inside (ARNs of resources) stay Terraform references. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((statement) => ({
      Effect: statement.effect ?? "Allow",
      ...(statement.principal ? { Principal: statement.principal } : {}),
      Action: [...statement.actions],
      Resource: [...statement.resources],
      ...(statement.condition ? { Condition: statement.condition } : {}),
    })),
  });
}

/** A trust policy that lets one AWS service assume the role. */
export function serviceTrustPolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}

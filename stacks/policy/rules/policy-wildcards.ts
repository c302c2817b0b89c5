import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

type Statement = { Effect?: string; Action?: string | string[]; Resource?: string | string[] };

const asList = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** `*`, a wildcard account or region, or every resource of a type; a `:*` suffix on a named parent (a log group's streams) is not. */
function isWildcardResource(resource: string): boolean {
  return resource === "*" || /:\*:/.test(resource) || /\/\*$/.test(resource);
}

export const IAM5: PolicyRule = {
  id: "IAM5",
  level: "error",
  matches: ["AwsSolutions-IAM5"],
  cause: "the policy grants a wildcard action or resource",
  explanation: "A wildcard lets a function do more than its route needs. Name actions and resources; where AWS offers no resource-level permission (X-Ray), suppress with appliesTo and say so.",
  check: (resource) => {
    if (resource.type !== "aws_iam_role_policy" && resource.type !== "aws_iam_policy") return NOT_APPLICABLE;
    let document: { Statement?: Statement | Statement[] };
    try {
      document = JSON.parse(String(resource.config.policy));
    } catch {
      return nonCompliant("Policy::unreadable");
    }
    const statements = Array.isArray(document.Statement) ? document.Statement : document.Statement ? [document.Statement] : [];
    const details = new Set<string>();
    for (const statement of statements.filter((candidate) => candidate.Effect === "Allow")) {
      asList(statement.Action).filter((action) => action.includes("*")).forEach((action) => details.add(`Action::${action}`));
      asList(statement.Resource).filter(isWildcardResource).forEach((arn) => details.add(`Resource::${arn}`));
    }
    return details.size ? nonCompliant(...details) : COMPLIANT;
  },
};

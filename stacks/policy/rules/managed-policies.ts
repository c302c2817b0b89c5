import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\//;

export const IAM4: PolicyRule = {
  id: "IAM4",
  level: "error",
  matches: ["AwsSolutions-IAM4"],
  cause: "the role uses an AWS-managed policy",
  explanation: "AWS-managed policies grant more than one function needs and change without notice; write an inline least-privilege policy.",
  check: (resource) => {
    const arns: string[] =
      resource.type === "aws_iam_role"
        ? (resource.config.managed_policy_arns ?? [])
        : ["aws_iam_role_policy_attachment", "aws_iam_policy_attachment"].includes(resource.type)
          ? [resource.config.policy_arn]
          : [];
    if (resource.type !== "aws_iam_role" && arns.length === 0) return NOT_APPLICABLE;
    const managed = arns.filter((arn) => AWS_MANAGED.test(String(arn)));
    return managed.length ? nonCompliant(...managed.map((arn) => `Policy::${arn}`)) : COMPLIANT;
  },
};

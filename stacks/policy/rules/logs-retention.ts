import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

export const LOGS_RETENTION: PolicyRule = {
  id: "LOGS-RETENTION",
  level: "error",
  matches: ["CKV_AWS_66", "CKV_AWS_338"],
  cause: "the log group keeps its logs forever",
  explanation: "Set retention_in_days so logs (which hold caller ids) are not kept, and paid for, forever.",
  check: (resource) => {
    if (resource.type !== "aws_cloudwatch_log_group") return NOT_APPLICABLE;
    return resource.config.retention_in_days > 0 ? COMPLIANT : nonCompliant();
  },
};

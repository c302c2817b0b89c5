import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

export const LAMBDA_PERMISSION: PolicyRule = {
  id: "LAMBDA-PERMISSION",
  level: "error",
  matches: ["CKV_AWS_364"],
  cause: "the Lambda permission lets a service invoke the function without source_arn",
  explanation: "Without source_arn any API Gateway API in any account may invoke the function; scope it to the API's execution ARN, stage, method and path (docs/aws-facts.md §3).",
  check: (resource) => {
    if (resource.type !== "aws_lambda_permission") return NOT_APPLICABLE;
    if (!String(resource.config.principal ?? "").endsWith(".amazonaws.com")) return NOT_APPLICABLE;
    return resource.config.source_arn ? COMPLIANT : nonCompliant();
  },
};

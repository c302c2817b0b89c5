import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

export const LAMBDA_TRACING: PolicyRule = {
  id: "LAMBDA-TRACING",
  level: "error",
  matches: ["Serverless-LambdaTracing", "CKV_AWS_50"],
  cause: "the function has no active X-Ray tracing",
  explanation: "Set tracing_config mode Active so a request can be followed from the stage through the function to DynamoDB.",
  check: (resource) => {
    if (resource.type !== "aws_lambda_function") return NOT_APPLICABLE;
    return resource.config.tracing_config?.mode === "Active" ? COMPLIANT : nonCompliant();
  },
};

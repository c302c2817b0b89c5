import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

export const LAMBDA_LIMITS: PolicyRule = {
  id: "LAMBDA-LIMITS",
  level: "error",
  matches: ["Serverless-LambdaDefaultMemorySize", "Serverless-LambdaDefaultTimeout"],
  cause: "the function's memory or timeout is left to the default",
  explanation: "Defaults (128 MB, 3 s) are rarely right; set memory_size and timeout so cost and failure behaviour are chosen, not inherited.",
  check: (resource) => {
    if (resource.type !== "aws_lambda_function") return NOT_APPLICABLE;
    const missing = ["memory_size", "timeout"].filter((field) => resource.config[field] === undefined);
    return missing.length ? nonCompliant(...missing) : COMPLIANT;
  },
};

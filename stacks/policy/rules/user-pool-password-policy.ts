import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

export const COG1: PolicyRule = {
  id: "COG1",
  level: "error",
  matches: ["AwsSolutions-COG1"],
  cause: "the user pool's password policy is weaker than 8 characters with upper, lower, digit and symbol",
  explanation: "Set password_policy with minimum_length of at least 8 and require_lowercase, require_uppercase, require_numbers and require_symbols.",
  check: (resource) => {
    if (resource.type !== "aws_cognito_user_pool") return NOT_APPLICABLE;
    const policy = resource.config.password_policy;
    const missing = ["require_lowercase", "require_uppercase", "require_numbers", "require_symbols"].filter((field) => policy?.[field] !== true);
    if (!(policy?.minimum_length >= 8)) missing.unshift("minimum_length");
    return missing.length ? nonCompliant(...missing) : COMPLIANT;
  },
};

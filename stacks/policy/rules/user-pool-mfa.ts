import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

export const COG2: PolicyRule = {
  id: "COG2",
  level: "warning",
  matches: ["AwsSolutions-COG2"],
  cause: "the user pool does not require MFA",
  explanation: "mfa_configuration ON makes every user enroll a second factor. OPTIONAL is a reasonable choice for a development pool; the warning keeps it visible.",
  check: (resource) => {
    if (resource.type !== "aws_cognito_user_pool") return NOT_APPLICABLE;
    return resource.config.mfa_configuration === "ON" ? COMPLIANT : nonCompliant(`mfa_configuration=${resource.config.mfa_configuration ?? "OFF"}`);
  },
};

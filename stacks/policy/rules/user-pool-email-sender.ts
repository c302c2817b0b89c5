import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

/** A pool worth protecting from deletion is a production pool: it should not depend on Cognito's test-sized email quota. */
export const COG_EMAIL: PolicyRule = {
  id: "COG-EMAIL",
  level: "warning",
  matches: [],
  cause: "a deletion-protected (production) user pool sends email with Cognito's default sender",
  explanation:
    "The default sender's daily quota is below the required delivery volume for production (Cognito API reference, EmailConfigurationType): verification codes and temporary passwords stop arriving. Set auth.email to send through a verified SES identity.",
  check: (resource) => {
    if (resource.type !== "aws_cognito_user_pool" || resource.config.deletion_protection !== "ACTIVE") return NOT_APPLICABLE;
    const sending = resource.config.email_configuration?.email_sending_account ?? "COGNITO_DEFAULT";
    return sending === "DEVELOPER" ? COMPLIANT : nonCompliant(`email_sending_account=${sending}`);
  },
};

import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

export const APIG_SCOPES: PolicyRule = {
  id: "APIG-SCOPES",
  level: "error",
  matches: [],
  cause: "the method uses the Cognito authorizer without authorization_scopes, so it accepts ID tokens and refuses access tokens",
  explanation: "With a Cognito authorizer and no scopes API Gateway treats the token as an ID token (docs/aws-facts.md §1). List the scopes in the route table; a route that must take ID tokens sets acceptIdToken with a reason. No existing tool checks this (docs/aws-facts.md §5).",
  check: (resource) => {
    if (resource.type !== "aws_api_gateway_method" || resource.config.authorization !== "COGNITO_USER_POOLS") return NOT_APPLICABLE;
    const scopes = resource.config.authorization_scopes;
    return Array.isArray(scopes) && scopes.length > 0 ? COMPLIANT : nonCompliant();
  },
};

import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

export const APIG_SCOPES: PolicyRule = {
  id: "APIG-SCOPES",
  level: "error",
  matches: [],
  cause: "the method or route has an authorizer but no authorization_scopes, so it accepts ID tokens (a REST API's Cognito authorizer then refuses access tokens)",
  explanation: "With a Cognito authorizer and no scopes API Gateway treats the token as an ID token (docs/aws-facts.md §1); an HTTP API's JWT authorizer without scopes takes any valid token of its audience, ID tokens included (docs/aws-facts.md §11). List the scopes in the route table; a route that must take ID tokens sets acceptIdToken with a reason. No existing tool checks this (docs/aws-facts.md §5).",
  check: (resource) => {
    const authorized = (resource.type === "aws_api_gateway_method" && resource.config.authorization === "COGNITO_USER_POOLS") || (resource.type === "aws_apigatewayv2_route" && resource.config.authorization_type === "JWT");
    if (!authorized) return NOT_APPLICABLE;
    const scopes = resource.config.authorization_scopes;
    return Array.isArray(scopes) && scopes.length > 0 ? COMPLIANT : nonCompliant();
  },
};

import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

export const APIG4: PolicyRule = {
  id: "APIG4",
  level: "error",
  matches: ["AwsSolutions-APIG4", "AwsSolutions-COG4", "CKV_AWS_59"],
  cause: "the method (REST) or route (HTTP API) has no authorization",
  explanation: "Every method except the CORS preflight (OPTIONS) needs an authorizer. A route that must be open is declared public in the route table with a reason, which suppresses this rule for it and shows in the auth matrix.",
  check: (resource) => {
    if (resource.type === "aws_apigatewayv2_route") return (resource.config.authorization_type ?? "NONE") === "NONE" ? nonCompliant() : COMPLIANT;
    if (resource.type !== "aws_api_gateway_method" || resource.config.http_method === "OPTIONS") return NOT_APPLICABLE;
    return resource.config.authorization === "NONE" ? nonCompliant() : COMPLIANT;
  },
};

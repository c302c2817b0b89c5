import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

export const APIG1: PolicyRule = {
  id: "APIG1",
  level: "error",
  matches: ["AwsSolutions-APIG1", "CKV_AWS_76"],
  cause: "the API stage has no access logging",
  explanation: "Access logs are the only record of who called what and why API Gateway answered 401 or 403; set access_log_settings with a log group and a format.",
  check: (resource) => {
    if (resource.type !== "aws_api_gateway_stage" && resource.type !== "aws_apigatewayv2_stage") return NOT_APPLICABLE;
    const settings = resource.config.access_log_settings;
    return settings?.destination_arn && settings?.format ? COMPLIANT : nonCompliant();
  },
};

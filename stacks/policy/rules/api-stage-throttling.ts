import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";
import { stageMethodSettings } from "../stage-method-settings";

export const APIG_THROTTLE: PolicyRule = {
  id: "APIG-THROTTLE",
  level: "error",
  matches: ["Serverless-APIGWDefaultThrottling"],
  cause: "the API stage has no throttling of its own",
  explanation: "Without stage throttling one client can use the whole account's API Gateway quota and every Lambda concurrency; set throttling_burst_limit and throttling_rate_limit on */* (an HTTP API: in the stage's default_route_settings).",
  check: (resource, stack) => {
    if (resource.type === "aws_apigatewayv2_stage") {
      const defaults = [resource.config.default_route_settings].flat()[0];
      return defaults?.throttling_burst_limit > 0 && defaults?.throttling_rate_limit > 0 ? COMPLIANT : nonCompliant();
    }
    if (resource.type !== "aws_api_gateway_stage") return NOT_APPLICABLE;
    const settings = stageMethodSettings(resource, stack)?.config.settings;
    return settings?.throttling_burst_limit > 0 && settings?.throttling_rate_limit > 0 ? COMPLIANT : nonCompliant();
  },
};

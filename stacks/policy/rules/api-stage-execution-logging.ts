import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";
import { stageMethodSettings } from "../stage-method-settings";

export const APIG6: PolicyRule = {
  id: "APIG6",
  level: "error",
  matches: ["AwsSolutions-APIG6", "CKV2_AWS_4"],
  cause: "the API stage has no method settings with execution logging and metrics",
  explanation: "Execution logs (logging_level ERROR or INFO) and CloudWatch metrics show authorizer and integration failures per method; set them for */* on every stage.",
  check: (resource, stack) => {
    if (resource.type !== "aws_api_gateway_stage") return NOT_APPLICABLE;
    const settings = stageMethodSettings(resource, stack)?.config.settings;
    const logging = settings?.logging_level === "ERROR" || settings?.logging_level === "INFO";
    return logging && settings?.metrics_enabled === true ? COMPLIANT : nonCompliant();
  },
};

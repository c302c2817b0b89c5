import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule, type ResourceView } from "../rule";

/** Every dimension value an alarm's metrics name. */
function watchedValues(alarm: ResourceView): string[] {
  const queries = (alarm.config.metric_query ?? []) as Array<{ metric?: { dimensions?: Record<string, string> } }>;
  return queries.flatMap((query) => Object.values(query.metric?.dimensions ?? {}));
}

export const OPS_ALARMS: PolicyRule = {
  id: "OPS-ALARMS",
  level: "error",
  matches: [],
  cause: "nothing alarms when the API stage or the table fails",
  explanation: "Without an alarm on the stage's 5XX rate and latency and on the table's throttling, an outage is found by its users. Set `monitoring` on the environment, or opt out with a reason.",
  check: (resource, stack) => {
    const watched =
      resource.type === "aws_api_gateway_stage" ? resource.config.stage_name : resource.type === "aws_apigatewayv2_stage" || resource.type === "aws_dynamodb_table" ? resource.config.name : undefined;
    if (watched === undefined) return NOT_APPLICABLE;
    return stack.resources("aws_cloudwatch_metric_alarm").some((alarm) => watchedValues(alarm).includes(watched)) ? COMPLIANT : nonCompliant();
  },
};

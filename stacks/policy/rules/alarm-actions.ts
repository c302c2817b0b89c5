import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

export const OPS_ALARM_ACTIONS: PolicyRule = {
  id: "OPS-ALARM-ACTIONS",
  level: "error",
  matches: ["CKV_AWS_319"],
  cause: "the alarm notifies nobody",
  explanation: "An alarm without an action changes colour on a console nobody watches; send it to the environment's alarm topic.",
  check: (resource) => {
    if (resource.type !== "aws_cloudwatch_metric_alarm") return NOT_APPLICABLE;
    return (resource.config.alarm_actions ?? []).length > 0 ? COMPLIANT : nonCompliant();
  },
};

import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

/** Whether a web ACL association of the stack names `reference` (`${aws_x.name.arn}`) as its resource. */
export function hasWebAcl(stack: Parameters<PolicyRule["check"]>[1], reference: string): boolean {
  return stack.resources("aws_wafv2_web_acl_association").some((association) => association.config.resource_arn === reference);
}

export const APIG3: PolicyRule = {
  id: "APIG3",
  level: "error",
  matches: ["AwsSolutions-APIG3", "CKV2_AWS_29"],
  cause: "the API stage has no AWS WAF web ACL",
  explanation: "A public API takes whatever the internet sends: managed rules stop known bad inputs and bad IPs, a rate-based rule stops one client flooding it. Set `waf` on the environment, or opt out with a reason.",
  check: (resource, stack) => {
    if (resource.type !== "aws_api_gateway_stage") return NOT_APPLICABLE;
    return hasWebAcl(stack, `\${aws_api_gateway_stage.${resource.name}.arn}`) ? COMPLIANT : nonCompliant();
  },
};

import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";
import { hasWebAcl } from "./api-stage-waf";

export const COG_WAF: PolicyRule = {
  id: "COG-WAF",
  level: "error",
  matches: [],
  cause: "the user pool has no AWS WAF web ACL",
  explanation: "The hosted UI and the token endpoint are public: a web ACL on the pool rate-limits password guessing and token-endpoint floods per IP. Set `waf` on the environment, or opt out with a reason.",
  check: (resource, stack) => {
    if (resource.type !== "aws_cognito_user_pool") return NOT_APPLICABLE;
    return hasWebAcl(stack, `\${aws_cognito_user_pool.${resource.name}.arn}`) ? COMPLIANT : nonCompliant();
  },
};

import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

export const APIG_DEPLOY: PolicyRule = {
  id: "APIG-DEPLOY",
  level: "error",
  matches: ["CKV_AWS_217"],
  cause: "the API deployment is not created before it is destroyed",
  explanation: "Replacing a deployment that a stage still points to fails with 'Active stages pointing to this deployment must be moved or deleted'; set lifecycle create_before_destroy (docs/aws-facts.md §3).",
  check: (resource) => {
    if (resource.type !== "aws_api_gateway_deployment") return NOT_APPLICABLE;
    return resource.config.lifecycle?.create_before_destroy === true ? COMPLIANT : nonCompliant();
  },
};

import { LAMBDA_RUNTIME } from "../../functions/node-function";
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyRule } from "../rule";

export const L1: PolicyRule = {
  id: "L1",
  level: "error",
  matches: ["AwsSolutions-L1"],
  cause: `the function does not run on the newest Node.js runtime (${LAMBDA_RUNTIME})`,
  explanation: "Older runtimes lose security patches and then deprecate; every function here runs on the newest Node.js runtime the AWS provider accepts.",
  check: (resource) => {
    if (resource.type !== "aws_lambda_function") return NOT_APPLICABLE;
    return resource.config.runtime === LAMBDA_RUNTIME ? COMPLIANT : nonCompliant(`runtime=${resource.config.runtime}`);
  },
};

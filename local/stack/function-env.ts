import { resolveLiterals, resourcesOf, type TerraformJson } from "./terraform-config";

/** The environment variables a function gets in the synthesized Terraform, with literal references resolved. */
export function functionEnvironment(tf: TerraformJson, functionName: string): Record<string, string> {
  const found = resourcesOf(tf, "aws_lambda_function").find((entry) => entry.config.function_name === functionName);
  if (!found) throw new Error(`no aws_lambda_function named '${functionName}' in the synthesized stack`);
  const variables = ((found.config.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, resolveLiterals(tf, value)]));
}

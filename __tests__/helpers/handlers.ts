import type { ApiHandler } from "../../functions/shared/handler";
import { resolveLiterals } from "../../local/terraform-config";
import type { Route } from "../../stacks/api/routes";
import type { SynthesizedStack } from "./stacks";
import { findResource } from "./stacks";

/**
 * Loads a route's handler with the environment its Lambda function gets in the synthesized
 * stack, so the test runs what deploys: the scopes and origins come from the Terraform.
 */
export function loadRouteHandler(synth: SynthesizedStack, route: Route): ApiHandler {
  const functionName = synth.stack.functions.get(route.handler)?.functionName;
  const config = findResource(synth.json, "aws_lambda_function", "function_name", functionName);
  const variables: Record<string, string> = config.environment?.variables ?? {};
  for (const [name, value] of Object.entries(variables)) process.env[name] = resolveLiterals(synth.json, value);
  let handler: ApiHandler | undefined;
  jest.isolateModules(() => {
    handler = (require(`../../functions/${route.handler}`) as { handler: ApiHandler }).handler;
  });
  return handler!;
}

import type { ApiHandler } from "../../functions/shared/handler";
import { functionEnvironment } from "../../local/stack/function-env";
import type { Route } from "../../stacks/api/routes";
import type { SynthesizedStack } from "./stacks";

/**
 * Loads a route's handler with the environment its Lambda function gets in the synthesized
 * stack, so the test runs what deploys: the scopes and origins come from the Terraform.
 */
export function loadRouteHandler(synth: SynthesizedStack, route: Route): ApiHandler {
  const functionName = synth.stack.functions.get(route.handler)!.functionName;
  Object.assign(process.env, functionEnvironment(synth.json, functionName));
  let handler: ApiHandler | undefined;
  jest.isolateModules(() => {
    handler = (require(`../../functions/${route.handler}`) as { handler: ApiHandler }).handler;
  });
  return handler!;
}

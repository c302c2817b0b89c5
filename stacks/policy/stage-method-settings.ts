import type { ResourceView, StackView } from "./rule";

/** The method settings for all methods of a stage: they name it by reference or by the same literal name and API. */
export function stageMethodSettings(stage: ResourceView, stack: StackView): ResourceView | undefined {
  const reference = `\${aws_api_gateway_stage.${stage.name}.stage_name}`;
  return stack
    .resources("aws_api_gateway_method_settings")
    .find(
      (settings) =>
        settings.config.method_path === "*/*" &&
        (settings.config.stage_name === reference ||
          (settings.config.stage_name === stage.config.stage_name && settings.config.rest_api_id === stage.config.rest_api_id)),
    );
}

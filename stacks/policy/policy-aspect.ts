import type { IConstruct } from "constructs";
import { TerraformResource, TerraformStack, type IAspect } from "cdktf";
import { COMPLIANT, NOT_APPLICABLE, type PolicyRule, type ResourceView, type StackView } from "./rule";
import { policyRules } from "./rules";
import { findSuppression } from "../suppressions";
import type { PolicyFinding } from "./finding";

export { formatPolicyFinding, isBlocking, policyReport, type PolicyFinding } from "./finding";


type TerraformJson = { resource?: Record<string, Record<string, Record<string, any>>> };

function stackView(stack: TerraformStack): StackView & { byId(type: string, name: string): ResourceView | undefined } {
  const json = stack.toTerraform() as TerraformJson;
  const views = new Map<string, ResourceView[]>();
  for (const [type, resources] of Object.entries(json.resource ?? {})) {
    views.set(
      type,
      Object.entries(resources).map(([name, config]) => ({ type, name, path: String(config["//"]?.metadata?.path ?? name), config })),
    );
  }
  return {
    resources: (type) => views.get(type) ?? [],
    byId: (type, name) => views.get(type)?.find((view) => view.name === name),
  };
}

/**
 * Applies the rule pack to every synthesized resource of a stack. Visiting is idempotent: cdktf
 * invokes aspects again during synth after the app has already checked them.
 */
export class PolicyAspect implements IAspect {
  private readonly visited = new WeakSet<IConstruct>();
  private readonly recorded: PolicyFinding[] = [];
  private view?: ReturnType<typeof stackView>;

  constructor(private readonly rules: readonly PolicyRule[] = policyRules) {}

  visit(node: IConstruct): void {
    if (this.visited.has(node) || !TerraformResource.isTerraformResource(node)) return;
    this.visited.add(node);
    const resource = node as TerraformResource;
    this.view ??= stackView(TerraformStack.of(resource));
    const view = this.view.byId(resource.terraformResourceType, resource.friendlyUniqueId);
    if (!view) return;
    for (const rule of this.rules) {
      const outcome = rule.check(view, this.view);
      if (outcome === COMPLIANT || outcome === NOT_APPLICABLE) continue;
      const suppression = findSuppression(resource, rule.id, outcome.details);
      this.recorded.push({
        ruleId: rule.id,
        level: rule.level,
        path: view.path,
        resource: `${view.type}.${view.name}`,
        cause: rule.cause,
        details: outcome.details,
        ...(suppression ? { suppressedBecause: suppression.reason } : {}),
      });
    }
  }

  /** Visits every node of the stack (once) and returns all findings, suppressed ones included. */
  evaluate(stack: TerraformStack): readonly PolicyFinding[] {
    for (const node of stack.node.findAll()) this.visit(node);
    return this.recorded;
  }
}

import type { Construct, IConstruct } from "constructs";
import { Aspects, TerraformElement, TerraformStack } from "cdktf";
import { resolve } from "cdktf/lib/_tokens";
import { PolicyAspect } from "./policy-aspect";

/** A stack whose every resource the rule pack checks; the app refuses to write one with an unsuppressed error. */
export class CheckedStack extends TerraformStack {
  readonly policy = new PolicyAspect();
  private prepared = false;
  private frozen?: { [key: string]: unknown };
  /** Each element as cdktf's preparing pass resolved it. */
  private preparedFragments?: Map<TerraformElement, unknown>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    Aspects.of(this).add(this.policy);
  }

  /**
   * Resolves the stack once for both the policy check and the file cdktf writes: resolving a
   * stack of 200 routes takes most of a second, and nothing changes it between the two. Call after
   * every stack of the app is prepared (cross-stack references add outputs to other stacks).
   */
  freeze(): void {
    this.prepareStack();
    // The preparing pass already resolved every element, cross-stack references included (a
    // reference resolves to the same text in both passes once it is registered): the stack is
    // assembled from those, so it is resolved once, not twice. Elements added since (the outputs and
    // remote state that cross-stack references create) are resolved as usual. Lazy values that
    // answer differently while preparing must not be used in these stacks.
    const borrowed: TerraformElement[] = [];
    for (const [element, fragment] of this.preparedFragments ?? []) {
      Object.defineProperty(element, "toTerraform", { value: () => fragment, configurable: true });
      borrowed.push(element);
    }
    try {
      this.frozen = super.toTerraform();
    } finally {
      for (const element of borrowed) delete (element as { toTerraform?: unknown }).toTerraform;
    }
  }

  /** Replaces values of the resolved stack (placeholders of what was not known when it was resolved). */
  fillFrozen(fill: <T>(value: T) => T): void {
    if (!this.frozen) throw new Error(`stack ${this.node.id} is not resolved: freeze it first`);
    this.frozen = fill(this.frozen);
  }

  /** Back to resolving on every call, as after any further change. */
  thaw(): void {
    this.frozen = undefined;
    this.preparedFragments = undefined;
    this.prepared = false;
  }

  /** cdktf's preparing pass (it finds cross-stack references), keeping what it resolved for `freeze`. */
  override prepareStack(): void {
    if (this.prepared) return;
    this.ensureBackendExists();
    const fragments = new Map<TerraformElement, unknown>();
    for (const element of terraformElements(this)) fragments.set(element, resolve(this, element.toTerraform(), true));
    this.preparedFragments = fragments;
    this.prepared = true;
  }

  override toTerraform(): { [key: string]: unknown } {
    return this.frozen ?? super.toTerraform();
  }
}

/** The stack's Terraform elements, not those of nested stacks: the order cdktf's own passes use. */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) {
    if (!TerraformStack.isStack(child)) terraformElements(child, into);
  }
  return into;
}

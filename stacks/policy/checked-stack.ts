import type { Construct } from "constructs";
import { Aspects, TerraformStack } from "cdktf";
import { PolicyAspect } from "./policy-aspect";

/** A stack whose every resource the rule pack checks; the app refuses to write one with an unsuppressed error. */
export class CheckedStack extends TerraformStack {
  readonly policy = new PolicyAspect();
  private prepared = false;
  private frozen?: { [key: string]: unknown };

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
    this.frozen = super.toTerraform();
  }

  /** Replaces values of the resolved stack (placeholders of what was not known when it was resolved). */
  fillFrozen(fill: <T>(value: T) => T): void {
    if (!this.frozen) throw new Error(`stack ${this.node.id} is not resolved: freeze it first`);
    this.frozen = fill(this.frozen);
  }

  /** Back to resolving on every call, as after any further change. */
  thaw(): void {
    this.frozen = undefined;
    this.prepared = false;
  }

  override prepareStack(): void {
    if (this.prepared) return;
    super.prepareStack();
    this.prepared = true;
  }

  override toTerraform(): { [key: string]: unknown } {
    return this.frozen ?? super.toTerraform();
  }
}

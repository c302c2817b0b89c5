import type { Construct, IConstruct } from "constructs";
import { resourceCount } from "../terraform-json";
import { Aspects, TerraformElement, TerraformOutput, TerraformStack } from "cdktf";
import { resolve } from "cdktf/lib/_tokens";
import { deepMerge } from "cdktf/lib/util";
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
    // What cdktf's TerraformStack.toTerraform assembles, from the fragments the preparing pass
    // resolved (a reference resolves to the same text in both passes once it is registered), so
    // nothing is resolved twice: toTerraform resolves every fragment again and then the whole
    // merged stack (1.3 s of a 507-route synth), which for resolved values changes nothing.
    // Elements added since (the outputs and remote state that cross-stack references create) and
    // the stack's own overrides are resolved as usual. Lazy values that answer differently while
    // preparing must not be used in these stacks. A test holds this equal to cdktf's two passes.
    const { rawOverrides, cdktfVersion } = this as unknown as { rawOverrides: Record<string, unknown>; cdktfVersion: string };
    const elements = terraformElements(this);
    const metadata: Record<string, unknown> = {
      version: cdktfVersion,
      stackName: this.node.id,
      backend: "local",
      cloud: undefined,
      ...(Object.keys(rawOverrides).length > 0 ? { overrides: { stack: Object.keys(rawOverrides) } } : {}),
    };
    for (const element of elements) {
      const meta = element.toMetadata();
      if (Object.keys(meta).length) deepMerge(metadata, resolve(this, meta));
    }
    const outputs: Record<string, unknown> = {};
    for (const output of elements.filter(TerraformOutput.isTerraformOutput)) {
      deepMerge(outputs, output.node.path.split("/").reduceRight<Record<string, unknown>>((inner, part) => ({ [part]: Object.keys(inner).length === 0 ? output.friendlyUniqueId : inner }), {}));
    }
    const tf: Record<string, unknown> = { "//": { metadata, outputs } };
    for (const element of elements) deepMerge(tf, this.preparedFragments?.get(element) ?? resolve(this, element.toTerraform()));
    deepMerge(tf, resolve(this, rawOverrides));
    this.frozen = tf;
  }

  /** Replaces values of the resolved stack (placeholders of what was not known when it was resolved). */
  fillFrozen(fill: <T>(value: T) => T): void {
    if (!this.frozen) throw new Error(`stack ${this.node.id} is not resolved: freeze it first`);
    this.frozen = fill(this.frozen);
  }

  /** Resources in the resolved stack: what its cdk.tf.json holds. */
  resourceCount(): number {
    if (!this.frozen) throw new Error(`stack ${this.node.id} is not resolved: freeze it first`);
    return resourceCount(this.frozen);
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
    this.preparedFragments = fragments;
    for (const element of terraformElements(this)) fragments.set(element, resolve(this, element.toTerraform(), true));
    this.prepared = true;
  }

  /**
   * An element of this stack as the preparing pass resolved it, once it has: a value computed from
   * other elements while preparing (the API deployment's hash of its members) reads it instead of
   * resolving the element again.
   */
  preparedFragment(element: TerraformElement): unknown {
    return this.preparedFragments?.get(element);
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

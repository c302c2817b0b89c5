import type { Construct } from "constructs";
import { Aspects, TerraformStack } from "cdktf";
import { PolicyAspect } from "./policy-aspect";

/** A stack whose every resource the rule pack checks; the app refuses to write one with an unsuppressed error. */
export class CheckedStack extends TerraformStack {
  readonly policy = new PolicyAspect();

  constructor(scope: Construct, id: string) {
    super(scope, id);
    Aspects.of(this).add(this.policy);
  }
}

import * as fs from "node:fs";
import * as path from "node:path";
import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer";

/**
 * Writes generated files (the auth matrix, the OpenAPI document) next to the stack's Terraform
 * during synth; `build` runs then, after every construct exists, and returns file name to text.
 */
export class StackFiles extends Construct {
  constructor(scope: Construct, id: string, build: () => Readonly<Record<string, string>>) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    // The same hook TerraformAsset uses to write files into the stack's folder.
    addCustomSynthesis(this, {
      onSynthesize: (session) => {
        const folder = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory);
        fs.mkdirSync(folder, { recursive: true });
        for (const [file, text] of Object.entries(build())) fs.writeFileSync(path.join(folder, file), text);
      },
    });
  }
}

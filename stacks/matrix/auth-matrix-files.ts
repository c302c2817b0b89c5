import * as fs from "node:fs";
import * as path from "node:path";
import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer";
import { renderAuthMatrixMarkdown, type AuthMatrix } from "./auth-matrix";

export const AUTH_MATRIX_JSON = "auth-matrix.json";
export const AUTH_MATRIX_MARKDOWN = "auth-matrix.md";

/** Writes `auth-matrix.json` and `auth-matrix.md` next to the stack's Terraform during synth. */
export class AuthMatrixFiles extends Construct {
  constructor(scope: Construct, id: string, build: () => AuthMatrix) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    // The same hook TerraformAsset uses to write files into the stack's folder.
    addCustomSynthesis(this, {
      onSynthesize: (session) => {
        const folder = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory);
        const matrix = build();
        fs.mkdirSync(folder, { recursive: true });
        fs.writeFileSync(path.join(folder, AUTH_MATRIX_JSON), JSON.stringify(matrix, null, 2) + "\n");
        fs.writeFileSync(path.join(folder, AUTH_MATRIX_MARKDOWN), renderAuthMatrixMarkdown(matrix));
      },
    });
  }
}

import type { Construct } from "constructs";
import { StackFiles } from "../stack-files";
import { renderAuthMatrixMarkdown, type AuthMatrix } from "./auth-matrix";
import { gatewayAnswers } from "./matrix-cells";

export const AUTH_MATRIX_JSON = "auth-matrix.json";
export const AUTH_MATRIX_MARKDOWN = "auth-matrix.md";

/** Writes `auth-matrix.json` and `auth-matrix.md` next to the stack's Terraform during synth. */
export class AuthMatrixFiles extends StackFiles {
  constructor(scope: Construct, id: string, build: () => AuthMatrix) {
    super(scope, id, () => {
      const matrix = build();
      return { [AUTH_MATRIX_JSON]: JSON.stringify(matrix, null, 2) + "\n", [AUTH_MATRIX_MARKDOWN]: renderAuthMatrixMarkdown(matrix, gatewayAnswers(matrix)) };
    });
  }
}

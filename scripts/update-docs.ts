import "../local/cli/report-load-errors";
import * as fs from "node:fs";
import * as path from "node:path";
import { expectedError, parseCommandLine, runCli } from "../local/cli/command-line";
import { PROJECT_ROOT } from "../stacks/paths";
import { devMatrixMarkdown, END, MATRIX_DOC, README, readmeMatrix, START } from "./docs/dev-matrix";
import { shownSynthOutput, synthOutput, withSynthOutput } from "./docs/synth-output";

runCli(() => {
  parseCommandLine({
    command: "npm run docs:update --",
    summary:
      "Rewrites what the docs show of the project's own output, from fresh synths: the dev auth matrix in docs/auth-matrix-dev.md (between its markers) and the README quickstart's npm run synth output. npm test fails while either is stale.",
    options: {},
    examples: ["npm run docs:update"],
  });
  const matrixDoc = fs.readFileSync(MATRIX_DOC, "utf8");
  const current = readmeMatrix(matrixDoc);
  if (current === undefined) throw expectedError(`docs/auth-matrix-dev.md has no ${START} ... ${END} markers`);
  const readme = fs.readFileSync(README, "utf8");
  if (shownSynthOutput(readme) === undefined) throw expectedError("README.md has no <!-- output: npm run synth --> block");
  const fresh = devMatrixMarkdown();
  fs.writeFileSync(MATRIX_DOC, `${matrixDoc.slice(0, matrixDoc.indexOf(START) + START.length)}\n\n${fresh}\n\n${matrixDoc.slice(matrixDoc.indexOf(END))}`);
  const updated = withSynthOutput(readme, synthOutput());
  fs.writeFileSync(README, updated);
  const changed = [...(current === fresh ? [] : [MATRIX_DOC]), ...(updated === readme ? [] : [README])].map((file) => path.relative(PROJECT_ROOT, file));
  process.stdout.write(changed.length ? `updated ${changed.join(" and ")}\n` : "docs/auth-matrix-dev.md and the README's synth output are current\n");
});

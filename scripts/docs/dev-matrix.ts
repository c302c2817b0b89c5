import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { environments } from "../../environments";
import { PROJECT_ROOT } from "../../stacks/paths";
import { AUTH_MATRIX_MARKDOWN } from "../../stacks/matrix/auth-matrix-files";
import { NotesApp } from "../../stacks/notes-app";

export const README = path.join(PROJECT_ROOT, "README.md");
/** Where the dev stack's matrix is shown, between its markers. */
export const MATRIX_DOC = path.join(PROJECT_ROOT, "docs", "auth-matrix-dev.md");
export const START = "<!-- auth-matrix:dev -->";
export const END = "<!-- /auth-matrix:dev -->";

/** The dev stack's auth matrix, from a synth into a temporary folder, headings shifted under the README's. */
export function devMatrixMarkdown(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "readme-matrix-"));
  try {
    // The README documents the default: local state, whatever this shell's STATE_BUCKET says.
    const app = new NotesApp({ outdir, log: () => undefined, env: {} });
    app.addEnvironments([environments.dev]);
    app.synth();
    const markdown = fs.readFileSync(path.join(outdir, "stacks", "dev", AUTH_MATRIX_MARKDOWN), "utf8");
    return markdown.replace(/^#/gm, "###").trim();
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The matrix as the docs show it between its markers. */
export function readmeMatrix(readme = fs.readFileSync(MATRIX_DOC, "utf8")): string | undefined {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  return start < 0 || end < start ? undefined : readme.slice(start + START.length, end).trim();
}

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { synthesizeProject } from "../../local/stack/synth";
import { formatSummary, summarizeOutput } from "../../local/stack/synth-summary";

/** The README's quickstart shows what `npm run synth` prints in the fenced block after this marker. */
export const SYNTH_OUTPUT_MARKER = "<!-- output: npm run synth -->";
const BLOCK = /(<!-- output: npm run synth -->\n```\n)([\s\S]*?)(\n```)/;

/** The seconds a synth took are the one thing that differs from run to run. */
export const withoutTiming = (text: string) => text.replace(/ in \d+(\.\d+)? s:/g, " in <time> s:");

/**
 * What a first `npm run synth` of the project prints, synthesized into a temporary `cdktf.out`: the
 * policy report, then the summary. Given a synth already made (its folder and what it printed
 * before the summary), the same text from that, without synthesizing again.
 */
export function synthOutput(synthesized?: { readonly outdir: string; readonly log: readonly string[] }): string {
  if (synthesized) return [...synthesized.log, ...formatSummary("cdktf.out", summarizeOutput(synthesized.outdir), 0, "wrote", ".")].join("\n");
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "docs-synth-"));
  try {
    const outdir = path.join(folder, "cdktf.out");
    const lines: string[] = [];
    const started = performance.now();
    // The README documents the default: local state, whatever this shell's STATE_BUCKET says.
    synthesizeProject({ outdir, log: (line) => lines.push(line), env: {} });
    lines.push(...formatSummary(outdir, summarizeOutput(outdir), (performance.now() - started) / 1000, "wrote", folder));
    return lines.join("\n");
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** The output the README shows, or undefined without the marked block. */
export function shownSynthOutput(readme: string): string | undefined {
  return BLOCK.exec(readme)?.[2];
}

/** The README with `output` in the marked block; unchanged when only the timing differs. */
export function withSynthOutput(readme: string, output: string): string {
  const shown = shownSynthOutput(readme);
  if (shown === undefined || withoutTiming(shown) === withoutTiming(output)) return readme;
  return readme.replace(BLOCK, (_, open: string, __: string, close: string) => `${open}${output}${close}`);
}

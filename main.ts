import "./local/cli/report-load-errors";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseCommandLine, runCli } from "./local/cli/command-line";
import { currentSynth, inputFingerprint, recordSynth } from "./local/stack/synth-cache";
import { listFiles } from "./local/stack/files";
import { formatSummary, summarizeOutput } from "./local/stack/synth-summary";
import { notesRoutes } from "./stacks/api/routes";
import { environmentHandlers, notesScopeGrants } from "./stacks/auth/groups";
import { NODE_TARGET, prebuildFunctionsAsync, recordsWritten } from "./stacks/functions/bundle";
import { FUNCTIONS_DIR } from "./stacks/paths";
import { policyReport } from "./stacks/policy/finding";

// The cdktf CLI runs this file too (cdktf synth, deploy, diff): it shows the app's stderr as errors,
// so everything that is not an error goes to stdout.
runCli(async () => {
  const { values } = parseCommandLine({
    command: "npm run synth --",
    summary:
      "Checks every environment (auth guard, policy pack), then writes each stack's Terraform, Lambda zips and auth matrix to cdktf.out/stacks/. When no input changed since the last synth into the same folder and its output is intact, it only prints.",
    options: {
      verbose: { type: "boolean", description: "list every suppressed policy finding with its reason", default: false },
      force: { type: "boolean", description: "synthesize even when nothing changed", default: false },
    },
    examples: ["npm run synth", "npm run synth -- --verbose", "npm run synth -- --force"],
  });
  const outdir = path.resolve(process.env.CDKTF_OUTDIR ?? "cdktf.out");
  const print = (lines: readonly string[]) => process.stdout.write(lines.map((line) => `${line}\n`).join(""));
  const inputs = inputFingerprint();
  const previous = values.force ? undefined : currentSynth(outdir, inputs);
  if (previous) {
    print(policyReport(previous.findings, values.verbose));
    print(formatSummary(outdir, previous.summary, performance.now() / 1000, "kept"));
    return;
  }
  // esbuild bundles the route table's handlers in its own process while the app loads, is built,
  // resolved and checked here (cdktf and the provider bindings load only when it synthesizes: they
  // are most of a no-change run); the zips' values are filled in when the stacks are written.
  // A handler without its file is left to the guard, which reports it with everything else.
  const handlers = environmentHandlers(notesRoutes, notesScopeGrants).filter((handler) => fs.existsSync(path.join(FUNCTIONS_DIR, `${handler}.ts`)));
  const building = prebuildFunctionsAsync(handlers, NODE_TARGET);
  building.catch(() => undefined);
  const { checkProject, withoutSourceMappedStacks } = require("./local/stack/synth") as typeof import("./local/stack/synth");
  const app = checkProject({ outdir, verbose: values.verbose, log: (line) => print([line]) });
  await building;
  const resources = withoutSourceMappedStacks(() => app.write());
  await recordsWritten();
  // One listing of what was written serves the summary and the stamp (at 500 routes, 4,600 files)
  const written = listFiles(outdir);
  const summary = summarizeOutput(outdir, written, resources);
  recordSynth(outdir, inputs, app.policyFindings, summary, { written });
  print(formatSummary(outdir, summary, performance.now() / 1000));
});

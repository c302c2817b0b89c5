import { performance } from "node:perf_hooks";
import { parseCommandLine, runCli } from "./local/cli";
import { formatSummary, summarizeOutput, synthesizeProject } from "./local/synth";

// The cdktf CLI runs this file too (cdktf synth, deploy, diff): it shows the app's stderr as errors,
// so everything that is not an error goes to stdout.
runCli(() => {
  const { values } = parseCommandLine({
    command: "npm run synth --",
    summary: "Checks every environment (auth guard, policy pack), then writes each stack's Terraform, Lambda zips and auth matrix to cdktf.out/stacks/.",
    options: { verbose: { type: "boolean", description: "list every suppressed policy finding with its reason", default: false } },
    examples: ["npm run synth", "npm run synth -- --verbose"],
  });
  const app = synthesizeProject({ verbose: values.verbose, log: (line) => process.stdout.write(`${line}\n`) });
  const summary = formatSummary(app.outdir, summarizeOutput(app.outdir), performance.now() / 1000);
  process.stdout.write(`${summary.join("\n")}\n`);
});

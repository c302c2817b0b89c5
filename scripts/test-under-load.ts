import "../local/cli/report-load-errors";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { integerOption, parseCommandLine, runCli } from "../local/cli/command-line";
import { runToEnd } from "./run-to-end";

/** A process that keeps one core busy until it is killed. */
function burner(): ChildProcess {
  return spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
}

/** Runs an npm script to its end; its exit code, the jest summary line and its whole output. */
async function run(script: string): Promise<{ status: number; summary: string; seconds: number; output: string }> {
  const { status, output, seconds } = await runToEnd("npm", ["run", "-s", script], { captured: true, env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  const failures = [...output.matchAll(/^ {2}● (.*)$/gm)].map((match) => `    ${match[1]}`);
  const summary = (/^Tests: .*$/m.exec(output)?.[0] ?? "no jest summary") + (failures.length ? `\n${[...new Set(failures)].join("\n")}` : "");
  return { status, summary, seconds, output };
}

runCli(async () => {
  const { values } = parseCommandLine({
    command: "npm run test:loaded --",
    summary:
      "Runs npm test and npm run test:slow again and again with CPU-bound processes beside them, as a loaded CI machine or laptop would: the release check that the suite holds under load. Stops at the first failure.",
    options: {
      runs: { type: "string", value: "number", description: "how many rounds of both suites", default: "5" },
      burners: { type: "string", value: "number", description: "CPU-bound processes running the whole time", default: "2" },
    },
    examples: ["npm run test:loaded", "npm run test:loaded -- --runs 1 --burners 4"],
  });
  const runs = integerOption("runs", values.runs, 1, 100);
  const burners = Array.from({ length: integerOption("burners", values.burners, 0, 64) }, burner);
  try {
    for (let round = 1; round <= runs; round++) {
      for (const script of ["test", "test:slow"]) {
        const result = await run(script);
        process.stdout.write(`round ${round}/${runs}, npm run ${script} beside ${burners.length} busy processes: ${result.status === 0 ? "ok" : `FAILED (exit ${result.status})`} in ${result.seconds.toFixed(1)} s, ${result.summary}\n`);
        if (result.status !== 0) {
          // The failures' messages and stacks: a summary line alone does not say why a test failed under load.
          const log = path.join(os.tmpdir(), `test-loaded-round-${round}-${script.replace(":", "-")}.log`);
          fs.writeFileSync(log, result.output);
          process.stdout.write(`the whole output of the failed run: ${log}\n`);
          return 1;
        }
      }
    }
    return 0;
  } finally {
    for (const process of burners) process.kill("SIGKILL");
  }
});

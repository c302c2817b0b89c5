import "../local/cli/report-load-errors";
import * as path from "node:path";
import { runCli, usage } from "../local/cli/command-line";
import { PROJECT_ROOT } from "../stacks/paths";
import { runToEnd, type Ended } from "./run-to-end";
import { typeCheckArguments } from "./type-checks";

const spec = {
  command: "npm run test --",
  summary: `The type checks (the project's, then the web client's: tsc --build, which emits nothing) and the
fast tests (jest), side by side: the suite's waits on servers and child processes overlap the
compiler's work. Each check keeps its build info in .build/tsc/: when no source file, tsconfig or
installed package changed since the last check, it reports that check's result without compiling;
otherwise it re-checks what changed. Every argument goes to jest (npx jest --help lists them). Jest's report streams as it runs;
the type checks' errors print after it; the exit code is 1 when either fails.`,
  options: {},
  examples: ["npm test", 'npm test -- -t "local gateway"', "npm test -- __tests__/auth"],
} as const;

interface Outcome extends Ended {
  readonly label: string;
}

const bin = (name: string) => path.join(PROJECT_ROOT, "node_modules", ".bin", name);

async function run(label: string, command: string, args: readonly string[], captured: boolean): Promise<Outcome> {
  return { label, ...(await runToEnd(command, args, { captured })) };
}

async function typeChecks(): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const [label, project] of [["the project", "."], ["the web client", "web"]] as const) {
    outcomes.push(await run(`type check of ${label} (tsc --build ${project})`, bin("tsc"), typeCheckArguments(project), true));
  }
  return outcomes;
}

async function main(jestArguments: readonly string[]): Promise<number> {
  const [checks, jest] = await Promise.all([typeChecks(), run("jest", bin("jest"), jestArguments, false)]);
  for (const check of checks) {
    if (check.status === 0) process.stdout.write(`${check.label}: no errors (${check.seconds.toFixed(1)} s)\n`);
    else process.stderr.write(`${check.label} failed:\n${check.output.trimEnd()}\n`);
  }
  return [...checks, jest].some((outcome) => outcome.status !== 0) ? 1 : 0;
}

runCli(() => {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${usage(spec)}\n`);
    return 0;
  }
  return main(argv);
});

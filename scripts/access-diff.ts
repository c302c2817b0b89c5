import "../local/cli/report-load-errors";
import { parseCommandLine, runCli } from "../local/cli/command-line";
import { PROJECT_ROOT } from "../stacks/paths";
import { compareMatrices } from "./access-diff/compare";
import { reportLines, widened } from "./access-diff/report";
import { commitOf, defaultBase, matricesAt, synthesizedMatrices } from "./access-diff/synthesized-matrices";

const spec = {
  command: "npm run access-diff --",
  summary: `Compares who reaches which route, per stack, between a base commit and the working tree: every
route x caller decision of the auth matrix (no token, ID tokens, each client's users per group,
machine clients). Prints access gained (with how), access lost, routes added and removed, and
changes that give or take no access. Exit 0 when no access widened, 1 when a caller gained a
route, 2 when it cannot compare (a bad command line, a base that does not synthesize).`,
  options: {
    base: { type: "string", value: "ref", description: "the commit to compare against (default: the merge base with main, or origin/main)" },
    json: { type: "boolean", description: "print the diff as JSON, for the workflow's comment", default: false },
  },
  examples: ["npm run access-diff", "npm run -s access-diff -- --base origin/main --json > access-diff.json"],
} as const;

runCli(async () => {
  const { values } = parseCommandLine(spec);
  const commit = commitOf(values.base ?? defaultBase());
  // Both synths end before it reports: a failed one never leaves the other writing into the project
  const [before, after] = await Promise.allSettled([matricesAt(commit), synthesizedMatrices(PROJECT_ROOT, "the working tree")]);
  if (before.status === "rejected") throw before.reason;
  if (after.status === "rejected") throw after.reason;
  const diffs = compareMatrices(before.value, after.value);
  const base = `${values.base ?? "the merge base with main"} (${commit.slice(0, 12)})`;
  process.stdout.write(values.json ? `${JSON.stringify({ base: { ref: values.base ?? null, commit }, widened: widened(diffs), stacks: diffs }, null, 2)}\n` : reportLines(diffs, base).map((line) => `${line}\n`).join(""));
  return widened(diffs) ? 1 : 0;
});

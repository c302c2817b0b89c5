// Posts one pull-request comment per stack, led by its access changes (npm run access-diff), then its
// plan and auth matrix, and updates it on each push.
const fs = require("node:fs");
const path = require("node:path");

const LIMIT = 60000;

function read(file) {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
}

const NOT_PLANNED =
  "Not planned on pull requests: their role reads only the state of the pull-request environments. " +
  "The deploy workflow plans this stack on main and shows it, with its change set, to the environment's approver.";

function matrixDetails(folder) {
  const matrix = read(path.join(folder, "auth-matrix.md"));
  return matrix ? `<details><summary>Auth matrix</summary>\n\n${matrix.replace(/^# .*\n/, "")}\n</details>` : "";
}

const cell = (text) => String(text).replace(/[|`\\]/g, (character) => `\\${character}`).replace(/\n/g, " ");

/** The stack's part of `npm run access-diff -- --json`: who gains or loses which route, first, in one table. */
function accessSection(access) {
  if (access === null) return "";
  if (access === undefined) return "### Access changes\n\nNot computed: see the access job's log.";
  const changes = [...access.gained.map((change) => ["**gained**", change]), ...access.lost.map((change) => ["lost", change])];
  const lines = ["### Access changes", ""];
  if (!changes.length && !access.routesAdded.length && !access.routesRemoved.length) lines.push("No access changes.");
  if (changes.length) {
    lines.push("| Access | Caller | Route | How |", "|---|---|---|---|");
    for (const [kind, change] of changes) lines.push(`| ${kind} | ${cell(change.caller)} | ${cell(change.route)} | ${cell(change.how)} |`);
  }
  if (access.routesAdded.length) lines.push("", `Routes added: ${access.routesAdded.map(cell).join(", ")}`);
  if (access.routesRemoved.length) lines.push("", `Routes removed: ${access.routesRemoved.map(cell).join(", ")}`);
  if (access.otherChanges.length) lines.push("", `<details><summary>Changes that give or take no access (${access.otherChanges.length})</summary>\n\n${access.otherChanges.map((change) => `- ${cell(change)}`).join("\n")}\n</details>`);
  return lines.join("\n");
}

function body(stack, folder, planned = true, access) {
  const marker = `<!-- terraform-plan:${stack} -->`;
  if (!planned) return [marker, `## Stack \`${stack}\``, accessSection(access), NOT_PLANNED, matrixDetails(folder)].filter(Boolean).join("\n\n");
  const plan = read(path.join(folder, "plan.txt")) ?? "no plan was produced";
  const summary = plan.split("\n").find((line) => /^(Plan:|No changes\.)/.test(line)) ?? "";
  const clipped = plan.length > LIMIT ? `${plan.slice(0, LIMIT)}\n... (cut; the whole plan is in the plan-${stack} artifact)` : plan;
  return [
    marker,
    `## Terraform plan: \`${stack}\``,
    accessSection(access),
    summary && `**${summary}**`,
    "<details><summary>Plan</summary>\n\n```hcl\n" + clipped + "\n```\n</details>",
    matrixDetails(folder),
  ]
    .filter(Boolean)
    .join("\n\n");
}

/**
 * The stack's part of `diff` (the JSON of npm run access-diff): undefined when there is no diff,
 * null for a stack without routes on either side (a data stack: its clients and groups show in its API stack's part).
 */
const accessOf = (diff, stack) => (diff ? (diff.stacks.find((candidate) => candidate.stack === stack) ?? null) : undefined);

module.exports = async function comment({ github, context, stack, folder, planned = true, accessDiff }) {
  const marker = `<!-- terraform-plan:${stack} -->`;
  const { owner, repo } = context.repo;
  const issue_number = context.issue.number;
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number });
  const existing = comments.find((candidate) => candidate.body?.startsWith(marker));
  const text = body(stack, folder, planned, accessOf(accessDiff ? JSON.parse(accessDiff) : undefined, stack));
  if (existing) await github.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body: text });
  else await github.rest.issues.createComment({ owner, repo, issue_number, body: text });
};

module.exports.body = body;
module.exports.accessOf = accessOf;

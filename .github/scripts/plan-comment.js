// Posts one pull-request comment per stack with its plan and auth matrix, and updates it on each push.
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

function body(stack, folder, planned = true) {
  const marker = `<!-- terraform-plan:${stack} -->`;
  if (!planned) return [marker, `## Stack \`${stack}\``, NOT_PLANNED, matrixDetails(folder)].filter(Boolean).join("\n\n");
  const plan = read(path.join(folder, "plan.txt")) ?? "no plan was produced";
  const summary = plan.split("\n").find((line) => /^(Plan:|No changes\.)/.test(line)) ?? "";
  const clipped = plan.length > LIMIT ? `${plan.slice(0, LIMIT)}\n... (cut; the whole plan is in the plan-${stack} artifact)` : plan;
  return [
    marker,
    `## Terraform plan: \`${stack}\``,
    summary && `**${summary}**`,
    "<details><summary>Plan</summary>\n\n```hcl\n" + clipped + "\n```\n</details>",
    matrixDetails(folder),
  ]
    .filter(Boolean)
    .join("\n\n");
}

module.exports = async function comment({ github, context, stack, folder, planned = true }) {
  const marker = `<!-- terraform-plan:${stack} -->`;
  const { owner, repo } = context.repo;
  const issue_number = context.issue.number;
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number });
  const existing = comments.find((candidate) => candidate.body?.startsWith(marker));
  const text = body(stack, folder, planned);
  if (existing) await github.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body: text });
  else await github.rest.issues.createComment({ owner, repo, issue_number, body: text });
};

module.exports.body = body;

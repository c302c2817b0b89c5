import "../local/cli/report-load-errors";
import { bootstrap } from "../environments";
import { expectedError, parseCommandLine, runCli, UsageError } from "../local/cli/command-line";
import { RepositorySettings } from "./github/repository-settings";
import { settingsDifferences, wantedSettings } from "./github/settings";

const spec = {
  command: "npm run github --",
  positionals: "check|setup",
  summary: `The GitHub settings the bootstrap roles' trust rests on, kept in code: the repository's OIDC subject
template (repo, context, ref: every subject names the job's environment and its ref), and for each
deploy environment its required reviewers (bootstrap approvals), self-review refused, and the deploy
branch as its only deployment branch. check exits 1 and lists every difference; setup applies them.

The token (GITHUB_TOKEN) needs, as a fine-grained token on the repository: Actions read (check) or
write (setup: the OIDC template), Administration read (check) or write (setup: environments and
branch policies), and the organization's Members read to resolve team reviewers.`,
  options: {
    "api-url": { type: "string", value: "url", description: "the REST API's base URL (GitHub Enterprise Server: https://<host>/api/v3)", default: process.env.GITHUB_API_URL ?? "https://api.github.com" },
  },
  examples: ["GITHUB_TOKEN=... npm run github -- check", "GITHUB_TOKEN=... npm run github -- setup"],
} as const;

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine(spec);
  const [action, ...rest] = positionals;
  if (action !== "check" && action !== "setup") throw new UsageError(`name what to do: check or setup (npm run github -- --help), got '${positionals.join(" ")}'`);
  if (rest.length) throw new UsageError(`${action} takes no further argument, got '${rest.join(" ")}'`);
  const token = process.env.GITHUB_TOKEN ?? process.env.GH_TOKEN;
  if (!token) throw new UsageError("set GITHUB_TOKEN to a token for the repository (npm run github -- --help lists the permissions it needs)");
  const [owner, repo] = bootstrap.githubRepository.split("/") as [string, string];
  const settings = new RepositorySettings(owner, repo, { token, baseUrl: values["api-url"] });
  const wanted = wantedSettings(bootstrap);
  if (action === "setup") await settings.apply(wanted, (line) => console.log(line));
  const differences = settingsDifferences(wanted, await settings.read(wanted));
  if (differences.length) {
    throw expectedError(`${bootstrap.githubRepository}: ${differences.length} setting${differences.length === 1 ? "" : "s"} differ from the bootstrap configuration (npm run github -- setup applies them):\n${differences.map((line) => `  - ${line}`).join("\n")}`);
  }
  console.log(`${bootstrap.githubRepository}: the OIDC subject template and the environments ${wanted.environments.map((environment) => environment.name).join(", ")} are as the bootstrap configuration says`);
}

/** An answer of the API that is not a success, as one line: what was asked, the status, GitHub's message. */
function apiFailure(error: unknown): Error {
  const failure = error as { status?: number; message?: string; request?: { method?: string; url?: string } };
  if (typeof failure.status !== "number" || !failure.request) return error as Error;
  const hint = failure.status === 401 ? ": the token is not valid" : failure.status === 403 || failure.status === 404 ? ": the token may lack a permission npm run github -- --help lists" : "";
  return expectedError(`GitHub answered ${failure.status} to ${failure.request.method} ${failure.request.url} (${failure.message})${hint}`);
}

runCli(() => main().catch((error: unknown) => Promise.reject(apiFailure(error))));

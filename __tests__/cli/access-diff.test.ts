import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { copyProject, removeFolder, REPOSITORY_EXTRAS } from "../../scripts/project-copy";
import { runTs } from "../helpers/processes";
import { environments } from "../../environments";

/** Every environment's API stack: each flavour (dev, prod: rest-cognito; devhttp: http-jwt) has the same callers and routes. */
const STACKS = Object.keys(environments);

jest.setTimeout(180_000);

/** The command lines of the processes whose working folder is `folder`. */
function processesIn(folder: string): string[] {
  return fs.readdirSync("/proc").filter((pid) => /^\d+$/.test(pid)).flatMap((pid) => {
    try {
      return fs.readlinkSync(`/proc/${pid}/cwd`) === folder ? [fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim()] : [];
    } catch {
      return [];
    }
  });
}

/** `npm run access-diff` in a git repository: the base synthesized from its commit, the working tree from its files. */
describe("npm run access-diff", () => {
  const copy = copyProject("notes-access-diff-", REPOSITORY_EXTRAS);
  const git = (...args: string[]) => expect(spawnSync("git", args, { cwd: copy, encoding: "utf8" }).status).toBe(0);
  const groups = path.join(copy, "stacks", "auth", "groups.ts");
  const original = fs.readFileSync(groups, "utf8");
  beforeAll(() => {
    git("init", "-q", "-b", "main");
    // The copy links node_modules: a clone has none in git
    fs.appendFileSync(path.join(copy, ".git", "info", "exclude"), "node_modules\n");
    git("-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "--allow-empty", "-m", "empty");
    git("add", "-A");
    git("-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "the project");
  });
  afterAll(() => removeFolder(copy));
  afterEach(() => fs.writeFileSync(groups, original));

  test("readers granted notes.write: the write routes are gained by readers in every stack, and it exits 1", async () => {
    // GIVEN an edit that grants readers the write scope
    fs.writeFileSync(groups, original.replace('{ name: "readers", description: "Read notes", scopes: ["notes.read"]', '{ name: "readers", description: "Read notes", scopes: ["notes.read", "notes.write"]'));
    // WHEN it is compared with the merge base with main (HEAD)
    const result = await runTs(copy, "scripts/access-diff.ts");
    // THEN each stack lists the readers' new routes with the reason, and the exit code says access widened
    expect(result.stderr).toBe("");
    for (const stack of STACKS) {
      const section = result.stdout.split(`${stack}:\n`)[1]!.split(/\n(?=\S)/)[0]!;
      expect(section).toMatch(/^ {2}access gained \(3\):$/m);
      for (const route of ["POST /notes", "PUT /notes/{id}", "DELETE /notes/{id}"]) expect(section).toMatch(new RegExp(`^ {4}web readers +${route.replace(/[{}]/g, "\\$&")} +group readers granted notes\\.write$`, "m"));
    }
    expect(result.stdout).toMatch(new RegExp(`^access widened: ${3 * STACKS.length} route x caller cells gained, 0 lost`, "m"));
    expect(result.status).toBe(1);
  });

  test("a description changed: no access change, exit 0, and --json says the same", async () => {
    fs.writeFileSync(groups, original.replace('description: "Read notes"', 'description: "People who read notes"'));
    const result = await runTs(copy, "scripts/access-diff.ts", ["--json"]);
    const diff = JSON.parse(result.stdout) as { widened: boolean; stacks: Array<{ stack: string; gained: unknown[]; lost: unknown[]; otherChanges: string[] }> };
    expect(diff.widened).toBe(false);
    expect(diff.stacks.map((stack) => [stack.stack, stack.gained.length, stack.lost.length, stack.otherChanges])).toEqual(
      STACKS.map((stack) => [stack, 0, 0, ['group readers: description "Read notes" -> "People who read notes"']]),
    );
    expect(result.status).toBe(0);
  });

  test("fails with 2, never 1, when it cannot compare", async () => {
    const result = await runTs(copy, "scripts/access-diff.ts", ["--base", "no-such-branch"]);
    expect(result.stderr).toBe("access-diff: no commit 'no-such-branch' in this repository (fetch it, or name another with --base)\n");
    expect(result.status).toBe(2);
    // AND a base that does not synthesize
    const broken = await runTs(copy, "scripts/access-diff.ts", ["--base", "HEAD~1"]);
    expect(broken.stderr).toMatch(/^access-diff: the synth of commit [0-9a-f]{12} failed, so nothing can be compared: /);
    expect(broken.status).toBe(2);
    // AND it ends after the working tree's synth, not beside it: nothing it started still runs in the project
    expect(processesIn(copy)).toEqual([]);
  });
});

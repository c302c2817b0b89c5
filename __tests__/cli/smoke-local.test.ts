import { PROJECT_ROOT } from "../../stacks/paths";
import { runCommand } from "../helpers/processes";

jest.setTimeout(180_000);

/** The smoke checks against the local gateway, as a user runs them: the whole command, in its own processes. */
describe("npm run smoke -- --local", () => {
  test("passes every check", async () => {
    const result = await runCommand("npm", ["run", "-s", "smoke", "--", "--local"], { cwd: PROJECT_ROOT, timeoutMs: 120_000 });
    expect(result.stdout).toContain("6 passed, 0 failed");
    expect(result.status).toBe(0);
  });
});

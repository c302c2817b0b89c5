import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readLocalStack, synthesizeLocalStack, LOCAL_DATA_DIR } from "../../local/stack/local-stack";
import { localTarget, report, verifyMatrix } from "../../scripts/verify/verify-matrix";
import { cellsOf } from "../../stacks/matrix/matrix-cells";
import type { AuthMatrix } from "../../stacks/matrix/auth-matrix";
import { PROJECT_ROOT } from "../../stacks/paths";
import { runCommand } from "../helpers/processes";

jest.setTimeout(120_000);

/** `npm run verify`: the auth matrix asked of a running API, here the local gateway with real sign-ins through its hosted UI. */
describe("npm run verify -- --local", () => {
  test("every cell of dev's matrix answers as the matrix says", async () => {
    const result = await runCommand("npm", ["run", "-s", "verify", "--", "--local"], { cwd: PROJECT_ROOT, timeoutMs: 120_000 });
    const matrix = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "cdktf.out", "stacks", "dev", "auth-matrix.json"), "utf8")) as AuthMatrix;
    const cells = cellsOf(matrix).length;
    expect(result.stdout).toMatch(/^route +\| no token \| web ID token \| web readers \| web editors \| web \(no group\) \| reporting \(machine\)$/m);
    expect(result.stdout).toMatch(/^POST \/notes +\| 401 +\| 401 +\| 401 +\| 400 +\| 401 +\| 401 +$/m);
    expect(result.stdout).toContain(`${cells} of ${cells} cells as the matrix says`);
    expect(result.stdout).not.toContain("DIFF");
    expect(result.status).toBe(0);
  });

  test("every cell of devhttp's matrix (an HTTP API with a JWT authorizer: 401 and 403) answers as the matrix says", async () => {
    const result = await runCommand("npm", ["run", "-s", "verify", "--", "--local", "--stack", "devhttp"], { cwd: PROJECT_ROOT, timeoutMs: 120_000 });
    const matrix = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "cdktf.out", "stacks", "devhttp", "auth-matrix.json"), "utf8")) as AuthMatrix;
    expect(matrix.flavour).toBe("http-jwt");
    const cells = cellsOf(matrix);
    // The same route table as dev: a valid token without the scope (the ID token among them) is the gateway's 403 here, not 401.
    expect(cells.filter((cell) => cell.expected === 403).length).toBeGreaterThan(0);
    expect(result.stdout).toMatch(/^POST \/notes +\| 401 +\| 403 +\| 403 +\| 400 +\| 403 +\| 403 +$/m);
    expect(result.stdout).toContain(`${cells.length} of ${cells.length} cells as the matrix says`);
    expect(result.stdout).not.toContain("DIFF");
    expect(result.status).toBe(0);
  });

  test("a method whose scopes drifted from the route table is reported cell by cell", async () => {
    // GIVEN a synthesized copy whose DELETE method takes notes.read, while its auth matrix still says notes.write
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-drift-"));
    synthesizeLocalStack("dev", outdir);
    const file = path.join(outdir, "stacks", "dev", "cdk.tf.json");
    const terraform = JSON.parse(fs.readFileSync(file, "utf8"));
    const [deleteMethod] = Object.values<Record<string, unknown>>(terraform.resource.aws_api_gateway_method).filter((method) => method.http_method === "DELETE");
    deleteMethod!.authorization_scopes = ["https://notes.example.com/notes.read"];
    fs.writeFileSync(file, JSON.stringify(terraform));
    const matrix = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "dev", "auth-matrix.json"), "utf8")) as AuthMatrix;
    const { gateway, target } = await localTarget("dev", path.join(LOCAL_DATA_DIR, `verify-drift-${process.pid}`), matrix, readLocalStack("dev", outdir));
    try {
      // WHEN verify asks every cell
      const lines = report(await verifyMatrix(matrix, target));
      // THEN exactly the callers the drift lets past the gateway are named (the handler's own scope check still refuses them: 403)
      expect(lines.filter((line) => line.startsWith("DIFF"))).toEqual([
        "DIFF DELETE /notes/{id}, web readers: got 403 (reaches the handler), the matrix says 401",
        "DIFF DELETE /notes/{id}, reporting (machine): got 403 (reaches the handler), the matrix says 401",
      ]);
    } finally {
      await gateway.stop();
      fs.rmSync(path.join(LOCAL_DATA_DIR, `verify-drift-${process.pid}`), { recursive: true, force: true });
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

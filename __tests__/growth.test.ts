import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { copyProject, removeFolder, REPOSITORY_EXTRAS } from "../scripts/project-copy";
import { addEnvironment, addScopeAndRoute, applyRecipe, moveDevOrigin } from "../scripts/recipes";
import { runTs } from "./helpers/processes";

jest.setTimeout(180_000);

/**
 * The README's recipes "add a scope and a route" and "add an environment", and the dev web app
 * moved to another local origin, applied to a copy of the project: the type check and the suite's
 * fast tests must still pass there without a single test edit.
 */
describe("the project can grow", () => {
  const copy = copyProject("notes-growth-", REPOSITORY_EXTRAS);
  afterAll(() => removeFolder(copy));

  beforeAll(async () => {
    // GIVEN a new scope the web client may ask for and a route that requires it, with its handler
    applyRecipe(copy, addScopeAndRoute);
    // AND a staging environment, deployed by the bootstrap and planned by the workflow
    applyRecipe(copy, addEnvironment);
    // AND the dev web app on localhost:5174 instead of 5173
    applyRecipe(copy, moveDevOrigin);
    // AND the docs' generated parts refreshed, as the recipes say
    expect((await runTs(copy, "scripts/update-docs.ts")).status).toBe(0);
    // AND the edits staged, as a commit would hold them (the README test reads the tracked files)
    for (const args of [["init", "-q"], ["add", "-A"]]) expect(spawnSync("git", args, { cwd: copy }).status).toBe(0);
  });

  test("the new route synthesizes with the new scope, its own function and its own permission", async () => {
    const outdir = path.join(copy, "cdktf.out");
    expect((await runTs(copy, "main.ts", [], { CDKTF_OUTDIR: outdir })).status).toBe(0);
    const dev = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "dev", "cdk.tf.json"), "utf8")) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const methods = Object.values(dev.resource.aws_api_gateway_method!);
    expect(methods.filter((method) => method.http_method === "POST" && (method.authorization_scopes as string[] | undefined)?.includes("https://notes.example.com/notes.share"))).toHaveLength(1);
    expect(Object.values(dev.resource.aws_lambda_function!).map((fn) => fn.function_name)).toContain("notes-dev-notes-share");
    const matrix = fs.readFileSync(path.join(outdir, "stacks", "dev", "auth-matrix.md"), "utf8");
    expect(matrix).toContain("| POST | `/notes/{id}/share` | `https://notes.example.com/notes.share` |");
    // AND the same route in the HTTP API flavour (devhttp): one route with the scope, its own function, its 403 in the matrix
    const devhttp = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "devhttp", "cdk.tf.json"), "utf8")) as typeof dev;
    const routes = Object.values(devhttp.resource.aws_apigatewayv2_route!).filter((route) => route.route_key === "POST /notes/{id}/share");
    expect(routes.map((route) => route.authorization_scopes)).toEqual([["https://notes.example.com/notes.share"]]);
    expect(Object.values(devhttp.resource.aws_lambda_function!).map((fn) => fn.function_name)).toContain("notes-devhttp-notes-share");
    expect(fs.readFileSync(path.join(outdir, "stacks", "devhttp", "auth-matrix.md"), "utf8")).toMatch(/^\| POST `\/notes\/\{id\}\/share` \| \*\*401\*\* \| \*\*403\*\* \|/m);
    // AND staging is two stacks of its own, and dev answers CORS for the moved origin only
    for (const stack of ["staging", "staging-data"]) expect(fs.existsSync(path.join(outdir, "stacks", stack, "cdk.tf.json"))).toBe(true);
    const devText = JSON.stringify(dev);
    expect([devText.includes("http://localhost:5174"), devText.includes("http://localhost:5173")]).toEqual([true, false]);
  });

  test("the type check and npm test's suite pass without any test edit", () => {
    const tsc = spawnSync(process.execPath, [path.join(copy, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", copy], { cwd: copy, encoding: "utf8" });
    expect(tsc.stdout + tsc.stderr).toBe("");
    // `npm test`'s jest: the whole fast suite, as a developer runs it after the recipe.
    const jest = spawnSync(process.execPath, [path.join(copy, "node_modules", "jest", "bin", "jest.js"), "--ci"], {
      cwd: copy,
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1", STATE_BUCKET: "" },
    });
    const failures = [...jest.stderr.matchAll(/^ {2}● (.*)$/gm)].map((match) => match[1]);
    expect(failures).toEqual([]);
    expect(jest.stderr).toMatch(/^Tests: +\d+ passed, \d+ total$/m);
    expect(jest.status).toBe(0);
  });
});

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { environments } from "../environments";
import { notesRoutes } from "../stacks/api/routes";
import type { EnvironmentConfig } from "../stacks/config";
import { GuardError } from "../stacks/guard/guard-error";
import { NotesApiStack } from "../stacks/notes-api-stack";
import { NotesApp, PolicyError } from "../stacks/notes-app";
import { listFiles } from "../scripts/project-copy";
import { summarizeOutput } from "../local/stack/synth-summary";
import { ScopedRestApi } from "../stacks/api/scoped-rest-api";

const freshFolder = () => fs.mkdtempSync(path.join(os.tmpdir(), "notes-app-"));
const broken = (config: EnvironmentConfig, domainPrefix: string): EnvironmentConfig => ({ ...config, domains: undefined, auth: { ...config.auth, domainPrefix } });

describe("NotesApp", () => {
  test("fails when any environment is misconfigured, reporting all of them, and writes nothing", () => {
    // GIVEN
    const outdir = freshFolder();
    const app = new NotesApp({ outdir, env: {} });
    // WHEN
    let error: unknown;
    try {
      app.addEnvironments([broken(environments.dev, "Dev_Prefix"), broken(environments.prod, "-prod")]);
      app.synth();
    } catch (caught) {
      error = caught;
    }
    // THEN
    expect(error).toBeInstanceOf(GuardError);
    expect((error as GuardError).findings.map((finding) => `${finding.stack}:${finding.field}=${String(finding.value)}`)).toEqual([
      "dev:domainPrefix=Dev_Prefix",
      "prod:domainPrefix=-prod",
    ]);
    expect(listFiles(outdir)).toEqual([]);
  });

  test("fails when a stack has an unsuppressed policy error, before writing any stack", () => {
    const outdir = freshFolder();
    const app = new NotesApp({ outdir, log: () => undefined, env: {} });
    const [, prod] = app.addEnvironments([environments.dev, environments.prod]) as [NotesApiStack, NotesApiStack];
    const api = prod.api;
    if (!(api instanceof ScopedRestApi)) throw new Error("prod has a REST API");
    api.stage.deployment.addOverride("lifecycle.create_before_destroy", false);
    expect(() => app.synth()).toThrow(PolicyError);
    expect(() => app.synth()).toThrow(/error APIG-DEPLOY at prod\/api\/stage\/deployment/);
    expect(listFiles(outdir)).toEqual([]);
  });

  test("writes the Terraform and the auth matrix of every stack, and prints warnings and a count of suppressions", () => {
    const outdir = freshFolder();
    const lines: string[] = [];
    const app = new NotesApp({ outdir, log: (line) => lines.push(line), env: {} });
    app.addEnvironments([environments.dev, environments.prod]);
    app.check();
    const written = app.write();
    const files = listFiles(outdir);
    // What write() says each stack holds is what its cdk.tf.json holds (the synth's summary reads it)
    expect([...written.keys()].sort()).toEqual(["dev", "dev-data", "prod", "prod-data"]);
    expect(Object.fromEntries(written)).toEqual(Object.fromEntries(summarizeOutput(outdir).map((stack) => [stack.stack, stack.resources])));
    for (const stack of ["dev", "prod"]) {
      expect(files).toEqual(expect.arrayContaining([`stacks/${stack}/cdk.tf.json`, `stacks/${stack}/auth-matrix.json`, `stacks/${stack}/auth-matrix.md`]));
    }
    expect(lines).toContain("policy warning COG2 at dev-data/auth/user-pool: the user pool does not require MFA [mfa_configuration=OPTIONAL]");
    const suppressed = app.policyFindings.filter((finding) => finding.suppressedBecause !== undefined);
    expect(suppressed.length).toBeGreaterThan(0);
    expect(lines.filter((line) => line.startsWith("policy suppressed"))).toEqual([]);
    expect(lines).toContain(`policy: ${suppressed.length} suppressed findings, each with its reason (--verbose lists them)`);
    expect(lines.some((line) => line.startsWith("policy error"))).toBe(false);
  });

  test("lists every suppression with its reason when verbose", () => {
    const lines: string[] = [];
    const app = new NotesApp({ outdir: freshFolder(), log: (line) => lines.push(line), env: {}, verbose: true });
    app.addEnvironments([environments.dev, environments.prod]);
    app.synth();
    const publicRoutes = notesRoutes.filter((route) => route.public !== undefined).length;
    expect(lines.filter((line) => line.startsWith("policy suppressed APIG4 at"))).toHaveLength(publicRoutes * 2);
    expect(lines.filter((line) => line.startsWith("policy suppressed"))).toHaveLength(app.policyFindings.filter((finding) => finding.suppressedBecause !== undefined).length);
  });

  test("fails when two environments share a name, before building either", () => {
    const app = new NotesApp({ outdir: freshFolder(), env: {} });
    expect(() => app.addEnvironments([environments.dev, { ...environments.prod, name: "dev" }])).toThrow(GuardError);
    expect(() => new NotesApp({ outdir: freshFolder(), env: {} }).addEnvironments([environments.dev, { ...environments.prod, name: "dev" }])).toThrow(
      "[dev] environments[1]: name = \"dev\": environments[0] has this name too: each environment needs its own",
    );
    expect(app.node.children).toHaveLength(0);
  });

  test("fails when two environments in one region share a hosted-UI domain prefix", () => {
    const app = new NotesApp({ outdir: freshFolder(), env: {} });
    const twin = { ...environments.prod, domains: undefined, auth: { ...environments.prod.auth, domainPrefix: environments.dev.auth.domainPrefix } };
    expect(() => app.addEnvironments([environments.dev, twin])).toThrow(/\[prod\] config\.auth: domainPrefix = "notes-example-dev": environment 'dev' uses it in eu-west-1 too/);
  });

  test.each([
    ["dev", "dev-eu", "notes", "notes"],
    ["eu", "x", "notes", "notes-eu"],
  ])("fails when one environment's names prefix another's: %s and %s", (first, second, firstPrefix, secondPrefix) => {
    // GIVEN two environments whose resource names nest: every notes-dev-* wildcard of the first matches the second's resources
    const one = { ...environments.dev, name: first, namePrefix: firstPrefix, auth: { ...environments.dev.auth, domainPrefix: "notes-one" } };
    const other = { ...environments.prod, domains: undefined, name: second, namePrefix: secondPrefix, auth: { ...environments.prod.auth, domainPrefix: "notes-other" } };
    // THEN the app refuses them before building either
    expect(() => new NotesApp({ outdir: freshFolder(), env: {} }).addEnvironments([one, other])).toThrow(
      `[${second}] environments[1]: name = "${second}": its resource names (${secondPrefix}-${second}-...) start with environment '${first}''s (${firstPrefix}-${first}-...): one environment's IAM wildcards would match the other's resources`,
    );
  });

  test("fails when two environments use one custom domain name", () => {
    const twin = { ...environments.dev, auth: { ...environments.dev.auth, domainPrefix: undefined }, domains: { hostedZoneId: "Z0EXAMPLE0NOTES0ZONE", auth: environments.prod.domains!.auth } };
    expect(() => new NotesApp({ outdir: freshFolder(), env: {} }).addEnvironments([environments.prod, twin])).toThrow(
      `[dev] config.domains: auth = "${environments.prod.domains!.auth}": environment 'prod' uses this name too: each environment needs its own`,
    );
  });

  test("allows one domain prefix in two regions", () => {
    const app = new NotesApp({ outdir: freshFolder(), env: {} });
    const elsewhere = { ...environments.prod, domains: undefined, region: "us-east-1", auth: { ...environments.prod.auth, domainPrefix: environments.dev.auth.domainPrefix } };
    expect(app.addEnvironments([environments.dev, elsewhere])).toHaveLength(2);
  });
});

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalGateway, localClientId } from "../../local/gateway/local-gateway";
import { LOCAL_DATA_DIR, synthesizeLocalStack } from "../../local/stack/local-stack";
import { PROJECT_ROOT } from "../../stacks/paths";
import { runCommand } from "../helpers/processes";

jest.setTimeout(60_000);

/** The README's typed-client example, generated from the synthesized document, type-checked, and run against the local gateway. */
describe("a typed client generated from the OpenAPI document (openapi-typescript + openapi-fetch)", () => {
  const work = path.join(PROJECT_ROOT, ".build", `typed-client-${process.pid}`);
  const dataDir = path.join(LOCAL_DATA_DIR, `typed-client-test-${process.pid}`);
  let gateway: LocalGateway;

  beforeAll(async () => {
    const { model, terraform } = synthesizeLocalStack("dev", fs.mkdtempSync(path.join(os.tmpdir(), "typed-client-")));
    gateway = new LocalGateway({ model, terraform, dataDir, port: 0, fresh: true, log: () => undefined });
    await gateway.start();
    fs.mkdirSync(work, { recursive: true });
    fs.copyFileSync(path.join(PROJECT_ROOT, "examples", "typed-client.ts"), path.join(work, "typed-client.ts"));
    // The README's command, on the synthesized document
    const generated = await runCommand(process.execPath, [path.join(PROJECT_ROOT, "node_modules", "openapi-typescript", "bin", "cli.js"), model.openApiFile, "-o", path.join(work, "notes-api.d.ts")]);
    expect(generated).toMatchObject({ status: 0 });
  });

  afterAll(async () => {
    await gateway.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  test("type-checks under the project's strict settings", async () => {
    const tsconfig = path.join(work, "tsconfig.json");
    fs.writeFileSync(tsconfig, JSON.stringify({ extends: "../../tsconfig.json", include: ["*.ts"], exclude: [] }));
    expect(await runCommand(process.execPath, [path.join(PROJECT_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", tsconfig])).toMatchObject({ status: 0, stdout: "" });
  });

  test("a wrong body is a compile error: the types come from the handlers' schemas", async () => {
    const broken = path.join(work, "broken.ts");
    fs.writeFileSync(broken, 'import createClient from "openapi-fetch";\nimport type { paths } from "./notes-api";\nexport const call = () => createClient<paths>({ baseUrl: "" }).POST("/notes", { body: { titel: "typo" } });\n');
    try {
      const result = await runCommand(process.execPath, [path.join(PROJECT_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(work, "tsconfig.json")]);
      expect(result.status).not.toBe(0);
      expect(result.stdout).toMatch(/broken\.ts.*'titel' does not exist/s);
    } finally {
      fs.rmSync(broken);
    }
  });

  test("creates and lists notes on the local gateway", async () => {
    const token = await gateway.issuer.sign({ clientId: localClientId("dev", "notes-dev-web"), username: "typed", scopes: ["https://notes.example.com/notes.read", "https://notes.example.com/notes.write"] });
    const { createAndList } = require(path.join(work, "typed-client.ts")) as {
      createAndList: (baseUrl: string, accessToken: string) => Promise<{ created: { title: string }; titles: string[] }>;
    };
    const result = await createAndList(gateway.apiUrl, token);
    expect(result.created).toMatchObject({ title: "From the typed client" });
    expect(result.titles).toContain("From the typed client");
  });
});

import { Testing } from "cdktf";
import { environments } from "../environments";
import { NotesApiStack } from "../stacks/notes-api-stack";
import { terraformUnavailableReason } from "./helpers/terraform";

const unavailable = terraformUnavailableReason();
if (unavailable) console.warn(`terraform validate skipped: ${unavailable}`);
const testWithTerraform = unavailable ? test.skip : test;

describe("synthesized Terraform", () => {
  testWithTerraform.each(["dev", "prod"] as const)(`%s stack passes terraform validate${unavailable ? ` (skipped: ${unavailable})` : ""}`, (environment) => {
    const app = Testing.app();
    const stack = new NotesApiStack(app, environment, { config: environments[environment], env: {} });
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });
});

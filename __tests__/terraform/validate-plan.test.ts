import { fakeApply } from "../../scripts/terraform/fake-apply";
import { changesOf, type PlanJson } from "../../scripts/terraform/offline-terraform";
import { OfflineTerraform, PINNED_PROVIDER, reportSubstitutions, synthesizeApp, terraformMissing } from "../helpers/offline-terraform";

if (terraformMissing) console.warn(`terraform tests skipped: ${terraformMissing}`);
// Each terraform command starts the provider (about 2 s here); a whole describe block takes a minute or more.
jest.setTimeout(240_000);
const describeWithTerraform = terraformMissing ? describe.skip : describe;

// Data stacks and bootstrap plan from nothing; an API stack reads its data stack's state, so that is deployed (offline) first.
const STACKS = ["dev-data", "devhttp-data", "prod-data", "bootstrap", "dev", "devhttp", "prod"] as const;

describeWithTerraform(`real Terraform on every synthesized stack${terraformMissing ? ` (skipped: ${terraformMissing})` : ""}`, () => {
  let terraform: OfflineTerraform;
  beforeAll(() => {
    const stacks = synthesizeApp("notes-tf-validate-");
    terraform = new OfflineTerraform(PINNED_PROVIDER);
    for (const stack of STACKS) reportSubstitutions(stack, terraform.addStack(stack, `${stacks}/${stack}`));
  });
  afterAll(() => terraform?.remove());

  test("the offline copies change only the provider version and values that provider predates", () => {
    for (const stack of STACKS) {
      for (const substitution of terraform.substitutions.get(stack) ?? []) {
        expect(substitution.where).toMatch(/^(terraform\.required_providers\.aws\.version|aws_lambda_function\.[^.]+\.runtime|provider\.aws\.allowed_account_ids)$/);
      }
    }
    if (terraform.source.version === PINNED_PROVIDER) expect([...terraform.substitutions.values()].flat().filter((entry) => entry.where.includes("version"))).toEqual([]);
  });

  test.each(STACKS)("%s passes terraform validate", (stack) => {
    expect(terraform.run(stack, ["validate"]).stdout).toContain("Success! The configuration is valid.");
  });

  const dataPlans = new Map<string, PlanJson>();
  test.each(STACKS)("%s plans with -refresh=false and no AWS call", (stack) => {
    let changes: string[];
    if (stack.endsWith("-data")) {
      const plan = terraform.plan(stack);
      dataPlans.set(stack, plan);
      changes = Object.values(changesOf(plan));
    } else {
      // The API stack reads the pool and clients from its data stack's state: "apply" that first.
      if (stack !== "bootstrap") fakeApply(terraform, `${stack}-data`, dataPlans.get(`${stack}-data`)!);
      changes = Object.values(terraform.plannedChanges(stack));
    }
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((actions) => actions === "create")).toBe(true);
  });
});

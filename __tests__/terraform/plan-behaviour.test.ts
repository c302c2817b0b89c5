import * as fs from "node:fs";
import * as path from "node:path";
import { changeSetOf, checkApproved } from "../../scripts/terraform/change-set";
import { fakeApply, fakeDeploy } from "../../scripts/terraform/fake-apply";
import { actionsOf, changesOf } from "../../scripts/terraform/offline-terraform";
import { deploymentsToRefresh, refreshArguments } from "../../scripts/terraform/redeploy";
import { notesRoutes } from "../../stacks/api/routes";
import { OfflineTerraform, PINNED_PROVIDER, synthesizeApp, terraformMissing } from "../helpers/offline-terraform";

// Each terraform command starts the provider (about 2 s here); a whole describe block takes a minute or more.
jest.setTimeout(240_000);
const describeWithTerraform = terraformMissing ? describe.skip : describe;

type Json = Record<string, any>;
const addressOf = (config: Json, type: string, predicate: (resource: Json) => boolean): string => {
  const entry = Object.entries<Json>(config.resource[type]).find(([, resource]) => predicate(resource));
  if (!entry) throw new Error(`no ${type} matches`);
  return `${type}.${entry[0]}`;
};

/**
 * What a change plans against an environment that is already deployed: state written by a fake
 * apply of today's configuration, then `terraform plan -refresh=false` of the changed one.
 */
describeWithTerraform(`plans against deployed state${terraformMissing ? ` (skipped: ${terraformMissing})` : ""}`, () => {
  let terraform: OfflineTerraform;
  let stacks: string;
  let api: Json;
  let deployment: string;
  const stateOf = (stack: string) => JSON.parse(fs.readFileSync(terraform.statePath(stack), "utf8")) as Json;
  const writeState = (stack: string, state: Json) => fs.writeFileSync(terraform.statePath(stack), JSON.stringify(state));
  const attributesOf = (state: Json, type: string) => state.resources.find((resource: Json) => resource.type === type).instances[0].attributes as Json;

  beforeAll(() => {
    stacks = synthesizeApp("notes-tf-behaviour-");
    terraform = new OfflineTerraform(PINNED_PROVIDER);
    terraform.addStack("dev-data", path.join(stacks, "dev-data"));
    terraform.addStack("dev", path.join(stacks, "dev"));
    // GIVEN dev deployed as it is today, and a second plan with nothing left to do (fakeDeploy checks it)
    fakeDeploy(terraform, "dev-data");
    fakeDeploy(terraform, "dev");
    api = JSON.parse(fs.readFileSync(path.join(stacks, "dev", "cdk.tf.json"), "utf8"));
    deployment = addressOf(api, "aws_api_gateway_deployment", () => true);
  });
  afterAll(() => terraform?.remove());

  test("nothing in the data stack is created before it is destroyed", () => {
    const data = JSON.parse(fs.readFileSync(path.join(stacks, "dev-data", "cdk.tf.json"), "utf8"));
    const cbd = Object.values<Json>(data.resource).flatMap((entries) => Object.values<Json>(entries)).filter((resource) => resource.lifecycle?.create_before_destroy);
    expect(cbd).toEqual([]);
  });

  test("a forced replacement of the table or the user pool plans destroy, then create", () => {
    // GIVEN deployed resources whose key schema or sign-in attributes differ from the configuration (both force a new resource)
    const saved = stateOf("dev-data");
    const changed = structuredClone(saved);
    attributesOf(changed, "aws_dynamodb_table").hash_key = "legacy_owner";
    Object.assign(attributesOf(changed, "aws_cognito_user_pool"), { username_attributes: [], alias_attributes: ["email"] });
    writeState("dev-data", changed);
    try {
      // WHEN the data stack is planned
      const plan = terraform.plan("dev-data");
      // THEN the old table and pool go first, so their names are free: never a second pool, never a name clash
      const data = JSON.parse(fs.readFileSync(path.join(stacks, "dev-data", "cdk.tf.json"), "utf8"));
      expect(actionsOf(plan, addressOf(data, "aws_dynamodb_table", () => true))).toEqual(["delete", "create"]);
      expect(actionsOf(plan, addressOf(data, "aws_cognito_user_pool", () => true))).toEqual(["delete", "create"]);
    } finally {
      writeState("dev-data", saved);
    }
  });

  test("a replaced user pool changes the deployment", () => {
    // GIVEN the data stack re-created the pool: its state now holds another ARN
    const saved = stateOf("dev-data");
    const changed = structuredClone(saved);
    const [, poolArn] = Object.entries<Json>(changed.outputs).find(([name]) => /^cross-stack-output-aws_cognito_user_pool[^_].*arn$/.test(name))!;
    poolArn.value = `${poolArn.value}-replaced`;
    writeState("dev-data", changed);
    try {
      // WHEN the API stack is planned
      const changes = changesOf(terraform.plan("dev"));
      // THEN the authorizer points at the new pool and a new deployment snapshots it
      expect(changes[addressOf(api, "aws_api_gateway_authorizer", () => true)]).toBe("update");
      expect(changes[deployment]).toBe("create,delete");
    } finally {
      writeState("dev-data", saved);
    }
  });

  test("a renamed function changes the deployment", () => {
    // GIVEN one function renamed in the configuration
    const renamed = "notes-dev-notes-list-v2";
    terraform.addStack("dev", path.join(stacks, "dev"), (config) => {
      const fn = Object.values<Json>(config.resource.aws_lambda_function).find((candidate) => candidate.function_name === "notes-dev-notes-list")!;
      fn.function_name = renamed;
      for (const integration of Object.values<Json>(config.resource.aws_api_gateway_integration)) {
        if (typeof integration.uri === "string") integration.uri = integration.uri.replace(":function:notes-dev-notes-list/", `:function:${renamed}/`);
      }
    });
    try {
      // WHEN it is planned
      const changes = changesOf(terraform.plan("dev"));
      // THEN the function is replaced, its integration points at the new ARN, and the stage gets a new deployment
      expect(changes[addressOf(api, "aws_lambda_function", (fn) => fn.function_name === "notes-dev-notes-list")]).toBe("delete,create");
      expect(changes[addressOf(api, "aws_api_gateway_integration", (integration) => String(integration.uri).includes(":function:notes-dev-notes-list/"))]).toBe("update");
      expect(changes[deployment]).toBe("create,delete");
    } finally {
      terraform.addStack("dev", path.join(stacks, "dev"));
    }
  });

  test("an unchanged configuration changes nothing, the deployment included", () => {
    expect(terraform.plannedChanges("dev")).toEqual({});
  });

  test("after a route is removed, the deploy's second step snapshots the API without it", () => {
    // GIVEN the route table without DELETE /notes/{id}
    const removed = notesRoutes.find((route) => route.method === "DELETE")!;
    const smaller = synthesizeApp("notes-tf-smaller-", notesRoutes.filter((route) => route !== removed));
    const saved = stateOf("dev");
    terraform.addStack("dev", path.join(smaller, "dev"));
    try {
      // WHEN it is planned and applied
      const plan = terraform.plan("dev");
      const method = addressOf(api, "aws_api_gateway_method", (candidate) => candidate.http_method === "DELETE");
      expect(actionsOf(plan, method)).toEqual(["delete"]);
      // the new deployment is created while the method still exists (create_before_destroy), so it still serves the route:
      expect(actionsOf(plan, deployment)).toEqual(["create", "delete"]);
      expect(deploymentsToRefresh(plan)).toEqual([deployment]);
      fakeApply(terraform, "dev", plan, 2);
      // THEN the second step (npm run deploy and the deploy workflow run it) replaces the deployment, and only that
      const [, ...flags] = refreshArguments(deploymentsToRefresh(plan));
      const second = changesOf(terraform.plan("dev", flags.filter((flag) => flag.startsWith("-replace="))));
      expect(second).toEqual({ [deployment]: "create,delete", [addressOf(api, "aws_api_gateway_stage", () => true)]: "update" });
    } finally {
      writeState("dev", saved);
      terraform.addStack("dev", path.join(stacks, "dev"));
    }
  });

  test("the prod apply job applies only the change set the approver saw: a configuration changed after the approval is refused", () => {
    const withBurstLimit = (limit: number) => (config: Json) => {
      for (const settings of Object.values<Json>(config.resource.aws_api_gateway_method_settings)) settings.settings.throttling_burst_limit = limit;
    };
    try {
      // GIVEN a change the approver saw in the plan job
      terraform.addStack("dev", path.join(stacks, "dev"), withBurstLimit(75));
      const approved = changeSetOf(terraform.plan("dev"));
      expect(approved.changes).toEqual([{ address: addressOf(api, "aws_api_gateway_method_settings", () => true), actions: ["update"] }]);
      // WHEN the apply job plans the same configuration again, it is that change set
      expect(() => checkApproved("dev", changeSetOf(terraform.plan("dev")), approved.digest)).not.toThrow();
      // AND WHEN the configuration changed between the approval and the apply (another value, same address and action)
      terraform.addStack("dev", path.join(stacks, "dev"), withBurstLimit(5000));
      const now = changeSetOf(terraform.plan("dev"));
      // THEN the apply job refuses it
      expect(now.changes).toEqual(approved.changes);
      expect(() => checkApproved("dev", now, approved.digest)).toThrow(/^dev: the plan now is not the one approved .*: nothing was applied\./);
    } finally {
      terraform.addStack("dev", path.join(stacks, "dev"));
    }
  });

  test("a plan that removes nothing needs no second step", () => {
    expect(deploymentsToRefresh({ format_version: "1.2", resource_changes: [{ address: deployment, mode: "managed", type: "aws_api_gateway_deployment", name: "d", change: { actions: ["create", "delete"], before: {}, after: {} } }] })).toEqual([]);
  });
});

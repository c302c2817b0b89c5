import { changeSetOf, checkApproved } from "../../scripts/terraform/change-set";
import type { PlanJson, ResourceChange } from "../../scripts/terraform/offline-terraform";

const SECRET = "s3cr3t-client-secret-value";

const clientChange = (secret: string, callbackUrls: string[]): ResourceChange => ({
  address: "aws_cognito_user_pool_client.reporting",
  mode: "managed",
  type: "aws_cognito_user_pool_client",
  name: "reporting",
  change: {
    actions: ["update"],
    before: { client_secret: secret, callback_urls: ["https://old.example.com/cb"], id: "abc" },
    after: { client_secret: secret, callback_urls: callbackUrls, id: "abc" },
    before_sensitive: { client_secret: true, callback_urls: [false] },
    after_sensitive: { client_secret: true, callback_urls: callbackUrls.map(() => false) },
    after_unknown: {},
  },
});
const unchanged: ResourceChange = {
  address: "aws_dynamodb_table.notes",
  mode: "managed",
  type: "aws_dynamodb_table",
  name: "notes",
  change: { actions: ["no-op"], before: { name: "notes-dev-notes" }, after: { name: "notes-dev-notes" } },
};
const created: ResourceChange = {
  address: "aws_lambda_function.share",
  mode: "managed",
  type: "aws_lambda_function",
  name: "share",
  change: { actions: ["create"], before: null, after: { function_name: "notes-dev-share" }, after_unknown: { arn: true } },
};
const plan = (changes: ResourceChange[], outputSecret = SECRET): PlanJson => ({
  format_version: "1.2",
  resource_changes: changes,
  output_changes: { reporting_client_secret: { actions: ["update"], before: "old", after: outputSecret, before_sensitive: true, after_sensitive: true } },
});

describe("change sets: what an approver approves", () => {
  test("lists each change's address and actions, without no-ops, in address order", () => {
    const changeSet = changeSetOf(plan([created, unchanged, clientChange(SECRET, ["https://new.example.com/cb"])]));
    expect(changeSet.changes).toEqual([
      { address: "aws_cognito_user_pool_client.reporting", actions: ["update"] },
      { address: "aws_lambda_function.share", actions: ["create"] },
    ]);
    expect(changeSet.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test("never holds a sensitive value, and its digest does not depend on one", () => {
    const first = changeSetOf(plan([clientChange(SECRET, ["https://new.example.com/cb"])]));
    const rotated = changeSetOf(plan([clientChange("another-secret", ["https://new.example.com/cb"])], "another-secret"));
    expect(JSON.stringify(first)).not.toContain(SECRET);
    expect(rotated.digest).toBe(first.digest);
  });

  test("the digest changes with any value an approver sees, with the actions, and not with the order of changes", () => {
    const approved = changeSetOf(plan([created, clientChange(SECRET, ["https://new.example.com/cb"])]));
    expect(changeSetOf(plan([clientChange(SECRET, ["https://new.example.com/cb"]), created])).digest).toBe(approved.digest);
    expect(changeSetOf(plan([created, clientChange(SECRET, ["https://attacker.example.com/cb"])])).digest).not.toBe(approved.digest);
    expect(changeSetOf(plan([{ ...created, change: { ...created.change, actions: ["delete", "create"] } }, clientChange(SECRET, ["https://new.example.com/cb"])])).digest).not.toBe(approved.digest);
    expect(changeSetOf(plan([created, clientChange(SECRET, ["https://new.example.com/cb"]), { ...unchanged, change: { ...unchanged.change, actions: ["delete"] } }])).digest).not.toBe(approved.digest);
  });

  test("fails when the plan at apply time is not the approved one, naming what it holds now", () => {
    const approved = changeSetOf(plan([created]));
    const now = changeSetOf(plan([created, clientChange(SECRET, ["https://attacker.example.com/cb"])]));
    expect(() => checkApproved("prod", now, approved.digest)).toThrow(`prod: the plan now is not the one approved (approved ${approved.digest}, now ${now.digest}): nothing was applied.`);
    expect(() => checkApproved("prod", now, approved.digest)).toThrow("  update aws_cognito_user_pool_client.reporting\n  create aws_lambda_function.share");
    expect(() => checkApproved("prod", approved, approved.digest)).not.toThrow();
  });
});

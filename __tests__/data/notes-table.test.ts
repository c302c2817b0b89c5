import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { synthNotesStack } from "../helpers/stacks";

describe("NotesTable", () => {
  test("is on demand, keyed by owner and note id, recoverable and encrypted", () => {
    expect(synthNotesStack().data.synthesized).toHaveResourceWithProperties(DynamodbTable, {
      name: "notes-dev-notes",
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "owner",
      range_key: "id",
      attribute: [
        { name: "owner", type: "S" },
        { name: "id", type: "S" },
      ],
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: false,
    });
  });

  test("is protected from deletion in prod", () => {
    expect(synthNotesStack({}, "prod").data.synthesized).toHaveResourceWithProperties(DynamodbTable, {
      name: "notes-prod-notes",
      deletion_protection_enabled: true,
    });
  });

  test("prod's table cannot be destroyed by a plan: prevent_destroy on top of deletion protection", () => {
    const table = (stack: "dev" | "prod") => Object.values(synthNotesStack({}, stack).data.json.resource!.aws_dynamodb_table!)[0]!;
    expect(table("prod").lifecycle).toEqual({ prevent_destroy: true });
    expect(table("dev").lifecycle).toBeUndefined();
  });
});

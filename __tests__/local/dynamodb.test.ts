import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import * as fs from "node:fs";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { ensureTablesFromTerraform, repairInterruptedTables } from "../../local/runtime/dynamodb";
import type { TerraformJson } from "../../local/stack/terraform-config";

// dynalite ships no types.
const dynalite = require("dynalite") as (options: { createTableMs?: number; path?: string }) => import("node:http").Server;

const terraform: TerraformJson = {
  resource: { aws_dynamodb_table: { notes: { name: "notes-test", hash_key: "owner", range_key: "id", attribute: [{ name: "owner", type: "S" }, { name: "id", type: "S" }] } } },
};

async function serverCreatingTablesIn(createTableMs: number, folder?: string) {
  const server = dynalite({ createTableMs, path: folder });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  return { client, close: () => (client.destroy(), new Promise((resolve) => server.close(resolve))) };
}

describe("ensureTablesFromTerraform", () => {
  test("waits for a table that is still CREATING, so the first request never meets a missing table", async () => {
    // GIVEN a server that takes 300 ms to make a table ACTIVE
    const local = await serverCreatingTablesIn(300);
    try {
      // WHEN the tables are ensured
      await ensureTablesFromTerraform(local.client, terraform, 5000);
      // THEN the table is ACTIVE
      expect((await local.client.send(new DescribeTableCommand({ TableName: "notes-test" }))).Table?.TableStatus).toBe("ACTIVE");
    } finally {
      await local.close();
    }
  });

  test("a table an interrupted start left CREATING in the data folder is repaired and then served", async () => {
    // GIVEN a data folder whose table never finished CREATING (the server that created it is gone)
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "dynalite-stuck-"));
    const first = await serverCreatingTablesIn(1_000, folder);
    await first.client.send(new CreateTableCommand({ TableName: "notes-test", KeySchema: [{ AttributeName: "owner", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "owner", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" }));
    await first.close();
    // WHEN it is repaired before a new server opens the folder
    expect(await repairInterruptedTables(folder, ["notes-test", "absent"])).toEqual(["notes-test (CREATING)"]);
    // THEN the table is ACTIVE and takes writes
    const second = await serverCreatingTablesIn(0, folder);
    try {
      await ensureTablesFromTerraform(second.client, terraform, 1000);
      expect((await second.client.send(new DescribeTableCommand({ TableName: "notes-test" }))).Table?.TableStatus).toBe("ACTIVE");
      await second.client.send(new PutItemCommand({ TableName: "notes-test", Item: { owner: { S: "alice" } } }));
    } finally {
      await second.close();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

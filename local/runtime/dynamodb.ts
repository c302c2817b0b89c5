import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, type AttributeDefinition, type KeySchemaElement } from "@aws-sdk/client-dynamodb";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { resourcesOf, type TerraformJson } from "../stack/terraform-config";

// dynalite ships no types.
const dynalite = require("dynalite") as (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number; path?: string }) => import("node:http").Server;

/**
 * dynalite 4 ends a query's stream by calling `iterator.return()`, which abstract-level 3's
 * iterators do not have (they have `close()`): every query that stops before the end of its range
 * (a `Limit`, a page) left its iterator open, held by the database until shutdown, about 1.5 KB a
 * query. Giving the iterators the `return()` the stream expects closes them.
 */
function closeLevelIteratorsOnReturn(): void {
  const abstractLevel = require(require.resolve("abstract-level", { paths: [path.dirname(require.resolve("dynalite"))] })) as { AbstractValueIterator: { prototype: object } };
  const common = Object.getPrototypeOf(abstractLevel.AbstractValueIterator.prototype) as { return?: () => Promise<void>; close: () => Promise<void> };
  common.return ??= function (this: { close(): Promise<void> }) {
    return this.close();
  };
}
closeLevelIteratorsOnReturn();

export interface LocalDynamo {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_DYNAMODB`. */
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  close(): Promise<void>;
}

export interface LocalDynamoOptions {
  /** Folder that keeps the data between runs. @default - in memory */
  readonly path?: string;
  /** @default 0 - any free port */
  readonly port?: number;
}

/** What a function needs to reach the local server through the SDK's standard settings. */
export function localSdkEnvironment(endpoint: string, region: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
  };
}

/** A DynamoDB-compatible server (dynalite) on 127.0.0.1. */
export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: options.path });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  return {
    endpoint,
    client,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Creates every `aws_dynamodb_table` of a synthesized stack that does not exist yet, with its key schema. */
export async function createTablesFromTerraform(client: DynamoDBClient, tf: TerraformJson): Promise<string[]> {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  const created: string[] = [];
  for (const { config } of resourcesOf(tf, "aws_dynamodb_table")) {
    const tableName = String(config.name);
    if (existing.has(tableName)) continue;
    const keySchema: KeySchemaElement[] = [{ AttributeName: String(config.hash_key), KeyType: "HASH" }];
    if (config.range_key) keySchema.push({ AttributeName: String(config.range_key), KeyType: "RANGE" });
    const attributes = (config.attribute as Array<{ name: string; type: "S" | "N" | "B" }>).map(
      (attribute): AttributeDefinition => ({ AttributeName: attribute.name, AttributeType: attribute.type }),
    );
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: keySchema,
        AttributeDefinitions: attributes,
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    created.push(tableName);
  }
  return created;
}

/** Waits for every table of the stack to be ACTIVE, creating missing ones first. */
export async function ensureTablesFromTerraform(client: DynamoDBClient, tf: TerraformJson, waitMs = 5000): Promise<void> {
  await createTablesFromTerraform(client, tf);
  for (const { config } of resourcesOf(tf, "aws_dynamodb_table")) {
    const tableName = String(config.name);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const status = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus;
      if (status === "ACTIVE") break;
      if (Date.now() > deadline) throw new Error(`table ${tableName} is still ${status} after ${waitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

interface DynaliteStore {
  readonly db: { close(callback: (error?: Error) => void): void };
  readonly tableDb: {
    get(key: string, callback: (error: Error | null | undefined, value?: { TableStatus?: string }) => void): void;
    put(key: string, value: unknown, callback: (error?: Error) => void): void;
    del(key: string, callback: (error?: Error) => void): void;
  };
}

/**
 * A start killed while dynalite was creating, updating or deleting a table leaves it in that state
 * in the data folder for good: DynamoDB's API refuses to touch a CREATING table, and the timer that
 * would finish the change died with the process. Before the server opens the folder, such a table
 * is finished here through dynalite's own store: CREATING or UPDATING becomes ACTIVE (a table still
 * being created holds no items), an interrupted delete is completed. Returns what it repaired.
 */
export async function repairInterruptedTables(folder: string, tableNames: readonly string[]): Promise<string[]> {
  const store = (require("dynalite/db") as { create(options: { path: string }): DynaliteStore }).create({ path: folder });
  const call = <T>(operation: (callback: (error?: Error | null, value?: T) => void) => void) =>
    new Promise<T | undefined>((resolve, reject) => operation((error, value) => (error && (error as { code?: string }).code !== "LEVEL_NOT_FOUND" && !/NotFound/.test(error.name) ? reject(error) : resolve(error ? undefined : value))));
  const repaired: string[] = [];
  try {
    for (const name of tableNames) {
      const table = await call<{ TableStatus?: string }>((callback) => store.tableDb.get(name, callback));
      if (!table || table.TableStatus === "ACTIVE") continue;
      if (table.TableStatus === "DELETING") await call((callback) => store.tableDb.del(name, callback));
      else await call((callback) => store.tableDb.put(name, { ...table, TableStatus: "ACTIVE" }, callback));
      repaired.push(`${name} (${table.TableStatus})`);
    }
  } finally {
    await call((callback) => store.db.close(callback));
  }
  return repaired;
}

import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { randomUUID } from "node:crypto";
import type { NoteInput } from "./validation";

export interface Note {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NotePage {
  readonly items: Note[];
  readonly lastId?: string;
}

let documentClient: DynamoDBDocumentClient | undefined;

/** Created on first use so the SDK reads AWS_ENDPOINT_URL_DYNAMODB and the region as they are then. */
function client(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}));
  return documentClient;
}

function tableName(): string {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error("TABLE_NAME is not set");
  return name;
}

function toNote(item: Record<string, unknown>): Note {
  return {
    id: String(item.id),
    title: String(item.title),
    body: String(item.body),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string })?.name === "ConditionalCheckFailedException";
}

export async function createNote(owner: string, input: NoteInput, now = new Date()): Promise<Note> {
  const timestamp = now.toISOString();
  const note: Note = { id: randomUUID(), title: input.title, body: input.body, createdAt: timestamp, updatedAt: timestamp };
  await client().send(
    new PutCommand({
      TableName: tableName(),
      Item: { owner, ...note },
      ConditionExpression: "attribute_not_exists(id)",
    }),
  );
  return note;
}

export async function getNote(owner: string, id: string): Promise<Note | undefined> {
  const result = await client().send(new GetCommand({ TableName: tableName(), Key: { owner, id }, ConsistentRead: true }));
  return result.Item ? toNote(result.Item) : undefined;
}

export async function listNotes(owner: string, limit: number, afterId?: string): Promise<NotePage> {
  const result = await client().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: "#owner = :owner",
      ExpressionAttributeNames: { "#owner": "owner" },
      ExpressionAttributeValues: { ":owner": owner },
      Limit: limit,
      ExclusiveStartKey: afterId ? { owner, id: afterId } : undefined,
    }),
  );
  const lastKey = result.LastEvaluatedKey;
  return {
    items: (result.Items ?? []).map(toNote),
    lastId: lastKey && typeof lastKey.id === "string" ? lastKey.id : undefined,
  };
}

/** Only an existing note is updated: a deleted note is never brought back. */
export async function updateNote(owner: string, id: string, input: NoteInput, now = new Date()): Promise<Note | undefined> {
  try {
    const result = await client().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { owner, id },
        UpdateExpression: "SET #title = :title, #body = :body, updatedAt = :updatedAt",
        ConditionExpression: "attribute_exists(id)",
        ExpressionAttributeNames: { "#title": "title", "#body": "body" },
        ExpressionAttributeValues: { ":title": input.title, ":body": input.body, ":updatedAt": now.toISOString() },
        ReturnValues: "ALL_NEW",
      }),
    );
    return result.Attributes ? toNote(result.Attributes) : undefined;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

export async function deleteNote(owner: string, id: string): Promise<boolean> {
  try {
    await client().send(
      new DeleteCommand({ TableName: tableName(), Key: { owner, id }, ConditionExpression: "attribute_exists(id)" }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

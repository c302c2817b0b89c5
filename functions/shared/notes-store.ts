import { randomUUID } from "node:crypto";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { dynamoDb, DynamoDbError } from "./dynamodb";
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

type AttributeMap = Record<string, AttributeValue>;

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
  return error instanceof DynamoDbError && error.code === "ConditionalCheckFailedException";
}

export async function createNote(owner: string, input: NoteInput, now = new Date()): Promise<Note> {
  const timestamp = now.toISOString();
  const note: Note = { id: randomUUID(), title: input.title, body: input.body, createdAt: timestamp, updatedAt: timestamp };
  await dynamoDb("PutItem", {
    TableName: tableName(),
    Item: marshall({ owner, ...note }),
    ConditionExpression: "attribute_not_exists(id)",
  });
  return note;
}

export async function getNote(owner: string, id: string): Promise<Note | undefined> {
  const result = await dynamoDb<{ Item?: AttributeMap }>("GetItem", { TableName: tableName(), Key: marshall({ owner, id }), ConsistentRead: true });
  return result.Item ? toNote(unmarshall(result.Item)) : undefined;
}

export async function listNotes(owner: string, limit: number, afterId?: string): Promise<NotePage> {
  const result = await dynamoDb<{ Items?: AttributeMap[]; LastEvaluatedKey?: AttributeMap }>("Query", {
    TableName: tableName(),
    KeyConditionExpression: "#owner = :owner",
    ExpressionAttributeNames: { "#owner": "owner" },
    ExpressionAttributeValues: marshall({ ":owner": owner }),
    Limit: limit,
    ...(afterId ? { ExclusiveStartKey: marshall({ owner, id: afterId }) } : {}),
  });
  const lastKey = result.LastEvaluatedKey ? unmarshall(result.LastEvaluatedKey) : undefined;
  return {
    items: (result.Items ?? []).map((item) => toNote(unmarshall(item))),
    lastId: lastKey && typeof lastKey.id === "string" ? lastKey.id : undefined,
  };
}

/** Only an existing note is updated: a deleted note is never brought back. */
export async function updateNote(owner: string, id: string, input: NoteInput, now = new Date()): Promise<Note | undefined> {
  try {
    const result = await dynamoDb<{ Attributes?: AttributeMap }>("UpdateItem", {
      TableName: tableName(),
      Key: marshall({ owner, id }),
      UpdateExpression: "SET #title = :title, #body = :body, updatedAt = :updatedAt",
      ConditionExpression: "attribute_exists(id)",
      ExpressionAttributeNames: { "#title": "title", "#body": "body" },
      ExpressionAttributeValues: marshall({ ":title": input.title, ":body": input.body, ":updatedAt": now.toISOString() }),
      ReturnValues: "ALL_NEW",
    });
    return result.Attributes ? toNote(unmarshall(result.Attributes)) : undefined;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

export async function deleteNote(owner: string, id: string): Promise<boolean> {
  try {
    await dynamoDb("DeleteItem", { TableName: tableName(), Key: marshall({ owner, id }), ConditionExpression: "attribute_exists(id)" });
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

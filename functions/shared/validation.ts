import type { APIGatewayProxyEvent } from "aws-lambda";
import * as v from "valibot";
import type { Caller } from "./claims";
import { headerValue, HttpError, queryParam } from "./http";

export const TITLE_MAX = 200;
export const BODY_MAX = 10_000;
export const LIMIT_DEFAULT = 20;
export const LIMIT_MAX = 100;

/** A note id, and a user's `sub`: a UUID. */
export const Uuid = v.pipe(v.string(), v.maxLength(36), v.uuid());

/**
 * A string of at most `max` Unicode code points: what JSON Schema's `maxLength` counts, so the
 * OpenAPI document and the handler agree (valibot's `maxLength` counts UTF-16 units, in which an
 * emoji is two). The document's converter reads `maxCodePoints`.
 */
export function maxCodePoints(max: number, message: string) {
  const action = v.rawCheck<string>(({ dataset, addIssue }) => {
    if (dataset.typed && [...dataset.value].length > max) addIssue({ message });
  });
  return Object.assign(action, { maxCodePoints: max });
}

/** The body of POST /notes and PUT /notes/{id}. */
export const NoteInput = v.strictObject(
  {
    title: v.pipe(
      v.string("title must be a string"),
      v.minLength(1, "title must not be empty"),
      maxCodePoints(TITLE_MAX, `title must be at most ${TITLE_MAX} characters`),
      v.check((title) => title.trim() !== "", "title must not be blank"),
    ),
    body: v.optional(
      v.pipe(v.string("body must be a string"), maxCodePoints(BODY_MAX, `body must be at most ${BODY_MAX} characters`)),
      "",
    ),
  },
  (issue) => `unknown field '${String(issue.input)}'`,
);

export type NoteInput = v.InferOutput<typeof NoteInput>;

/** `?limit=`: a whole number from 1 to LIMIT_MAX, as query text. */
export const Limit = v.pipe(
  v.string(),
  v.regex(/^\d{1,3}$/),
  v.transform(Number),
  v.number(),
  v.integer(),
  v.minValue(1),
  v.maxValue(LIMIT_MAX),
);

/** `?cursor=`: the `nextCursor` of the previous page, base64url text (a note id's is about 60 characters). */
export const CURSOR_MAX = 256;
export const CursorText = v.pipe(v.string(), v.maxLength(CURSOR_MAX), v.regex(/^[A-Za-z0-9_-]+$/));
const Cursor = v.object({ id: Uuid });

function firstIssue(issues: readonly v.BaseIssue<unknown>[]): string {
  const [issue] = issues;
  if (!issue) return "invalid input";
  if (issue.expected === "never" && issue.type === "strict_object") return issue.message;
  const field = v.getDotPath(issue);
  if (issue.type === "object" && field === null) return "body must be a JSON object";
  if (field && issue.type === "strict_object") return `${field} is required`;
  return issue.message;
}

/** JSON bodies only, as the document says: another declared type is 415; a body without a Content-Type is read as JSON. */
function checkJsonContentType(event: APIGatewayProxyEvent): void {
  const declared = headerValue(event, "content-type");
  if (declared === undefined) return;
  const mediaType = declared.split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "application/json" && !/^application\/[\w.+-]+\+json$/.test(mediaType)) throw new HttpError(415, `Content-Type must be application/json, got ${mediaType}`);
}

export function parseNoteInput(event: APIGatewayProxyEvent): NoteInput {
  checkJsonContentType(event);
  if (event.body === null || event.body === undefined || event.body === "") throw new HttpError(400, "body is required");
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpError(400, "body is not valid JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new HttpError(400, "body must be a JSON object");
  }
  const result = v.safeParse(NoteInput, parsed);
  if (!result.success) throw new HttpError(400, firstIssue(result.issues));
  return result.output;
}

export function isNoteId(value: string | undefined): value is string {
  return value !== undefined && v.is(Uuid, value);
}

export function parseLimit(event: APIGatewayProxyEvent): number {
  const raw = queryParam(event, "limit");
  if (raw === undefined) return LIMIT_DEFAULT;
  const result = v.safeParse(Limit, raw);
  if (!result.success) throw new HttpError(400, `limit must be a whole number from 1 to ${LIMIT_MAX}`);
  return result.output;
}

/** Cursors are opaque to clients: base64url JSON of the last key's note id. */
export function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ id }), "utf8").toString("base64url");
}

export function parseCursor(event: APIGatewayProxyEvent): string | undefined {
  const raw = queryParam(event, "cursor");
  if (raw === undefined) return undefined;
  try {
    const result = v.safeParse(Cursor, JSON.parse(Buffer.from(v.parse(CursorText, raw), "base64url").toString("utf8")));
    if (result.success) return result.output.id;
  } catch {
    // falls through to the 400 below
  }
  throw new HttpError(400, "cursor is not valid");
}

/**
 * Whose notes a read is about: a user reads their own; a machine token has no notes of its own
 * and must name the owner with `?owner=<sub>`.
 */
export function ownerFor(caller: Caller, event: APIGatewayProxyEvent): string {
  const requested = queryParam(event, "owner");
  if (!caller.isMachine) {
    if (requested !== undefined && requested !== caller.sub) throw new HttpError(403, "owner must be the caller's own sub");
    return caller.sub;
  }
  if (requested === undefined) throw new HttpError(400, "owner is required with a machine token");
  if (!v.is(Uuid, requested)) throw new HttpError(400, "owner must be a user's sub (a UUID)");
  return requested;
}

import * as v from "valibot";
import { CursorText, Limit, LIMIT_MAX, NoteInput, Uuid } from "./shared/validation";

/**
 * What each handler takes and answers, as valibot schemas: the source of the OpenAPI document
 * (synth converts them with @valibot/to-json-schema) and of the contract tests, which check every
 * answer of the end-to-end suite against the document. Input schemas are the ones the handlers
 * parse with (`shared/validation.ts`); output schemas describe what they send.
 */

const Timestamp = v.pipe(v.string(), v.isoTimestamp());

export const Note = v.strictObject({ id: Uuid, title: v.string(), body: v.string(), createdAt: Timestamp, updatedAt: Timestamp });
export const NotePage = v.strictObject({
  items: v.pipe(v.array(Note), v.maxLength(LIMIT_MAX)),
  nextCursor: v.optional(v.pipe(CursorText, v.description("Pass as ?cursor= for the next page; absent on the last page."))),
});
export const Caller = v.strictObject({
  sub: v.string(),
  username: v.optional(v.string()),
  clientId: v.string(),
  scopes: v.array(v.string()),
  tokenUse: v.picklist(["access", "id"]),
});
export const Health = v.strictObject({ status: v.literal("ok") });
/** Every error, from a handler or from API Gateway's gateway responses. */
export const ErrorBody = v.strictObject({ message: v.string() });

/** Schemas the document names under `components.schemas` (and a generated client names as types). */
export const NAMED_SCHEMAS: Readonly<Record<string, v.GenericSchema>> = { Note, NotePage, NoteInput, Caller, Health, Error: ErrorBody };

export interface HandlerContract {
  readonly summary: string;
  readonly description?: string;
  readonly pathParameters?: Readonly<Record<string, { readonly schema: v.GenericSchema; readonly description: string }>>;
  readonly query?: Readonly<Record<string, { readonly schema: v.GenericSchema; readonly description: string }>>;
  /** The JSON request body, when the handler reads one. */
  readonly body?: v.GenericSchema;
  /** The answer when all goes well; no schema for an empty body. */
  readonly success: { readonly status: 200 | 201 | 204; readonly description: string; readonly schema?: v.GenericSchema };
  /** The handler's own error answers and when they happen; all carry `{message}`. */
  readonly errors: Readonly<Partial<Record<400 | 403 | 404 | 415, string>>>;
}

const noteId = { id: { schema: Uuid, description: "The note's id." } };
const owner = { schema: Uuid, description: "With a machine token: the sub of the user whose notes to read (required). A user reads their own." };
const machineRead = { 400: "a machine token without a valid ?owner=", 403: "a user naming another owner, or a token without the route's scope" };

/** One contract per handler module of the route table; the guard refuses a route without one. */
export const HANDLER_CONTRACTS: Readonly<Record<string, HandlerContract>> = {
  health: { summary: "Uptime check", success: { status: 200, description: "The API answers.", schema: Health }, errors: {} },
  me: {
    summary: "Describe the caller's token",
    description: "What the handler received from the authorizer: subject, client, scopes and token use.",
    success: { status: 200, description: "The caller.", schema: Caller },
    errors: { 403: "a token without the route's scope" },
  },
  "notes/list": {
    summary: "List notes",
    description: "The caller's notes (a machine names the owner), a page at a time.",
    query: {
      limit: { schema: Limit, description: "Notes per page." },
      cursor: { schema: CursorText, description: "The previous page's nextCursor." },
      owner,
    },
    success: { status: 200, description: "A page of notes.", schema: NotePage },
    errors: { ...machineRead, 400: "a bad limit or cursor, or a machine token without a valid ?owner=" },
  },
  "notes/create": {
    summary: "Create a note",
    body: NoteInput,
    success: { status: 201, description: "The note as stored.", schema: Note },
    errors: { 400: "a body that is not a valid note", 403: "a machine token (notes belong to users), or a token without the route's scope", 415: "a Content-Type other than application/json" },
  },
  "notes/get": {
    summary: "Read a note",
    pathParameters: noteId,
    query: { owner },
    success: { status: 200, description: "The note.", schema: Note },
    errors: { ...machineRead, 404: "no such note for this owner (another user's note is 404 too)" },
  },
  "notes/update": {
    summary: "Change a note",
    pathParameters: noteId,
    body: NoteInput,
    success: { status: 200, description: "The note as stored.", schema: Note },
    errors: { 400: "a body that is not a valid note", 403: "a machine token, or a token without the route's scope", 404: "no such note of the caller's", 415: "a Content-Type other than application/json" },
  },
  "notes/delete": {
    summary: "Delete a note",
    pathParameters: noteId,
    success: { status: 204, description: "Deleted; no body." },
    errors: { 403: "a machine token, or a token without the route's scope", 404: "no such note of the caller's" },
  },
};

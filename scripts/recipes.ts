import * as fs from "node:fs";
import * as path from "node:path";

/** One edit of a recipe: in `file`, `find` becomes `replace` (exactly once), or a new file. */
export interface RecipeEdit {
  readonly file: string;
  readonly find?: string;
  readonly replace: string;
}

/**
 * The README's recipe "add a scope and a route that requires it", as edits: a `notes.share` scope
 * the web client may ask for and the editors group grants, and `POST /notes/{id}/share` with its
 * own handler.
 */
export const addScopeAndRoute: readonly RecipeEdit[] = [
  {
    file: "stacks/auth/clients.ts",
    find: `  { name: "notes.write", description: "Create, change and delete notes" },\n`,
    replace: `  { name: "notes.write", description: "Create, change and delete notes" },\n  { name: "notes.share", description: "Share notes with other users" },\n`,
  },
  {
    file: "stacks/auth/clients.ts",
    find: `scopes: ["openid", "email", "notes.read", "notes.write"],`,
    replace: `scopes: ["openid", "email", "notes.read", "notes.write", "notes.share"],`,
  },
  {
    file: "stacks/auth/groups.ts",
    find: `scopes: ["notes.read", "notes.write"], precedence: 10 },`,
    replace: `scopes: ["notes.read", "notes.write", "notes.share"], precedence: 10 },`,
  },
  {
    file: "stacks/api/routes.ts",
    find: `  { method: "DELETE", path: "/notes/{id}", handler: "notes/delete", scopes: ["notes.write"], tableActions: ["dynamodb:DeleteItem"] },\n`,
    replace:
      `  { method: "DELETE", path: "/notes/{id}", handler: "notes/delete", scopes: ["notes.write"], tableActions: ["dynamodb:DeleteItem"] },\n` +
      `  { method: "POST", path: "/notes/{id}/share", handler: "notes/share", scopes: ["notes.share"], tableActions: ["dynamodb:GetItem"] },\n`,
  },
  {
    file: "functions/contracts.ts",
    find: `  "notes/delete": {`,
    replace: `  "notes/share": {
    summary: "Share a note",
    pathParameters: noteId,
    success: { status: 200, description: "The note is shared.", schema: v.strictObject({ id: Uuid, shared: v.literal(true) }) },
    errors: { 403: "a machine token, or a token without the route's scope", 404: "no such note of the caller's" },
  },
  "notes/delete": {`,
  },
  {
    file: "functions/notes/share.ts",
    replace: `import { scopedHandler } from "../shared/handler";
import { errorResponse, json, pathParam } from "../shared/http";
import { getNote } from "../shared/notes-store";
import { isNoteId, ownerFor } from "../shared/validation";

export const handler = scopedHandler(async (event, caller) => {
  const id = pathParam(event, "id");
  const note = isNoteId(id) ? await getNote(ownerFor(caller, event), id) : undefined;
  return note ? json(event, 200, { id: note.id, shared: true }) : errorResponse(event, 404, "note not found");
});
`,
  },
];

export function applyRecipe(root: string, edits: readonly RecipeEdit[]): void {
  for (const edit of edits) {
    const file = path.join(root, edit.file);
    if (edit.find === undefined) {
      fs.writeFileSync(file, edit.replace);
      continue;
    }
    const text = fs.readFileSync(file, "utf8");
    const at = text.indexOf(edit.find);
    if (at < 0 || text.indexOf(edit.find, at + 1) >= 0) throw new Error(`${edit.file}: expected exactly one '${edit.find.trim()}'`);
    fs.writeFileSync(file, text.replace(edit.find, edit.replace));
  }
}

import { requireUser, scopedHandler } from "../shared/handler";
import { errorResponse, json, pathParam } from "../shared/http";
import { deleteNote } from "../shared/notes-store";
import { isNoteId } from "../shared/validation";

export const handler = scopedHandler(async (event, caller) => {
  requireUser(caller);
  const id = pathParam(event, "id");
  const deleted = isNoteId(id) && (await deleteNote(caller.sub, id));
  return deleted ? json(event, 204) : errorResponse(event, 404, "note not found");
});

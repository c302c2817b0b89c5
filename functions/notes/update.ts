import { requireUser, scopedHandler } from "../shared/handler";
import { errorResponse, json, pathParam } from "../shared/http";
import { updateNote } from "../shared/notes-store";
import { isNoteId, parseNoteInput } from "../shared/validation";

export const handler = scopedHandler(async (event, caller) => {
  requireUser(caller);
  const input = parseNoteInput(event);
  const id = pathParam(event, "id");
  const note = isNoteId(id) ? await updateNote(caller.sub, id, input) : undefined;
  return note ? json(event, 200, note) : errorResponse(event, 404, "note not found");
});

import { scopedHandler } from "../shared/handler";
import { errorResponse, json, pathParam } from "../shared/http";
import { getNote } from "../shared/notes-store";
import { isNoteId, ownerFor } from "../shared/validation";

export const handler = scopedHandler(async (event, caller) => {
  const owner = ownerFor(caller, event);
  const id = pathParam(event, "id");
  // Another owner's note is 404 too: its existence is nobody else's business.
  const note = isNoteId(id) ? await getNote(owner, id) : undefined;
  return note ? json(event, 200, note) : errorResponse(event, 404, "note not found");
});

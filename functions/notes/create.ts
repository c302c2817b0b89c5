import { requireUser, scopedHandler } from "../shared/handler";
import { json } from "../shared/http";
import { createNote } from "../shared/notes-store";
import { parseNoteInput } from "../shared/validation";

export const handler = scopedHandler(async (event, caller) => {
  requireUser(caller);
  const note = await createNote(caller.sub, parseNoteInput(event));
  return json(event, 201, note);
});

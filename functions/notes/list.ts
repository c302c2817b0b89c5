import { scopedHandler } from "../shared/handler";
import { json } from "../shared/http";
import { listNotes } from "../shared/notes-store";
import { encodeCursor, ownerFor, parseCursor, parseLimit } from "../shared/validation";

export const handler = scopedHandler(async (event, caller) => {
  const owner = ownerFor(caller, event);
  const page = await listNotes(owner, parseLimit(event), parseCursor(event));
  return json(event, 200, {
    items: page.items,
    ...(page.lastId === undefined ? {} : { nextCursor: encodeCursor(page.lastId) }),
  });
});

import { scopedHandler } from "./shared/handler";
import { json } from "./shared/http";

export const handler = scopedHandler(async (event, caller) =>
  json(event, 200, {
    sub: caller.sub,
    ...(caller.username === undefined ? {} : { username: caller.username }),
    clientId: caller.clientId,
    scopes: caller.scopes,
    tokenUse: caller.tokenUse,
  }),
);

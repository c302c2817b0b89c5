import { publicHandler } from "./shared/handler";
import { json } from "./shared/http";

export const handler = publicHandler(async (event) => json(event, 200, { status: "ok" }));

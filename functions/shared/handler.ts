import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { callerFrom, type Caller } from "./claims";
import { errorResponse, HttpError } from "./http";

export type ApiHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
type ScopedImplementation = (event: APIGatewayProxyEvent, caller: Caller) => Promise<APIGatewayProxyResult>;

async function answering(event: APIGatewayProxyEvent, run: () => Promise<APIGatewayProxyResult>) {
  try {
    return await run();
  } catch (error) {
    if (error instanceof HttpError) return errorResponse(event, error.statusCode, error.message);
    console.error(JSON.stringify({ message: "unhandled error", error: String(error), requestId: event.requestContext?.requestId }));
    return errorResponse(event, 500, "internal error");
  }
}

export function publicHandler(run: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>): ApiHandler {
  return (event) => answering(event, () => run(event));
}

/** Runs `run` for a caller the authorizer let through, once `admit` has not refused them. */
function callerHandler(run: ScopedImplementation, admit: (caller: Caller) => void): ApiHandler {
  return (event) =>
    answering(event, async () => {
      const caller = callerFrom(event);
      if (!caller) throw new HttpError(401, "unauthorized");
      admit(caller);
      return run(event, caller);
    });
}

/**
 * Defense in depth: the gateway already checked the token, but a handler behind a misconfigured
 * method must still refuse ID tokens and tokens without its scope. Fails closed when the
 * deployment did not tell it which scopes it needs.
 */
export function scopedHandler(run: ScopedImplementation, requiredScopes = process.env.REQUIRED_SCOPES): ApiHandler {
  const accepted = (requiredScopes ?? "").split(" ").filter((scope) => scope !== "");
  return callerHandler(run, (caller) => {
    if (caller.tokenUse !== "access") throw new HttpError(403, "an access token is required");
    if (accepted.length === 0) {
      console.error(JSON.stringify({ message: "REQUIRED_SCOPES is not set: refusing every call" }));
      throw new HttpError(403, "insufficient scope");
    }
    if (!accepted.some((scope) => caller.scopes.includes(scope))) throw new HttpError(403, "insufficient scope");
  });
}

/**
 * For a route that opted into ID tokens (`acceptIdToken` in the route table): only an ID token
 * issued to one of the pool's sign-in clients passes; fails closed without the audiences.
 */
export function idTokenHandler(run: ScopedImplementation, audiences = process.env.ID_TOKEN_AUDIENCES): ApiHandler {
  const accepted = (audiences ?? "").split(",").filter((audience) => audience !== "");
  return callerHandler(run, (caller) => {
    if (caller.tokenUse !== "id") throw new HttpError(403, "an ID token is required");
    if (!caller.clientId || !accepted.includes(caller.clientId)) throw new HttpError(403, "the token was issued to another client");
  });
}

/** Writes belong to a user: a machine (client_credentials) token may only read. */
export function requireUser(caller: Caller): void {
  if (caller.isMachine) throw new HttpError(403, "a user token is required to change notes");
}

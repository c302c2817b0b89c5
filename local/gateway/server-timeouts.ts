import type * as http from "node:http";

/** How long an idle keep-alive connection stays open: a minute and 5 s, as AWS load balancers keep one a minute. */
export const KEEP_ALIVE_SECONDS = 65;

/**
 * The local servers' connection timeouts, chosen so that the client always closes an idle
 * connection first. undici's fetch closes one a second before the server's Keep-Alive hint says;
 * with Node's default hint of 5 s, a client in the same process as the server (the tests, the
 * benchmarks) whose event loop stalls for a second (a heap snapshot, a loaded machine) can send its
 * next request on a socket the server has just closed, and get ECONNRESET. At 65 s no stall is that long.
 */
export function applyServerTimeouts(server: http.Server): void {
  server.keepAliveTimeout = KEEP_ALIVE_SECONDS * 1000;
  // A client gets 20 s to send its headers, then 408: a stalled connection does not hold a socket for Node's default minute.
  server.headersTimeout = 20_000;
}

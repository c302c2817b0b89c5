import type * as http from "node:http";

const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Whether a request names this machine in its `Host` header. The local servers listen on 127.0.0.1
 * only, but a web page can point a name it controls at 127.0.0.1 (DNS rebinding) and reach them
 * with its own name in `Host`: answering only loopback names closes that.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0]!;
  return LOOPBACK_NAMES.has(name.toLowerCase());
}

/** Answers 403 to a request for another name; true when it did. */
export function refuseForeignHost(request: http.IncomingMessage, response: http.ServerResponse): boolean {
  if (isLoopbackHost(request.headers.host)) return false;
  response.writeHead(403, { "Content-Type": "text/plain; charset=utf-8" }).end("this local server answers to 127.0.0.1, localhost and [::1] only\n");
  return true;
}

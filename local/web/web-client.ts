import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { PROJECT_ROOT } from "../../stacks/paths";
import { expectedError } from "../cli/command-line";
import { refuseForeignHost } from "../gateway/loopback-host";
import { applyServerTimeouts } from "../gateway/server-timeouts";
import type { LocalClientCredentials } from "../cognito/hosted-ui";
import { browserClient } from "../stack/stack-model";

const WEB_DIR = path.join(PROJECT_ROOT, "web");
const SWAGGER_UI_DIR = path.dirname(require.resolve("swagger-ui-dist/package.json"));
/** swagger-ui-dist's files the docs page loads, and their types. */
const SWAGGER_UI_FILES: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "oauth2-redirect.html": "text/html; charset=utf-8",
  "oauth2-redirect.js": "text/javascript; charset=utf-8",
};
/** Where Swagger UI's "Authorize" returns with the code: one of the web client's callback URLs (environments.ts). */
export const DOCS_REDIRECT_PATH = "/docs/oauth2-redirect.html";

const DOCS_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>API docs</title>
<meta name="viewport" content="width=device-width"><link rel="stylesheet" href="swagger-ui.css"></head>
<body><div id="docs"></div><script src="swagger-ui-bundle.js"></script><script src="init.js"></script></body></html>`;

/** Swagger UI on the stack's document; "Authorize" signs in with the web client, code + PKCE, on the stack's hosted UI. */
const DOCS_SCRIPT = `fetch("/config.json").then((response) => response.json()).then((config) => {
  const ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#docs",
    oauth2RedirectUrl: location.origin + "${DOCS_REDIRECT_PATH}",
    deepLinking: true,
    // Swagger UI adds X-Requested-With to the token request; the hosted UI's CORS does not allow it, and it means nothing there.
    requestInterceptor: (request) => {
      if (request.url.endsWith("/oauth2/token")) delete request.headers["X-Requested-With"];
      return request;
    },
  });
  ui.initOAuth({ clientId: config.clientId, usePkceWithAuthorizationCodeGrant: true, scopes: config.scopes.join(" ") });
  window.ui = ui;
});
`;

/** The browser client's settings, the same shape for the local stack and a deployed one. */
export interface WebClientConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly apiUrl: string;
  readonly scopes: readonly string[];
  readonly logoutEndpoint: string;
}

/** `web/app.ts` with oidc-client-ts, bundled for the browser by esbuild. */
export function buildWebApp(): string {
  const result = buildSync({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [path.join(WEB_DIR, "app.ts")],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
    legalComments: "none",
  });
  return Buffer.from(result.outputFiles[0]!.contents).toString("utf8");
}

/**
 * Serves the browser client on 127.0.0.1 (`/`, `/callback`, `/app.js`, `/config.json`): the page
 * the web app client's callback URL `http://localhost:5173/callback` points at; and the API's
 * docs (`/docs/`, Swagger UI from swagger-ui-dist) on its OpenAPI document (`/openapi.json`).
 */
export class LocalWebClient {
  private server?: http.Server;

  constructor(
    private readonly config: () => WebClientConfig,
    /** The OpenAPI document pointed at the API this client calls. */
    private readonly openApi: () => string,
  ) {}

  get url(): string {
    return `http://localhost:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(port: number): Promise<void> {
    const script = buildWebApp();
    const page = fs.readFileSync(path.join(WEB_DIR, "index.html"), "utf8");
    this.server = http.createServer((request, response) => {
      if (refuseForeignHost(request, response)) return;
      const pathname = new URL(request.url ?? "/", "http://localhost").pathname;
      const send = (status: number, type: string, body: string) => {
        response.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" });
        response.end(body);
      };
      if (pathname === "/" || pathname === "/callback") return send(200, "text/html; charset=utf-8", page);
      if (pathname === "/app.js") return send(200, "text/javascript; charset=utf-8", script);
      if (pathname === "/config.json") return send(200, "application/json", JSON.stringify(this.config()));
      if (pathname === "/openapi.json") {
        let document: string;
        try {
          document = this.openApi();
        } catch (error) {
          return send(404, "text/plain", (error as Error).message);
        }
        return send(200, "application/json", document);
      }
      if (pathname === "/docs") {
        response.writeHead(301, { Location: "/docs/" });
        return response.end();
      }
      if (pathname === "/docs/") return send(200, "text/html; charset=utf-8", DOCS_PAGE);
      if (pathname === "/docs/init.js") return send(200, "text/javascript; charset=utf-8", DOCS_SCRIPT);
      const asset = pathname.startsWith("/docs/") ? pathname.slice("/docs/".length) : undefined;
      if (asset !== undefined && Object.hasOwn(SWAGGER_UI_FILES, asset)) return send(200, SWAGGER_UI_FILES[asset]!, fs.readFileSync(path.join(SWAGGER_UI_DIR, asset), "utf8"));
      return send(404, "text/plain", "not found");
    });
    applyServerTimeouts(this.server);
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", (error: NodeJS.ErrnoException) =>
        reject(error.code === "EADDRINUSE" ? expectedError(`port ${port} is in use: the web client's callback URL needs it (--web-port 0 turns the web client off)`) : error),
      );
      this.server!.listen(port, "127.0.0.1", () => resolve());
    });
  }

  async stop(): Promise<void> {
    if (!this.server?.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

/** The local stack's settings for the browser client: its web client, issuer and API. */
export function localWebConfig(gateway: { url: string; apiUrl: string; issuer: { issuer: string }; clients: readonly LocalClientCredentials[] }): WebClientConfig {
  const web = browserClient(gateway.clients);
  if (!web) throw expectedError("the stack has no public client with the code flow for the browser client");
  return { issuer: gateway.issuer.issuer, clientId: web.clientId, apiUrl: gateway.apiUrl, scopes: web.scopes, logoutEndpoint: `${gateway.url}/logout` };
}

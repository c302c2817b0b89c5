import * as fs from "node:fs";

/** Where a served copy of the document points: the API's stage URL and the hosted UI (its `/oauth2/...` endpoints). */
export interface OpenApiTarget {
  readonly apiUrl: string;
  readonly hostedUi: string;
  readonly description: string;
}

interface OpenApiShape {
  servers?: unknown;
  components?: { securitySchemes?: Record<string, { flows?: Record<string, Record<string, unknown>> }> };
}

/**
 * The stack's OpenAPI document as synth wrote it (a placeholder for the API id, the Cognito domain
 * from the config), pointed at one running API: the local gateway, or a deployed stack.
 */
export function openApiFor(documentFile: string, target: OpenApiTarget): string {
  if (!fs.existsSync(documentFile)) throw new Error(`no OpenAPI document at ${documentFile}: run npm run synth`);
  const document = JSON.parse(fs.readFileSync(documentFile, "utf8")) as OpenApiShape;
  document.servers = [{ url: target.apiUrl, description: target.description }];
  for (const scheme of Object.values(document.components?.securitySchemes ?? {})) {
    for (const flow of Object.values(scheme.flows ?? {})) {
      if ("authorizationUrl" in flow) flow.authorizationUrl = `${target.hostedUi}/oauth2/authorize`;
      for (const field of ["tokenUrl", "refreshUrl"]) if (field in flow) flow[field] = `${target.hostedUi}/oauth2/token`;
    }
  }
  return JSON.stringify(document, null, 2) + "\n";
}

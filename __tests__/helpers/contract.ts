import * as fs from "node:fs";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { ApiExchange } from "../../local/gateway/local-gateway";

type Json = Record<string, any>;

/** `#/paths/~1notes~1%7Bid%7D/...`: a JSON pointer as a URI fragment. */
const pointer = (...parts: string[]) => "#/" + parts.map((part) => encodeURIComponent(part.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/");

/**
 * ajv for JSON Schema 2020-12 (OpenAPI 3.1's dialect) with formats, holding the document as
 * `openapi.json`, so `openapi.json#/...` names any schema in it. `strict: false` because the
 * document is OpenAPI around JSON Schemas (paths, info ... are not keywords).
 */
export function openApiAjv(document: Json): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, "openapi.json");
  return ajv;
}

/**
 * Checks answers of the API against its OpenAPI document with ajv (JSON Schema 2020-12, the
 * dialect of OpenAPI 3.1): the status must be documented for the operation, the body must match
 * the schema documented for that status, and documented headers marked required must be present.
 */
export class ContractChecker {
  readonly failures: string[] = [];
  readonly checked = new Map<string, number>();
  private readonly ajv: Ajv2020;
  private readonly document: Json;

  constructor(documentFile: string) {
    this.document = JSON.parse(fs.readFileSync(documentFile, "utf8"));
    this.ajv = openApiAjv(this.document);
  }

  /** The response object, with a `$ref` to `components.responses` followed. */
  private response(operation: Json, status: number): { response: Json; at: string[] } | undefined {
    const entry = operation.responses?.[String(status)];
    if (!entry) return undefined;
    if (entry.$ref) {
      const name = String(entry.$ref).split("/").pop()!;
      return { response: this.document.components.responses[name], at: ["components", "responses", name] };
    }
    return { response: entry, at: [] };
  }

  private validate(label: string, schemaPointer: string, body: string): void {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      this.failures.push(`${label}: body is not JSON: ${body.slice(0, 80)}`);
      return;
    }
    const validator = this.ajv.getSchema(`openapi.json${schemaPointer}`);
    if (!validator) throw new Error(`no schema at ${schemaPointer}`);
    if (!validator(value)) this.failures.push(`${label}: ${this.ajv.errorsText(validator.errors)} in ${body.slice(0, 120)}`);
  }

  check(exchange: ApiExchange): void {
    if (exchange.method === "OPTIONS") return; // CORS preflights are API Gateway's own, not operations
    const label = `${exchange.method} ${exchange.resourcePath ?? "(no route)"} ${exchange.status}`;
    this.checked.set(label, (this.checked.get(label) ?? 0) + 1);
    if (exchange.resourcePath === undefined) return this.validate(label, pointer("components", "schemas", "Error"), exchange.body);
    const method = exchange.method.toLowerCase();
    const operation = this.document.paths?.[exchange.resourcePath]?.[method];
    if (!operation) return void this.failures.push(`${label}: no operation in the document`);
    const found = this.response(operation, exchange.status);
    if (!found) return void this.failures.push(`${label}: status not documented (documented: ${Object.keys(operation.responses).join(", ")})`);
    const { response, at } = found;
    const base = at.length ? at : ["paths", exchange.resourcePath, method, "responses", String(exchange.status)];
    for (const [name, header] of Object.entries<Json>(response.headers ?? {})) {
      if (header.required === true && !Object.keys(exchange.headers).some((header) => header.toLowerCase() === name.toLowerCase())) this.failures.push(`${label}: documented header ${name} missing`);
    }
    if (!response.content) {
      if (exchange.body !== "") this.failures.push(`${label}: documented without a body, got ${exchange.body.slice(0, 80)}`);
      return;
    }
    this.validate(label, pointer(...base, "content", "application/json", "schema"), exchange.body);
  }
}

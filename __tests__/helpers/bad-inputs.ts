import { randomUUID } from "node:crypto";

// The malformed inputs the handler tests send; the contract tests check the OpenAPI request schemas refuse them too.

/** Request bodies a handler must refuse (or take) without a 5xx. */
export const BAD_BODIES: Array<string | null> = [
  null,
  "",
  " ",
  "{",
  "null",
  "true",
  "42",
  '"a string"',
  "[]",
  "{}",
  '{"title":null}',
  '{"title":{"nested":true}}',
  '{"title":"' + "x".repeat(100_000) + '"}',
  '{"title":"\\u0000\\ud800"}',
  '{"__proto__":{"polluted":true},"title":"t"}',
  '{"constructor":{"prototype":{}},"title":"t"}',
  '{"title":"   "}',
  '{"title":"t","body":' + "[".repeat(5000) + "]".repeat(5000) + "}",
  Buffer.from([0xff, 0xfe, 0x00]).toString("latin1"),
];
/** Path ids that are no note id, or no note. */
export const BAD_IDS = ["", "%", "..", "x".repeat(3000), "{id}", randomUUID().toUpperCase(), "00000000-0000-0000-0000-000000000000"];
/** Query strings of GET /notes that are not what the handlers take. */
export const BAD_QUERIES: Array<Record<string, string>> = [
  { limit: "" },
  { limit: "1e3" },
  { limit: "9".repeat(400) },
  { cursor: "" },
  { cursor: "%%%" },
  { cursor: Buffer.from('{"id":' + "1".repeat(500) + "}").toString("base64url") },
  { owner: "" },
  { owner: "x".repeat(5000) },
];


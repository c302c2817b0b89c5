// A typed client from the API's OpenAPI document, with openapi-typescript and openapi-fetch:
//   npx openapi-typescript cdktf.out/stacks/dev/openapi.json -o examples/notes-api.d.ts
// Paths, parameters, bodies and answers are checked by the compiler against the document.
import createClient from "openapi-fetch";
import type { paths } from "./notes-api";

/** Creates a note and lists the first page, with a user's access token (scopes notes.read and notes.write). */
export async function createAndList(baseUrl: string, accessToken: string) {
  const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${accessToken}` } });
  const created = await api.POST("/notes", { body: { title: "From the typed client", body: "generated from openapi.json" } });
  if (created.error) throw new Error(`POST /notes: ${created.error.message}`);
  const page = await api.GET("/notes", { params: { query: { limit: 10 } } });
  if (page.error) throw new Error(`GET /notes: ${page.error.message}`);
  return { created: created.data, titles: page.data.items.map((note) => note.title) };
}

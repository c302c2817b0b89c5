import * as fs from "node:fs";
import * as path from "node:path";

/** One edit of a recipe: in `file`, `find` becomes `replace` (exactly once), or a new file. */
export interface RecipeEdit {
  readonly file: string;
  readonly find?: string;
  readonly replace: string;
}

/**
 * The README's recipe "add a scope and a route that requires it", as edits: a `notes.share` scope
 * the web client may ask for and the editors group grants, and `POST /notes/{id}/share` with its
 * own handler.
 */
export const addScopeAndRoute: readonly RecipeEdit[] = [
  {
    file: "stacks/auth/clients.ts",
    find: `  { name: "notes.write", description: "Create, change and delete notes" },\n`,
    replace: `  { name: "notes.write", description: "Create, change and delete notes" },\n  { name: "notes.share", description: "Share notes with other users" },\n`,
  },
  {
    file: "stacks/auth/clients.ts",
    find: `scopes: ["openid", "email", "notes.read", "notes.write"],`,
    replace: `scopes: ["openid", "email", "notes.read", "notes.write", "notes.share"],`,
  },
  {
    file: "stacks/auth/groups.ts",
    find: `scopes: ["notes.read", "notes.write"], precedence: 10 },`,
    replace: `scopes: ["notes.read", "notes.write", "notes.share"], precedence: 10 },`,
  },
  {
    file: "stacks/api/routes.ts",
    find: `  { method: "DELETE", path: "/notes/{id}", handler: "notes/delete", scopes: ["notes.write"], tableActions: ["dynamodb:DeleteItem"] },\n`,
    replace:
      `  { method: "DELETE", path: "/notes/{id}", handler: "notes/delete", scopes: ["notes.write"], tableActions: ["dynamodb:DeleteItem"] },\n` +
      `  { method: "POST", path: "/notes/{id}/share", handler: "notes/share", scopes: ["notes.share"], tableActions: ["dynamodb:GetItem"] },\n`,
  },
  {
    file: "functions/contracts.ts",
    find: `  "notes/delete": {`,
    replace: `  "notes/share": {
    summary: "Share a note",
    pathParameters: noteId,
    success: { status: 200, description: "The note is shared.", schema: v.strictObject({ id: Uuid, shared: v.literal(true) }) },
    errors: { 403: "a machine token, or a token without the route's scope", 404: "no such note of the caller's" },
  },
  "notes/delete": {`,
  },
  {
    file: "functions/notes/share.ts",
    replace: `import { scopedHandler } from "../shared/handler";
import { errorResponse, json, pathParam } from "../shared/http";
import { getNote } from "../shared/notes-store";
import { isNoteId, ownerFor } from "../shared/validation";

export const handler = scopedHandler(async (event, caller) => {
  const id = pathParam(event, "id");
  const note = isNoteId(id) ? await getNote(ownerFor(caller, event), id) : undefined;
  return note ? json(event, 200, { id: note.id, shared: true }) : errorResponse(event, 404, "note not found");
});
`,
  },
];

export function applyRecipe(root: string, edits: readonly RecipeEdit[]): void {
  for (const edit of edits) {
    const file = path.join(root, edit.file);
    if (edit.find === undefined) {
      fs.writeFileSync(file, edit.replace);
      continue;
    }
    const text = fs.readFileSync(file, "utf8");
    const at = text.indexOf(edit.find);
    if (at < 0 || text.indexOf(edit.find, at + 1) >= 0) throw new Error(`${edit.file}: expected exactly one '${edit.find.trim()}'`);
    fs.writeFileSync(file, text.replace(edit.find, edit.replace));
  }
}

/**
 * The README's recipe "add an environment": `staging`, with its own domain prefix, stage, origins
 * and tags, in the bootstrap's deploy environments and the plan workflow's matrix.
 */
export const addEnvironment: readonly RecipeEdit[] = [
  { file: "environments.ts", find: `Record<"dev" | "devhttp" | "prod", EnvironmentConfig>`, replace: `Record<"dev" | "devhttp" | "prod" | "staging", EnvironmentConfig>` },
  {
    file: "environments.ts",
    find: `    waf: {},\n  },\n};\n`,
    replace: `    waf: {},
  },
  staging: {
    ...shared,
    name: "staging",
    auth: {
      resourceServerIdentifier: "https://notes.example.com",
      resourceServerName: "notes-api",
      domainPrefix: "notes-example-staging",
      callbackUrls: ["https://staging.notes.example.com/callback"],
      logoutUrls: ["https://staging.notes.example.com/"],
      mfa: "OPTIONAL",
      deletionProtection: false,
      tokenValidity: { accessTokenMinutes: 60, idTokenMinutes: 60, refreshTokenDays: 30 },
    },
    api: {
      stageName: "staging",
      corsAllowedOrigins: ["https://staging.notes.example.com"],
      throttling: { burstLimit: 50, rateLimit: 25 },
      accessLogRetentionDays: 14,
      loggingLevel: "INFO",
    },
    functions: { ...shared.functions, logRetentionDays: 14 },
    data: { deletionProtection: false },
    tags: { project: "notes", environment: "staging" },
    monitoring: { optOut: "staging is rebuilt for each release check: nobody is paged for it" },
    waf: { optOut: "staging is reached by the team only, behind the office network" },
  },
};
`,
  },
  { file: "environments.ts", find: `deployEnvironments: ["dev", "prod"],`, replace: `deployEnvironments: ["dev", "prod", "staging"],` },
  {
    file: ".github/workflows/plan.yml",
    find: `          - { stack: prod, plan: false }\n`,
    replace: `          - { stack: prod, plan: false }\n          - { stack: staging-data, plan: false }\n          - { stack: staging, plan: false }\n`,
  },
];

/** The README's recipe "add an origin", as a move: the dev web app on localhost:5174 instead of 5173 (callbacks, sign-out and CORS). */
export const moveDevOrigin: readonly RecipeEdit[] = [
  // dev's lines only: devhttp lists the same local origin, and keeps it.
  {
    file: "environments.ts",
    find: `on localhost.\n      callbackUrls: ["http://localhost:5173/callback", "http://localhost:5173/docs/oauth2-redirect.html", "https://dev.notes.example.com/callback"],\n      logoutUrls: ["http://localhost:5173/",`,
    replace: `on localhost.\n      callbackUrls: ["http://localhost:5174/callback", "http://localhost:5174/docs/oauth2-redirect.html", "https://dev.notes.example.com/callback"],\n      logoutUrls: ["http://localhost:5174/",`,
  },
  { file: "environments.ts", find: `    api: {\n      stageName: "dev",\n      corsAllowedOrigins: ["http://localhost:5173",`, replace: `    api: {\n      stageName: "dev",\n      corsAllowedOrigins: ["http://localhost:5174",` },
];

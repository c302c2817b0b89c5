import * as path from "node:path";

/** Set by esbuild in the bundle `npm run synth` runs (local/stack/run-app.cjs), which lives in .build/app/. */
declare const __PROJECT_ROOT__: string | undefined;

/** Where the project's own folders are, for the bundler, the guard and the local tools alike. */
export const PROJECT_ROOT = typeof __PROJECT_ROOT__ === "string" ? __PROJECT_ROOT__ : path.resolve(__dirname, "..");
export const FUNCTIONS_DIR = path.join(PROJECT_ROOT, "functions");
export const BUILD_DIR = path.join(PROJECT_ROOT, ".build", "lambda");
/** The OpenAPI document synth writes next to each API stack's Terraform. */
export const OPENAPI_FILE = "openapi.json";

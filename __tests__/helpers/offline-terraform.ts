import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bootstrap, environments } from "../../environments";
import type { Route } from "../../stacks/api/routes";
import { NotesApiStack } from "../../stacks/notes-api-stack";
import { NotesApp } from "../../stacks/notes-app";
import { OfflineTerraform, terraformVersion, type Substitution } from "../../scripts/terraform/offline-terraform";

/** The provider version the stacks pin (cdktf.out's `required_providers`). */
export const PINNED_PROVIDER = "6.25.0";

/** Why the Terraform tests cannot run here, or undefined: they need only a `terraform` binary. */
export const terraformMissing = terraformVersion() ? undefined : "no terraform binary on PATH";

/** Synthesizes the whole app, or only dev with another route table, into a fresh folder; returns its `stacks` folder. */
export function synthesizeApp(prefix: string, devRoutes?: readonly Route[]): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const app = new NotesApp({ outdir, log: () => undefined, env: {} });
  if (devRoutes) {
    new NotesApiStack(app, "dev", { config: environments.dev, routes: devRoutes, env: {} });
  } else {
    app.addEnvironments(Object.values(environments));
    app.addBootstrap(bootstrap);
  }
  app.synth();
  return path.join(outdir, "stacks");
}

/** Prints what the offline copy changed, once per stack, so a reader of the test log sees it. */
export function reportSubstitutions(stack: string, substitutions: readonly Substitution[]): void {
  const byReason = new Map<string, string[]>();
  for (const entry of substitutions) byReason.set(`${entry.from} -> ${entry.to} (${entry.why})`, [...(byReason.get(`${entry.from} -> ${entry.to} (${entry.why})`) ?? []), entry.where]);
  for (const [change, where] of byReason) console.log(`terraform ${stack}: ${change}, at ${where.length === 1 ? where[0] : `${where.length} places (${where[0]} ...)`}`);
}

export { OfflineTerraform };

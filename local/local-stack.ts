import * as path from "node:path";
import { bootstrap, environments } from "../environments";
import { PROJECT_ROOT } from "../stacks/paths";
import { NotesApp } from "../stacks/notes-app";
import { readStackModel, type StackModel } from "./stack-model";
import { readEnvironmentConfig, type TerraformJson } from "./terraform-config";

export const LOCAL_DATA_DIR = path.join(PROJECT_ROOT, ".local");

export interface LocalStack {
  readonly model: StackModel;
  readonly terraform: TerraformJson;
}

/** Synthesizes the app (as `npm run synth` does) into `outdir`, then reads one stack back. */
export function synthesizeLocalStack(stack: string, outdir = path.join(PROJECT_ROOT, "cdktf.out"), log: (line: string) => void = () => undefined): LocalStack {
  if (!(stack in environments)) throw new Error(`unknown stack '${stack}': choose one of ${Object.keys(environments).join(", ")}`);
  const app = new NotesApp({ outdir, log });
  app.addEnvironments(Object.values(environments));
  app.addBootstrap(bootstrap);
  app.synth();
  const terraform = readEnvironmentConfig(outdir, stack);
  return { terraform, model: readStackModel(terraform, stack, path.join(outdir, "stacks", stack)) };
}

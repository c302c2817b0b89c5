import { App } from "cdktf";
import { environments } from "./environments";
import { NotesApiStack } from "./stacks/notes-api-stack";

const app = new App();
for (const config of Object.values(environments)) {
  new NotesApiStack(app, config.name, { config });
}
app.synth();

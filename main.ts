import { bootstrap, environments } from "./environments";
import { NotesApp } from "./stacks/notes-app";

const app = new NotesApp();
app.addEnvironments(Object.values(environments));
app.addBootstrap(bootstrap);
app.synth();

import * as fs from "node:fs";
import * as path from "node:path";
import { bootstrap, environments } from "../environments";
import { listFiles } from "./files";
import { NotesApp, type NotesAppOptions } from "../stacks/notes-app";

/** The app as `main.ts` builds it: every environment, then the bootstrap stack; checked, then written. */
export function synthesizeProject(options: NotesAppOptions = {}): NotesApp {
  return withoutSourceMappedStacks(() => {
    const app = new NotesApp(options);
    app.addEnvironments(Object.values(environments));
    app.addBootstrap(bootstrap);
    app.synth();
    return app;
  });
}

/**
 * cdktf records a full stack trace for every token it creates (thousands per stack, kept only for
 * error messages about tokens), and formatting them, through tsx's source maps at that, was a third
 * of a warm synth at 200 routes. While the app is built, traces format to nothing; both settings
 * are restored before any error is printed (V8 formats a stack when it is first read).
 */
export function withoutSourceMappedStacks<T>(build: () => T): T {
  const sourceMaps = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled ?? true;
  const prepare = Error.prepareStackTrace;
  process.setSourceMapsEnabled(false);
  Error.prepareStackTrace = () => "";
  try {
    return build();
  } finally {
    Error.prepareStackTrace = prepare;
    process.setSourceMapsEnabled(sourceMaps);
  }
}
export interface StackSummary {
  readonly stack: string;
  readonly resources: number;
  readonly zips: number;
  readonly zipBytes: number;
  readonly extras: readonly string[];
}

/** What a synth wrote, per stack: resources in its Terraform, Lambda zips, and the other files (matrices). */
export function summarizeOutput(outdir: string): StackSummary[] {
  const stacksFolder = path.join(outdir, "stacks");
  return fs
    .readdirSync(stacksFolder)
    .sort()
    .map((stack) => {
      const folder = path.join(stacksFolder, stack);
      const terraform = JSON.parse(fs.readFileSync(path.join(folder, "cdk.tf.json"), "utf8")) as { resource?: Record<string, Record<string, unknown>> };
      const files = listFiles(folder);
      const zips = files.filter((file) => file.endsWith(".zip"));
      return {
        stack,
        resources: Object.values(terraform.resource ?? {}).reduce((sum, entries) => sum + Object.keys(entries).length, 0),
        zips: zips.length,
        zipBytes: zips.reduce((sum, file) => sum + fs.statSync(path.join(folder, file)).size, 0),
        extras: files.filter((file) => !file.includes(path.sep) && file !== "cdk.tf.json"),
      };
    });
}

export function formatSummary(outdir: string, stacks: readonly StackSummary[], seconds: number, cwd = process.cwd()): string[] {
  const where = path.relative(cwd, outdir) || ".";
  const width = Math.max(...stacks.map((stack) => stack.stack.length));
  return [
    `wrote ${stacks.length} stacks to ${where}/stacks in ${seconds.toFixed(1)} s:`,
    ...stacks.map((stack) => {
      const parts = [`${stack.resources} resources`];
      if (stack.zips) parts.push(`${stack.zips} Lambda zips (${(stack.zipBytes / 1024).toFixed(1)} KiB)`);
      if (stack.extras.length) parts.push(stack.extras.join(", "));
      return `  ${stack.stack.padEnd(width)}  ${parts.join(", ")}`;
    }),
  ];
}

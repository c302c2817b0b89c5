import { bootstrap, environments } from "../../environments";
import { NotesApp, type NotesAppOptions } from "../../stacks/notes-app";

/** The app as `main.ts` builds it: every environment, then the bootstrap stack; checked, then written. */
export function synthesizeProject(options: NotesAppOptions = {}): NotesApp {
  const app = checkProject(options);
  withoutSourceMappedStacks(() => app.write());
  return app;
}

/**
 * The app built, resolved and checked, not written yet (`app.write()` writes it): main.ts does
 * this while esbuild makes the zips.
 */
export function checkProject(options: NotesAppOptions = {}): NotesApp {
  return withoutSourceMappedStacks(() => {
    const app = new NotesApp(options);
    app.addEnvironments(Object.values(environments));
    app.addBootstrap(bootstrap);
    app.check();
    return app;
  });
}

/**
 * cdktf records a full stack trace for every token it creates (thousands per stack, kept only for
 * error messages about tokens), and formatting them, through tsx's source maps at that, was a third
 * of a warm synth at 200 routes. While the app is built, traces format to nothing, and the explicit
 * captures (`Error.captureStackTrace`, with no depth limit, 4% of a cold synth) are skipped: the
 * traces they took were empty anyway. An `Error` still records where it was made. Every setting is
 * restored before any error is printed (V8 formats a stack when it is first read).
 */
export function withoutSourceMappedStacks<T>(build: () => T): T {
  const sourceMaps = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled ?? true;
  const prepare = Error.prepareStackTrace;
  const capture = Error.captureStackTrace;
  process.setSourceMapsEnabled(false);
  Error.prepareStackTrace = () => "";
  Error.captureStackTrace = () => undefined;
  try {
    return build();
  } finally {
    Error.captureStackTrace = capture;
    Error.prepareStackTrace = prepare;
    process.setSourceMapsEnabled(sourceMaps);
  }
}

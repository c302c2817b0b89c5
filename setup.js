// The cdktf template calls Testing.setupJest() here; this project registers the matchers in
// __tests__/helpers/stacks.ts, which every test file that uses them imports: loading cdktf in each
// of the suite's files cost a tenth of a second apiece, 5 s of npm test.

// Tests run on the machine's Node 20; the functions run on nodejs24.x, where the SDK has nothing to warn about.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// cdktf records where each token was made (a full stack trace, read at once) for the error it
// prints when that token cannot be resolved. Under jest every such trace is mapped through the
// test files' source maps, frame by frame: a quarter of the fast suite's CPU time. The traces cdktf
// keeps are formatted plainly here (generated positions); an Error's stack, which a failing test
// prints, is still mapped.
const plainFrames = (error, frames) => `${error.name ?? "Error"}: ${error.message ?? ""}${frames.map((frame) => `\n    at ${frame}`).join("")}`;
// Every function of the module is wrapped (cdktf exports captureStackTrace; CDK Terrain, which
// npm run check:cdktn aliases in, captureCreationStack).
jest.mock("cdktf/lib/tokens/private/stack-trace", () =>
  Object.fromEntries(
    Object.entries(jest.requireActual("cdktf/lib/tokens/private/stack-trace")).map(([name, value]) => [
      name,
      typeof value !== "function"
        ? value
        : function plainlyFormatted(...args) {
            const previous = Error.prepareStackTrace;
            Error.prepareStackTrace = plainFrames;
            try {
              return value.apply(this, args);
            } finally {
              Error.prepareStackTrace = previous;
            }
          },
    ]),
  ),
);

// The cdktf template calls Testing.setupJest() here; this project registers the matchers in
// __tests__/helpers/stacks.ts, which every test file that uses them imports: loading cdktf in each
// of the suite's files cost a tenth of a second apiece, 5 s of npm test.

// Tests run on the machine's Node 20; the functions run on nodejs24.x, where the SDK has nothing to warn about.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// Token creation traces: none unless CDKTF_TOKEN_TRACES=1 (see __tests__/helpers/token-traces.js).
jest.mock("cdktf/lib/tokens/private/stack-trace", () => {
  const { tokenTraces, keepTokenTraces } = jest.requireActual("./__tests__/helpers/token-traces.js");
  return tokenTraces(jest.requireActual("cdktf/lib/tokens/private/stack-trace"), keepTokenTraces());
});

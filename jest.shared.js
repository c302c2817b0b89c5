const os = require("node:os");

// cdktf prints deprecation DEP0044 on Node 22+ (see stacks/node-warnings.ts, which drops it in the
// app): jest's workers and every process a test starts inherit the flag that drops exactly that code.
if (!(process.env.NODE_OPTIONS ?? "").includes("--disable-warning=DEP0044")) {
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, "--disable-warning=DEP0044"].filter(Boolean).join(" ");
}

/**
 * Tests that start real Terraform, long-running servers, project copies or the TypeScript compiler: `npm run test:slow`
 * (CI and the workflows run it after `npm test`, which stays under 30 s).
 */
const SLOW_TESTS = ["/__tests__/terraform/", "/__tests__/cli/", "/__tests__/local/(dev-server|browser|verify|long-run)\\.test\\.ts$", "/__tests__/growth\\.test\\.ts$", "/__tests__/openapi/typed-client\\.test\\.ts$"];

/** Type checking is done once by `tsc --noEmit`; jest only transpiles (swc). */
const base = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  setupFilesAfterEnv: ["<rootDir>/setup.js"],
  testTimeout: 30000,
  // Most tests wait on child processes and servers: every core, at least two workers.
  maxWorkers: Math.max(2, os.cpus().length),
};

module.exports = { base, SLOW_TESTS };

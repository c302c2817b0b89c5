const os = require("node:os");

/**
 * Tests that start real Terraform, long-running servers or project copies: `npm run test:slow`
 * (CI and the workflows run it after `npm test`, which stays under 30 s).
 */
const SLOW_TESTS = ["/__tests__/terraform/", "/__tests__/cli/", "/__tests__/local/dev-server\\.test\\.ts$", "/__tests__/growth\\.test\\.ts$"];

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

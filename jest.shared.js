const os = require("node:os");

// cdktf prints deprecation DEP0044 on Node 22+ (see stacks/node-warnings.ts, which drops it in the
// app): jest's workers and every process a test starts inherit the flag that drops exactly that code.
if (!(process.env.NODE_OPTIONS ?? "").includes("--disable-warning=DEP0044")) {
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, "--disable-warning=DEP0044"].filter(Boolean).join(" ");
}

// The local hosted UI hashes passwords with scrypt at 2^15 (about 0.1 s a hash on 2 cores); the
// suites' sign-ins made 9 s of the fast suite's CPU time. Test users are hashed at 2^10: each hash
// keeps its cost, and a test holds that hashes of both costs verify (local/cognito/local-users.ts).
process.env.LOCAL_PASSWORD_HASH_COST ??= "10";

/**
 * Tests that start real Terraform, long-running servers, project copies or the TypeScript compiler: `npm run test:slow`
 * (CI and the workflows run it after `npm test`, which stays under 30 s on 2 cores).
 */
const SLOW_TESTS = [
  "/__tests__/terraform/",
  "/__tests__/cli/",
  "/__tests__/local/(dev-server|browser|verify|long-run)\\.test\\.ts$",
  "/__tests__/growth\\.test\\.ts$",
  "/__tests__/determinism\\.test\\.ts$",
  "/__tests__/functions/bundle-copies\\.test\\.ts$",
  "/__tests__/openapi/typed-client\\.test\\.ts$",
];

/** Type checking is done once by `tsc --noEmit`; jest only transpiles (swc). */
const base = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  setupFilesAfterEnv: ["<rootDir>/setup.js"],
  testTimeout: 30000,
  // Many tests wait on child processes, servers and timers: one worker more than there are cores
  // fills those waits (2 cores, npm test: 27.6 s with three workers, 30.1 s with two).
  maxWorkers: Math.max(2, os.cpus().length) + 1,
};

module.exports = { base, SLOW_TESTS };

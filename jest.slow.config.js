const { base, SLOW_TESTS } = require("./jest.config");

/** The slow half of the suite (real Terraform, `npm run dev` over HTTP, the cdktf CLI, project copies). */
module.exports = { ...base, testMatch: undefined, testRegex: SLOW_TESTS.map((pattern) => pattern.replace(/\$$/, "").replace(/\/$/, "/.*\\.test\\.ts$")) };

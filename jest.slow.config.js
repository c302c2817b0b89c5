const { base, SLOW_TESTS } = require("./jest.shared");

/** `npm run test:slow`: real Terraform, `npm run dev` over HTTP, the cdktf CLI, project copies. */
module.exports = { ...base, testRegex: SLOW_TESTS.map((pattern) => pattern.replace(/\$$/, "").replace(/\/$/, "/.*\\.test\\.ts$")) };

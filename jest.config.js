const { base, SLOW_TESTS } = require("./jest.shared");

/** `npm test`: everything but the slow suites. */
module.exports = { ...base, testMatch: ["**/*.test.ts"], testPathIgnorePatterns: ["/node_modules/", ...SLOW_TESTS] };

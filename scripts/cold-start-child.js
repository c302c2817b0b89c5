// Runs in a fresh node process: loads one bundled handler and invokes it once, timing both.
const { performance } = require("node:perf_hooks");
const fs = require("node:fs");

const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(fs.readFileSync(eventFile, "utf8"));
const start = performance.now();
const { handler } = require(bundle);
const loaded = performance.now();
Promise.resolve(handler(event)).then(
  (response) => {
    const done = performance.now();
    const figures = { loadMs: loaded - start, invokeMs: done - loaded, totalMs: done - start, status: response.statusCode };
    // The SDK's keep-alive sockets would hold the process open; Lambda freezes it instead.
    process.stdout.write(JSON.stringify(figures), () => process.exit(0));
  },
  (error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error));
    process.exit(1);
  },
);

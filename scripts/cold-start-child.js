// Runs in a fresh node process: loads one bundled handler and invokes it once, timing both, the
// way Lambda's Node.js runtime does. Before it loads a handler, the runtime interface client has
// already loaded `http` and `net` and made its keep-alive `http.Agent` for the Runtime API
// (aws/aws-lambda-nodejs-runtime-interface-client: src/index.mjs constructs RAPIDClient before
// UserFunction.load; src/RAPIDClient.js requires http and makes the Agent; src/ResponseStream.js
// requires net). A handler does not pay for those in Lambda, so it does not pay for them here.
const { performance } = require("node:perf_hooks");
const fs = require("node:fs");
const http = require("node:http");
require("node:net");
new http.Agent({ keepAlive: true, maxSockets: 1 });

const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(fs.readFileSync(eventFile, "utf8"));
const start = performance.now();
const { handler } = require(bundle);
const loaded = performance.now();
Promise.resolve(handler(event)).then(
  (response) => {
    const done = performance.now();
    const figures = { loadMs: loaded - start, invokeMs: done - loaded, totalMs: done - start, status: response.statusCode };
    // Keep-alive sockets would hold the process open; Lambda freezes it instead.
    process.stdout.write(JSON.stringify(figures), () => process.exit(0));
  },
  (error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error));
    process.exit(1);
  },
);

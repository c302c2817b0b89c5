// One Lambda function in its own process, with its own environment (like a warm Lambda container).
const bundle = process.argv[2];
const exportName = process.argv[3] || "handler";
const { [exportName]: handler } = require(bundle);

process.on("message", async ({ id, event, context }) => {
  try {
    const result = await handler(event, context);
    process.send({ id, ok: true, result });
  } catch (error) {
    process.send({ id, ok: false, error: error && error.stack ? error.stack : String(error) });
  }
});
process.send({ ready: true });

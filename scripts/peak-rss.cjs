// Preloaded into a measured process (node --require): writes its peak resident set size, in KiB, at exit.
const fs = require("node:fs");
process.on("exit", () => {
  if (process.env.PEAK_RSS_FILE) fs.writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS));
});

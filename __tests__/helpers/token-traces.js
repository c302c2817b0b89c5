// cdktf records a full stack trace (no depth limit) for every token it makes, kept only for the
// error it prints when that token cannot be resolved. The synth skips them (local/stack/synth.ts);
// under jest, with jest's frames below every test, capturing and formatting them was 7 s of the
// fast suite's 51 s of CPU. So tests keep no creation traces either, unless CDKTF_TOKEN_TRACES=1
// (to find where an unresolvable token was made): then they are kept and formatted plainly, not
// mapped through the test files' source maps frame by frame (that was a quarter of the CPU).

/** @param {Error} error @param {NodeJS.CallSite[]} frames */
const plainFrames = (error, frames) => `${error.name ?? "Error"}: ${error.message ?? ""}${frames.map((frame) => `\n    at ${frame}`).join("")}`;

/**
 * What replaces each function of cdktf's `stack-trace` module (cdktf exports `captureStackTrace`;
 * CDK Terrain, which `npm run check:cdktn` aliases in, `captureCreationStack`).
 * @param {Record<string, unknown>} actual the module's exports
 * @param {boolean} keep keep the traces (formatted plainly) instead of recording none
 * @returns {Record<string, unknown>}
 */
function tokenTraces(actual, keep) {
  return Object.fromEntries(
    Object.entries(actual).map(([name, value]) => {
      if (typeof value !== "function") return [name, value];
      if (!keep) return [name, () => []];
      const capture = /** @type {(...args: unknown[]) => unknown} */ (value);
      /** @this {unknown} @param {unknown[]} args */
      function plainlyFormatted(...args) {
        const previous = Error.prepareStackTrace;
        Error.prepareStackTrace = plainFrames;
        try {
          return capture.apply(this, args);
        } finally {
          Error.prepareStackTrace = previous;
        }
      }
      return [name, plainlyFormatted];
    }),
  );
}

const keepTokenTraces = () => process.env.CDKTF_TOKEN_TRACES === "1";

module.exports = { tokenTraces, keepTokenTraces };

/**
 * cdktf 0.21 (final, archived) calls `util.isArray` while it synthesizes outputs; Node 22 and 24
 * print that as deprecation DEP0044 on every synth, test and dev run. The project cannot change
 * cdktf, so exactly that warning code is dropped; every other warning is printed as before.
 */
const SILENCED = "DEP0044";
const marker = Symbol.for("cognito-scoped-api.silenced-warnings");

type EmitWarning = typeof process.emitWarning;

if (!(process.emitWarning as EmitWarning & { [marker]?: true })[marker]) {
  const emitWarning: EmitWarning = process.emitWarning.bind(process);
  const filtered = ((warning: string | Error, ...rest: unknown[]) => {
    const [typeOrOptions, code] = rest as [unknown, unknown];
    const warningCode = typeof typeOrOptions === "object" && typeOrOptions !== null ? (typeOrOptions as { code?: string }).code : code;
    if (warningCode === SILENCED) return;
    (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
  }) as EmitWarning & { [marker]?: true };
  filtered[marker] = true;
  process.emitWarning = filtered;
}

export {};

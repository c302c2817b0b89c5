import * as path from "node:path";
import { parseArgs } from "node:util";
import { GuardError } from "../../stacks/guard/guard-error";

/** A command line the user can fix: printed as one line, never with a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly description: string;
  /** What the value is, in the usage text: `--port <number>`. */
  readonly value?: string;
  readonly short?: string;
  readonly multiple?: boolean;
  readonly default?: string | boolean;
}

export interface CommandSpec<Options extends Record<string, OptionSpec>> {
  /** How it is run, for example `npm run dev --`. */
  readonly command: string;
  readonly summary: string;
  readonly options: Options;
  readonly examples: readonly string[];
  /** Names the positional arguments it takes (`<environment>`); none when absent. */
  readonly positionals?: string;
}

type Values<Options extends Record<string, OptionSpec>> = {
  -readonly [Name in keyof Options]: Options[Name]["type"] extends "boolean"
    ? boolean
    : Options[Name]["multiple"] extends true
      ? string[]
      : Options[Name]["default"] extends string
        ? string
        : string | undefined;
};

export interface ParsedCommandLine<Options extends Record<string, OptionSpec>> {
  readonly values: Values<Options>;
  readonly positionals: string[];
}

export function usage<Options extends Record<string, OptionSpec>>(spec: CommandSpec<Options>): string {
  const flags = Object.entries(spec.options).map(([name, option]) => {
    const left = `${option.short ? `-${option.short}, ` : "    "}--${name}${option.type === "string" ? ` <${option.value ?? "value"}>` : ""}`;
    const byDefault = option.default !== undefined && option.default !== false ? ` (default ${String(option.default)})` : "";
    return `  ${left.padEnd(30)} ${option.description}${option.multiple ? " (repeatable)" : ""}${byDefault}`;
  });
  return [
    `usage: ${spec.command}${spec.positionals ? ` ${spec.positionals}` : ""} [options]`,
    "",
    spec.summary,
    "",
    "options:",
    ...flags,
    `      --help                     this text`,
    "",
    "examples:",
    ...spec.examples.map((example) => `  ${example}`),
  ].join("\n");
}

/**
 * `parseArgs` with a usage text: `--help` prints it and exits 0; an unknown option, a stray
 * argument or a missing value becomes a UsageError that names it.
 */
export function parseCommandLine<Options extends Record<string, OptionSpec>>(spec: CommandSpec<Options>, argv: readonly string[] = process.argv.slice(2)): ParsedCommandLine<Options> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(usage(spec) + "\n");
    process.exit(0);
  }
  const options = Object.fromEntries(
    Object.entries(spec.options).map(([name, option]) => [
      name,
      { type: option.type, ...(option.short ? { short: option.short } : {}), ...(option.multiple ? { multiple: true } : {}), ...(option.default !== undefined ? { default: option.default } : {}) },
    ]),
  );
  const help = `${spec.command} --help lists them`;
  // `--expires-in -60` would read -60 as an option: a negative number is the value, so the range check can name it.
  const args = argv.map((arg, index) => (/^-\d/.test(arg) && spec.options[(argv[index - 1] ?? "").replace(/^--/, "")]?.type === "string" ? `=${arg}` : arg)).reduce<string[]>((joined, arg) => {
    if (arg.startsWith("=")) joined[joined.length - 1] += arg;
    else joined.push(arg);
    return joined;
  }, []);
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: spec.positionals !== undefined, strict: true });
    return { values: values as Values<Options>, positionals };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const option = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unknown option '${option}': ${help}`);
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      const argument = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unexpected argument '${argument}': ${spec.command} takes options only (${help})`);
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const option = /'(--?[\w-]+)/.exec(message)?.[1] ?? "an option";
      throw new UsageError(message.includes("does not take an argument") ? `${option} is a switch and takes no value: ${help}` : `${option} needs a value: ${help}`);
    }
    throw error;
  }
}

/** A whole number from `min` to `max`, or a UsageError naming the flag and the value. */
export function integerOption(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

/** One of `choices`, or a UsageError listing them. */
export function choiceOption(flag: string, raw: string, choices: readonly string[]): string {
  if (!choices.includes(raw)) throw new UsageError(`--${flag} must be one of ${choices.join(", ")}, got '${raw}'`);
  return raw;
}

/** Errors the user fixes from the message alone; anything else is a bug and keeps its stack with DEBUG=1. */
function isExpected(error: unknown): error is Error {
  // PolicyError by name: importing it would load cdktf into every command, token included.
  return error instanceof UsageError || error instanceof GuardError || (error instanceof Error && (error.name === "PolicyError" || (error as { expected?: boolean }).expected === true));
}

/** An error the user can act on from its message, without a stack trace; the command exits with `exitCode`. */
export function expectedError(message: string, exitCode = 1): Error {
  return Object.assign(new Error(message), { expected: true, exitCode });
}

/**
 * esbuild's report of source it could not compile (tsx loading a module, or a handler's bundle),
 * one `file:line:col: message` line per error, the file relative to here; undefined for any other error.
 */
export function compileErrorLines(error: unknown): string[] | undefined {
  if (!(error instanceof Error) || !/^(Transform|Build) failed with \d+ errors?:\n/.test(error.message)) return undefined;
  const lines = [...error.message.matchAll(/^(.+?):(\d+):(\d+): ERROR: (.*)$/gm)].map(([, file, line, column, text]) => `${path.isAbsolute(file!) ? path.relative(process.cwd(), file!) : file}:${line}:${column}: ${text}`);
  return lines.length ? lines : undefined;
}

/**
 * Reports a command's failure and exits: one message on stderr and exit 1 (2 for a bad command
 * line); a compile error as its `file:line:col` lines. Unexpected errors print their stack only with DEBUG=1.
 */
export function exitWithError(error: unknown): never {
  const compileErrors = compileErrorLines(error);
  if (compileErrors) process.stderr.write(compileErrors.map((line) => `${line}\n`).join(""));
  else if (isExpected(error)) process.stderr.write(`${error.message}\n`);
  else if (process.env.DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  else process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)} (DEBUG=1 shows the stack trace)\n`);
  process.exit(error instanceof UsageError ? 2 : ((error as { exitCode?: number } | undefined)?.exitCode ?? 1));
}

/**
 * Runs a command's main: its exit code (or 0) on success; on failure, `exitWithError`. From here
 * on, an error thrown outside main is Node's to report again (see report-load-errors.ts).
 */
export function runCli(main: () => Promise<number | void> | number | void): void {
  process.removeListener("uncaughtException", exitWithError);
  try {
    Promise.resolve(main()).then((code) => {
      if (typeof code === "number") process.exit(code);
    }, exitWithError);
  } catch (error) {
    exitWithError(error);
  }
}

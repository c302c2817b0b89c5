import { exitWithError } from "./command-line";

// Every command imports this first: its other imports (the route table, environments.ts, the
// stacks) are compiled as they load, before the command's main runs, so a syntax error in one of
// them would otherwise print Node's stack of esbuild internals. Now it is one `file:line:col`
// line, as a failure inside the command is; runCli hands later errors back to Node.
process.on("uncaughtException", exitWithError);

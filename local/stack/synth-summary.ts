import * as fs from "node:fs";
import * as path from "node:path";
import { resourceCount } from "../../stacks/terraform-json";
import { listFiles } from "./files";

export interface StackSummary {
  readonly stack: string;
  readonly resources: number;
  readonly zips: number;
  readonly zipBytes: number;
  readonly extras: readonly string[];
}

/**
 * What a synth wrote, per stack: resources in its Terraform, Lambda zips, and the other files
 * (matrices). `written` is every file under `outdir` (listFiles), when the caller has listed them;
 * `resources`, each stack's resource count when the caller knows it (else read from cdk.tf.json).
 */
export function summarizeOutput(outdir: string, written: readonly string[] = listFiles(outdir), resources: ReadonlyMap<string, number> = new Map()): StackSummary[] {
  const stacksFolder = path.join(outdir, "stacks");
  return fs
    .readdirSync(stacksFolder)
    .sort()
    .map((stack) => {
      const folder = path.join(stacksFolder, stack);
      const prefix = path.join("stacks", stack) + path.sep;
      const files = written.filter((file) => file.startsWith(prefix)).map((file) => file.slice(prefix.length));
      const zips = files.filter((file) => file.endsWith(".zip"));
      return {
        stack,
        resources: resources.get(stack) ?? resourceCount(JSON.parse(fs.readFileSync(path.join(folder, "cdk.tf.json"), "utf8")) as object),
        zips: zips.length,
        zipBytes: zips.reduce((sum, file) => sum + fs.statSync(path.join(folder, file)).size, 0),
        extras: files.filter((file) => !file.includes(path.sep) && file !== "cdk.tf.json"),
      };
    });
}

/** `kept` says a synth found nothing changed and left the folder as it was. */
export function formatSummary(outdir: string, stacks: readonly StackSummary[], seconds: number, outcome: "wrote" | "kept" = "wrote", cwd = process.cwd()): string[] {
  const where = path.relative(cwd, outdir) || ".";
  const width = Math.max(...stacks.map((stack) => stack.stack.length));
  const headline =
    outcome === "wrote"
      ? `wrote ${stacks.length} stacks to ${where}/stacks in ${seconds.toFixed(1)} s:`
      : `kept ${stacks.length} stacks in ${where}/stacks, nothing changed since the last synth (${seconds.toFixed(1)} s; --force synthesizes anyway):`;
  return [
    headline,
    ...stacks.map((stack) => {
      const parts = [`${stack.resources} resources`];
      if (stack.zips) parts.push(`${stack.zips} Lambda ${stack.zips === 1 ? "zip" : "zips"} (${(stack.zipBytes / 1024).toFixed(1)} KiB)`);
      if (stack.extras.length) parts.push(stack.extras.join(", "));
      return `  ${stack.stack.padEnd(width)}  ${parts.join(", ")}`;
    }),
  ];
}

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { notesRoutes } from "../stacks/api/routes";
import { copyProject, differingFiles, removeFolder } from "./project-copy";
import { generateRoutes, routeCount } from "./scale-routes";
import { OfflineTerraform, terraformVersion } from "./terraform/offline-terraform";
import { fakeDeploy } from "./terraform/fake-apply";
import { SYNTH_ARGS } from "../local/stack/synth-cache";
import { stats } from "./bench/stats";
import { readStackConfig } from "../local/stack/terraform-config";
import { resourceCount } from "../stacks/terraform-json";

export interface ScaleRow {
  readonly routes: number;
  readonly devResources: number;
  readonly resourcesPerRoute: number;
  /** Median of the cold synths. */
  readonly coldMs: number;
  /** Every cold synth, in order. */
  readonly coldRunsMs: readonly number[];
  /**
   * For a grown row: the median of the example's (7 routes) cold synths run in turn with this row's
   * (example, row, example, row, ...), so the row's ratio divides two figures of the same minutes: a
   * machine of this class drifts by 10-20% within a bench.
   */
  readonly baselineColdMs?: number;
  readonly coldPeakMiB: number;
  /** Everything synthesized again, with the build cache warm (`--force`). */
  readonly forcedWarmMs: number;
  /** A second `npm run synth` with no source change. */
  readonly noChangeMs: number;
  /** Files that differ between the cold output and the forced warm one (zips included). */
  readonly differingFiles: number;
  /** `terraform plan -refresh=false` of the dev API stack: from empty state, and against deployed state. */
  readonly planMs?: { readonly empty: number; readonly deployed: number };
}

/** One synth of a project copy, as `npm run synth` runs it: wall time and peak memory. */
function synth(copy: string, outdir: string, args: readonly string[] = []): { ms: number; peakMiB: number; stdout: string } {
  const rssFile = path.join(os.tmpdir(), `peak-rss-${process.pid}-${Date.now()}`);
  const started = performance.now();
  const result = spawnSync(process.execPath, ["--require", path.join(__dirname, "peak-rss.cjs"), ...SYNTH_ARGS, ...args], {
    cwd: copy,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", STATE_BUCKET: "", CDKTF_OUTDIR: outdir, PEAK_RSS_FILE: rssFile },
  });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`synth of ${copy} failed:\n${result.stderr}`);
  const peakMiB = Number(fs.readFileSync(rssFile, "utf8")) / 1024;
  fs.rmSync(rssFile, { force: true });
  return { ms, peakMiB, stdout: result.stdout };
}

function resourcesOf(outdir: string, stack: string): number {
  return resourceCount(readStackConfig(outdir, stack));
}

/** Plan time of the dev API stack: its data stack is fake-applied first, since the API stack reads it. */
function planTimes(outdir: string): ScaleRow["planMs"] {
  if (!terraformVersion()) return undefined;
  const terraform = new OfflineTerraform("6.25.0", "scale-plan-");
  try {
    terraform.addStack("dev-data", path.join(outdir, "stacks", "dev-data"));
    fakeDeploy(terraform, "dev-data");
    terraform.addStack("dev", path.join(outdir, "stacks", "dev"));
    const timed = () => {
      const started = performance.now();
      terraform.plannedChanges("dev");
      return performance.now() - started;
    };
    const empty = timed();
    fakeDeploy(terraform, "dev");
    return { empty, deployed: timed() };
  } finally {
    terraform.remove();
  }
}

/**
 * Synth at a given size: a temporary copy of the project grown by groups of five generated routes,
 * each with its own handler (never the repository), synthesized cold (no build cache), forced warm
 * and with nothing changed.
 */
export function scaleRow(groups: number, withPlan: boolean, coldRuns: number, log: (line: string) => void): ScaleRow {
  const routes = routeCount(notesRoutes.length, groups);
  log(`bench: scale, ${routes} routes (${coldRuns} cold, forced warm, no change${withPlan ? ", terraform plan" : ""})`);
  const copy = copyProject("bench-scale-");
  const example = groups > 0 ? copyProject("bench-scale-example-") : undefined;
  // Cold: no build cache and no earlier output.
  const coldSynth = (folder: string) => {
    fs.rmSync(path.join(folder, ".build"), { recursive: true, force: true });
    fs.rmSync(path.join(folder, "out-cold"), { recursive: true, force: true });
    return synth(folder, path.join(folder, "out-cold"));
  };
  try {
    generateRoutes(copy, groups);
    const colds: Array<ReturnType<typeof synth>> = [];
    const baselineMs: number[] = [];
    for (let run = 0; run < coldRuns; run += 1) {
      if (example) baselineMs.push(coldSynth(example).ms);
      colds.push(coldSynth(copy));
    }
    const cold = { ms: stats(colds.map((run) => run.ms)).median, peakMiB: Math.max(...colds.map((run) => run.peakMiB)) };
    const warmOut = path.join(copy, "out-warm");
    synth(copy, warmOut);
    const forced = synth(copy, warmOut, ["--force"]);
    const noChange = synth(copy, warmOut);
    if (!/^kept /m.test(noChange.stdout)) throw new Error(`the no-change synth at ${routes} routes synthesized again`);
    const devResources = resourcesOf(path.join(copy, "out-cold"), "dev");
    return {
      routes,
      devResources,
      resourcesPerRoute: Math.round((devResources / routes) * 10) / 10,
      coldMs: Math.round(cold.ms),
      coldRunsMs: colds.map((run) => Math.round(run.ms)),
      ...(example ? { baselineColdMs: Math.round(stats(baselineMs).median) } : {}),
      coldPeakMiB: Math.round(cold.peakMiB),
      forcedWarmMs: Math.round(forced.ms),
      noChangeMs: Math.round(noChange.ms),
      differingFiles: differingFiles(path.join(copy, "out-cold"), warmOut).length,
      ...(withPlan ? { planMs: planTimes(path.join(copy, "out-cold")) } : {}),
    };
  } finally {
    removeFolder(copy);
    if (example) removeFolder(example);
  }
}

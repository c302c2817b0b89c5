import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Why `terraform validate` cannot run here, or undefined when it can: it needs the binary and the
 * AWS provider, which `terraform init` downloads unless a mirror or plugin cache has it.
 */
export function terraformUnavailableReason(): string | undefined {
  const which = spawnSync("sh", ["-c", "command -v terraform"], { encoding: "utf8" });
  if (which.status !== 0) return "no terraform binary on PATH";
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), "tf-probe-"));
  try {
    fs.writeFileSync(
      path.join(probe, "main.tf.json"),
      JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "6.25.0" } } } }),
    );
    execFileSync("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd: probe, stdio: "pipe", timeout: 120_000 });
    return undefined;
  } catch (error) {
    const output = String((error as { stderr?: Buffer }).stderr ?? error);
    const firstError = output.split("\n").find((line) => /error|failed|lookup/i.test(line))?.trim() ?? "terraform init failed";
    return `terraform is on PATH but cannot install hashicorp/aws 6.25.0 (offline?): ${firstError}`;
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
}

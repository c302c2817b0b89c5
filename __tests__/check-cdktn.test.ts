import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { forbiddenDifferences, jsonDifferences } from "../scripts/check-cdktn-diff";

function output(stacks: Record<string, unknown>): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktn-diff-"));
  for (const [stack, config] of Object.entries(stacks)) {
    fs.mkdirSync(path.join(outdir, "stacks", stack), { recursive: true });
    fs.writeFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), JSON.stringify(config));
  }
  return outdir;
}

const today = {
  "//": { metadata: { version: "0.21.0", stackName: "dev" } },
  terraform: { required_providers: { aws: { source: "aws", version: "6.25.0" } } },
  resource: { aws_lambda_function: { fn: { runtime: "nodejs24.x", memory_size: 256 } } },
};

describe("check:cdktn's comparison", () => {
  test("allows only the provider version, the generator's version and an equivalent provider source", () => {
    const fork = {
      "//": { metadata: { version: "0.24.0", stackName: "dev" } },
      terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "6.66.0" } } },
      resource: today.resource,
    };
    expect(jsonDifferences(today, fork).map((difference) => difference.path)).toEqual(["//.metadata.version", "terraform.required_providers.aws.source", "terraform.required_providers.aws.version"]);
    expect(forbiddenDifferences(output({ dev: today }), output({ dev: fork }))).toEqual([]);
  });

  test("names the stack, resource and attribute of any other difference, and a missing stack", () => {
    const fork = { ...today, resource: { aws_lambda_function: { fn: { runtime: "nodejs24.x", memory_size: 512 } } } };
    expect(forbiddenDifferences(output({ dev: today, prod: today }), output({ dev: fork }))).toEqual([
      { stack: "dev", path: "resource.aws_lambda_function.fn.memory_size", today: 256, fork: 512 },
      { stack: "prod", path: "", today, fork: undefined },
    ]);
  });
});

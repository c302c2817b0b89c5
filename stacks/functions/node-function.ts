import * as fs from "node:fs";
import * as path from "node:path";
import { Construct } from "constructs";
import { Lazy, TerraformStack } from "cdktf";
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { policyDocument, serviceTrustPolicy, type PolicyStatement } from "../iam/policy-document";
import { roleNameFor } from "../api/route-paths";
import { suppress } from "../suppressions";
import { assetPathOf, bundleFunction, bundleValue, NODE_TARGET, prebuildFunctions, type FunctionBundle } from "./bundle";

export { NODE_TARGET };

/**
 * The newest Node.js runtime the AWS provider 6.25 accepts: nodejs24.x is accepted from 6.19
 * (hashicorp/terraform-provider-aws#44986; aws-samples/serverless-patterns#2912).
 */
export const LAMBDA_RUNTIME = "nodejs24.x";

export interface NodeFunctionProps {
  readonly functionName: string;
  /** Handler module under `functions/`, for example `notes/list`. */
  readonly handler: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly logRetentionDays: number;
  /** @default - none besides NODE_OPTIONS */
  readonly environment?: Readonly<Record<string, string>>;
  /** What the function may do besides writing its logs and traces. @default - nothing */
  readonly statements?: readonly PolicyStatement[];
  /**
   * ARN of the managed policy that caps the role (the bootstrap stack's per-environment function
   * boundary); the environment's apply role can only create roles that carry it.
   * @default - no boundary
   */
  readonly permissionsBoundary?: string;
}

/** A bundled TypeScript handler on arm64 with its own log group and least-privilege role. */
export class NodeFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  /** The configured name, as a plain string (the resource's attribute is a token). */
  readonly functionName: string;
  private readonly handler: string;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    this.functionName = props.functionName;
    this.handler = props.handler;
    // Built now, unless an asynchronous build is making it (main.ts): then the zip's values are
    // filled in when the stack is written.
    prebuildFunctions([props.handler], NODE_TARGET);

    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
    });

    this.role = new IamRole(this, "role", {
      name: roleNameFor(props.functionName),
      assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com"),
      permissionsBoundary: props.permissionsBoundary,
    });

    const statements: PolicyStatement[] = [
      { actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${this.logGroup.arn}:*`] },
      // X-Ray's PutTraceSegments and PutTelemetryRecords have no resource-level permissions.
      { actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] },
      ...(props.statements ?? []),
    ];
    const policy = new IamRolePolicy(this, "policy", {
      name: "least-privilege",
      role: this.role.id,
      policy: policyDocument(statements),
    });

    suppress(policy, {
      ruleId: "IAM5",
      reason: "xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions",
      appliesTo: ["Resource::*"],
    });

    const code = new FunctionCode(this, "code", props.handler);

    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      filename: code.path,
      sourceCodeHash: Lazy.stringValue({ produce: () => bundleValue(props.handler, NODE_TARGET, "sourceCodeHash", code) }),
      memorySize: props.memoryMb,
      timeout: props.timeoutSeconds,
      environment: { variables: { NODE_OPTIONS: "--enable-source-maps", ...props.environment } },
      tracingConfig: { mode: "Active" },
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name, applicationLogLevel: "INFO", systemLogLevel: "WARN" },
      dependsOn: [this.logGroup, policy],
    });
  }

  /** The function's zip: its path, hashes and sizes. */
  get bundle(): FunctionBundle {
    return bundleFunction(this.handler, NODE_TARGET);
  }
}

/**
 * The zip in the stack's folder, where cdktf's TerraformAsset would put it
 * (`assets/<id>/<content hash>/<zip>`), copied when the stack is written: unlike a TerraformAsset
 * it needs the zip only then, so the app can be built while esbuild makes the zips.
 */
class FunctionCode extends Construct {
  /** `assets/<logical id>`, relative to the stack's folder. */
  readonly folder: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly handler: string,
  ) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    this.folder = path.posix.join("assets", stack.getLogicalId(this.node));
    addCustomSynthesis(this, {
      onSynthesize: (session) => {
        const stackFolder = path.join(session.manifest.outdir, session.manifest.forStack(stack).workingDirectory);
        const bundle = bundleFunction(handler, NODE_TARGET);
        // Earlier versions of the zip go, as TerraformAsset removes them.
        fs.rmSync(path.join(stackFolder, this.folder), { recursive: true, force: true });
        const target = path.join(stackFolder, assetPathOf(bundle, this.folder));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        linkOrCopy(bundle.zipPath, target);
      },
    });
  }

  /** The zip's path relative to the stack's folder, for the function's `filename`. */
  get path(): string {
    return Lazy.stringValue({ produce: () => bundleValue(this.handler, NODE_TARGET, "assetPath", this) });
  }
}

/**
 * A hard link where the file system allows it (both files are content-addressed and never
 * rewritten, and a link costs no copy: a stack of 500 functions has 500 zips), else a copy.
 */
function linkOrCopy(source: string, target: string): void {
  try {
    fs.linkSync(source, target);
  } catch {
    fs.copyFileSync(source, target);
  }
}

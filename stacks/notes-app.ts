import "./node-warnings";
import { App, type AppConfig } from "cdktf";
import { BootstrapStack } from "./bootstrap/bootstrap-stack";
import type { BootstrapConfig, EnvironmentConfig } from "./config";
import { checkEnvironmentSet } from "./guard/deployment-guard";
import { GuardError, type GuardFinding } from "./guard/guard-error";
import { NotesApiStack } from "./notes-api-stack";
import { CheckedStack } from "./policy/checked-stack";
import { isBlocking, policyReport, type PolicyFinding } from "./policy/finding";
import { PolicyError } from "./policy/policy-error";
import { fillPendingBundles } from "./functions/bundle";

export { PolicyError };


export interface NotesAppOptions extends AppConfig {
  /** Where warnings and suppressions are printed. @default process.stderr */
  readonly log?: (line: string) => void;
  /** Environment variables that may name the state bucket (`STATE_BUCKET`). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Print every suppressed policy finding with its reason.
   * @default false - one line with their count
   */
  readonly verbose?: boolean;
}

/**
 * The app: checks every environment and every stack before anything is written, so a bad
 * configuration or an unsuppressed policy error leaves the output folder untouched.
 */
export class NotesApp extends App {
  private readonly log: (line: string) => void;
  private readonly env: NodeJS.ProcessEnv;
  private readonly verbose: boolean;
  private readonly environments: EnvironmentConfig[] = [];
  /** The policy findings of the last synth, suppressed ones included. */
  policyFindings: readonly PolicyFinding[] = [];

  constructor(options: NotesAppOptions = {}) {
    super(options);
    this.log = options.log ?? ((line) => process.stderr.write(line + "\n"));
    this.env = options.env ?? process.env;
    this.verbose = options.verbose ?? false;
  }

  /** One stack per environment; the guard's findings of all environments are thrown together. */
  addEnvironments(configs: readonly EnvironmentConfig[]): NotesApiStack[] {
    const findings: GuardFinding[] = checkEnvironmentSet([...this.environments, ...configs]);
    if (findings.some((finding) => finding.field === "name")) throw new GuardError(findings);
    const stacks: NotesApiStack[] = [];
    for (const config of configs) {
      try {
        stacks.push(new NotesApiStack(this, config.name, { config, env: this.env }));
      } catch (error) {
        if (!(error instanceof GuardError)) throw error;
        findings.push(...error.findings);
      }
    }
    if (findings.length) throw new GuardError(findings);
    this.environments.push(...configs);
    return stacks;
  }

  /** The once-per-account bootstrap stack, named `bootstrap`, for the environments added before it. */
  addBootstrap(config: BootstrapConfig): BootstrapStack {
    return new BootstrapStack(this, "bootstrap", config, this.environments);
  }

  override synth(): void {
    this.check();
    this.write();
  }

  private get checkedStacks(): CheckedStack[] {
    return this.node.findAll().filter((node): node is CheckedStack => node instanceof CheckedStack);
  }

  /**
   * Resolves every stack once and checks it against the rule pack; an unsuppressed error throws
   * a PolicyError and nothing is written. The stacks stay resolved for `write`. Functions whose
   * zips an asynchronous build is still making hold markers until then (main.ts checks the app
   * while esbuild works).
   */
  check(): void {
    const stacks = this.checkedStacks;
    // Every stack is prepared before any is frozen: a cross-stack reference adds an output to the other stack.
    for (const stack of stacks) stack.prepareStack();
    for (const stack of stacks) stack.freeze();
    try {
      const findings = stacks.flatMap((stack) => stack.policy.evaluate(stack));
      const blocking = findings.filter(isBlocking);
      if (blocking.length) throw new PolicyError(blocking);
      for (const line of policyReport(findings, this.verbose)) this.log(line);
      this.policyFindings = findings;
    } catch (error) {
      for (const stack of stacks) stack.thaw();
      throw error;
    }
  }

  /**
   * Writes the checked stacks, with the built zips' values in place of their markers. Returns how
   * many resources each wrote, by stack name (the summary reads them here rather than parse the
   * written files again: 0.1 s at 500 routes).
   */
  write(): Map<string, number> {
    const stacks = this.checkedStacks;
    try {
      for (const stack of stacks) stack.fillFrozen(fillPendingBundles);
      super.synth();
      return new Map(stacks.map((stack) => [stack.node.id, stack.resourceCount()]));
    } finally {
      for (const stack of stacks) stack.thaw();
    }
  }
}

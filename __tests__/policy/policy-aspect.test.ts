import { Testing } from "cdktf";
import { Construct } from "constructs";
import { environments } from "../../environments";
import { NotesApiStack } from "../../stacks/notes-api-stack";
import { isBlocking } from "../../stacks/policy/policy-aspect";
import { findSuppression, suppress } from "../../stacks/suppressions";
import { ScopedRestApi } from "../../stacks/api/scoped-rest-api";

function build(environment: "dev" | "prod" = "dev") {
  return new NotesApiStack(Testing.app(), environment, { config: environments[environment], env: {} });
}

describe("PolicyAspect", () => {
  test.each(["dev", "prod"] as const)("the %s stacks have no unsuppressed error", (environment) => {
    const stack = build(environment);
    const findings = [...stack.policy.evaluate(stack), ...stack.data.policy.evaluate(stack.data)];
    expect(findings.filter(isBlocking)).toEqual([]);
    for (const finding of findings.filter((candidate) => candidate.suppressedBecause !== undefined)) {
      expect(finding.suppressedBecause!.length).toBeGreaterThanOrEqual(10);
    }
  });

  test("dev keeps one warning, for optional MFA; prod one, for Cognito's default email sender", () => {
    const warningsOf = (stack: NotesApiStack) =>
      [...stack.policy.evaluate(stack), ...stack.data.policy.evaluate(stack.data)].filter((finding) => finding.level === "warning").map((finding) => [finding.ruleId, finding.path]);
    expect(warningsOf(build("dev"))).toEqual([["COG2", "dev-data/auth/user-pool"]]);
    expect(warningsOf(build("prod"))).toEqual([["COG-EMAIL", "prod-data/auth/user-pool"]]);
  });

  test("the public route's method is suppressed with the route's reason", () => {
    const stack = build();
    const apig4 = stack.policy.evaluate(stack).filter((finding) => finding.ruleId === "APIG4");
    expect(apig4).toEqual([
      expect.objectContaining({ path: "dev/api/method_GET_health", suppressedBecause: expect.stringContaining("uptime checks call it without a token") }),
    ]);
  });

  test("sees escape-hatch overrides: a deployment without create_before_destroy is an error", () => {
    const stack = build();
    const api = stack.api;
    if (!(api instanceof ScopedRestApi)) throw new Error("stack has a REST API");
    api.stage.deployment.addOverride("lifecycle.create_before_destroy", false);
    const blocking = stack.policy.evaluate(stack).filter(isBlocking);
    expect(blocking.map((finding) => [finding.ruleId, finding.path])).toEqual([["APIG-DEPLOY", "dev/api/stage/deployment"]]);
  });

  test("a route that accepts ID tokens is suppressed with its reason, and its method has no scopes", () => {
    const routes = [
      { method: "GET" as const, path: "/health", handler: "health", public: "uptime checks call it without a token" },
      { method: "GET" as const, path: "/me", handler: "me", acceptIdToken: "legacy mobile app until 2027" },
      { method: "GET" as const, path: "/notes", handler: "notes/list", scopes: ["notes.read"] },
    ];
    const stack = new NotesApiStack(Testing.app(), "dev", { config: environments.dev, routes, env: {} });
    const findings = stack.policy.evaluate(stack);
    expect(findings.filter(isBlocking)).toEqual([]);
    expect(findings.find((finding) => finding.ruleId === "APIG-SCOPES")).toMatchObject({
      path: "dev/api/method_GET_me",
      suppressedBecause: "accepts ID tokens: legacy mobile app until 2027",
    });
    stack.prepareStack();
    const json = JSON.parse(Testing.synth(stack));
    const me = Object.values(json.resource.aws_lambda_function as Record<string, any>).find((fn) => fn.function_name === "notes-dev-me");
    expect(me.environment.variables.ID_TOKEN_AUDIENCES).toMatch(/^\$\{data\.terraform_remote_state\.[a-z-]+\.outputs\.cross-stack-output-aws_cognito_user_pool_clientauth_client-web_[0-9A-F]+id\}$/);
    expect(me.environment.variables.REQUIRED_SCOPES).toBeUndefined();
    const method = Object.values(json.resource.aws_api_gateway_method as Record<string, any>).find((candidate) => candidate.authorization === "COGNITO_USER_POOLS" && candidate.authorization_scopes === undefined);
    expect(method).toBeDefined();
  });

  test("evaluating twice records each finding once", () => {
    const stack = build();
    const first = stack.policy.evaluate(stack).length;
    Testing.synth(stack);
    expect(stack.policy.evaluate(stack)).toHaveLength(first);
  });
});

describe("suppress", () => {
  test("fails when the reason is shorter than 10 characters", () => {
    const scope = new Construct(Testing.app(), "scope");
    expect(() => suppress(scope, { ruleId: "IAM5", reason: "because" })).toThrow(
      "invalid suppression of 'IAM5' on scope: reason 'because' must be at least 10 characters",
    );
  });

  test("covers the construct's children", () => {
    const parent = new Construct(Testing.app(), "parent");
    const child = new Construct(new Construct(parent, "middle"), "child");
    suppress(parent, { ruleId: "IAM5", reason: "the whole subtree is a sandbox" });
    expect(findSuppression(child, "IAM5", [])?.reason).toBe("the whole subtree is a sandbox");
    expect(findSuppression(child, "IAM4", [])).toBeUndefined();
  });

  test("with appliesTo, covers only findings whose every detail it lists", () => {
    const scope = new Construct(Testing.app(), "scope");
    suppress(scope, { ruleId: "IAM5", reason: "X-Ray has no resource-level permissions", appliesTo: ["Resource::*"] });
    expect(findSuppression(scope, "IAM5", ["Resource::*"])).toBeDefined();
    expect(findSuppression(scope, "IAM5", ["Resource::*", "Action::dynamodb:*"])).toBeUndefined();
  });
});

import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { environments } from "../../environments";
import { notesRoutes } from "../../stacks/api/routes";
import { LAMBDA_RUNTIME } from "../../stacks/functions/node-function";
import { configsOf, findResource, referenceTo, synthNotesStack } from "../helpers/stacks";

const dev = synthNotesStack();
const identifier = environments.dev.auth.resourceServerIdentifier;

function functionOf(handler: string) {
  const name = dev.stack.functions.get(handler)!.functionName;
  return { name, config: findResource(dev.json, "aws_lambda_function", "function_name", name) };
}

function policyOf(functionName: string) {
  const roleName = `${functionName}-role`;
  const roleId = referenceTo(dev.json, "aws_iam_role", "name", roleName, "id");
  const policy = findResource(dev.json, "aws_iam_role_policy", "role", roleId);
  return JSON.parse(policy.policy) as { Statement: Array<{ Effect: string; Action: string[]; Resource: string[] }> };
}

describe("NodeFunction", () => {
  test("one function per route", () => {
    expect(configsOf(dev.json, "aws_lambda_function")).toHaveLength(notesRoutes.length);
  });

  test.each(notesRoutes)("$handler runs on the newest Node.js runtime, arm64, traced, JSON logs", (route) => {
    const { name, config } = functionOf(route.handler);
    expect(config).toMatchObject({
      runtime: LAMBDA_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      memory_size: environments.dev.functions.memoryMb,
      timeout: environments.dev.functions.timeoutSeconds,
      tracing_config: { mode: "Active" },
      logging_config: { log_format: "JSON", log_group: referenceTo(dev.json, "aws_cloudwatch_log_group", "name", `/aws/lambda/${name}`, "name") },
    });
    expect(config.filename).toMatch(/^assets\/[^/]+\/[0-9A-F]{16}\/[a-z-]+-[0-9a-f]{16}\.zip$/);
    expect(config.source_code_hash).toBe(dev.stack.functions.get(route.handler)!.bundle.sourceCodeHash);
    expect(findResource(dev.json, "aws_cloudwatch_log_group", "name", `/aws/lambda/${name}`).retention_in_days).toBe(environments.dev.functions.logRetentionDays);
  });

  test("the newest runtime is nodejs24.x", () => {
    expect(dev.synthesized).toHaveResourceWithProperties(LambdaFunction, { runtime: "nodejs24.x" });
  });

  test.each(notesRoutes.filter((route) => route.scopes))("$handler knows the full scope strings it requires", (route) => {
    const { config } = functionOf(route.handler);
    expect(config.environment.variables.REQUIRED_SCOPES).toBe(route.scopes!.map((scope) => `${identifier}/${scope}`).join(" "));
    expect(config.environment.variables.ALLOWED_ORIGINS).toBe(environments.dev.api.corsAllowedOrigins.join(","));
  });

  test.each(notesRoutes)("$handler may do to the table exactly what its route declares", (route) => {
    const { name, config } = functionOf(route.handler);
    const statements = policyOf(name).Statement;
    const tableArn = "arn:aws:dynamodb:eu-west-1:111122223333:table/notes-dev-notes";
    const tableStatements = statements.filter((statement) => statement.Resource.includes(tableArn));
    const dynamoActions = statements.flatMap((statement) => statement.Action).filter((action) => action.startsWith("dynamodb:"));
    expect(dynamoActions).toEqual(route.tableActions ?? []);
    if (route.tableActions) {
      expect(tableStatements).toEqual([{ Effect: "Allow", Action: route.tableActions, Resource: [tableArn] }]);
      expect(config.environment.variables.TABLE_NAME).toBe(dev.stack.data.table.tableName);
      expect(dev.data.json.resource!.aws_dynamodb_table![Object.keys(dev.data.json.resource!.aws_dynamodb_table!)[0]!]!.name).toBe("notes-dev-notes");
    } else {
      expect(config.environment.variables.TABLE_NAME).toBeUndefined();
    }
  });

  test("read routes cannot write", () => {
    const writeActions = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];
    for (const route of notesRoutes.filter((candidate) => candidate.method === "GET")) {
      const actions = policyOf(functionOf(route.handler).name).Statement.flatMap((statement) => statement.Action);
      expect(actions.filter((action) => writeActions.includes(action))).toEqual([]);
    }
  });

  test("logs go only to the function's own log group; no wildcard action anywhere", () => {
    for (const route of notesRoutes) {
      const { name } = functionOf(route.handler);
      const statements = policyOf(name).Statement;
      const logGroupArn = referenceTo(dev.json, "aws_cloudwatch_log_group", "name", `/aws/lambda/${name}`, "arn");
      expect(statements[0]).toEqual({ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroupArn}:*`] });
      expect(statements.flatMap((statement) => statement.Action).some((action) => action.includes("*"))).toBe(false);
    }
  });

  test("roles are assumable by Lambda only, have no managed policies and carry the environment's boundary", () => {
    for (const role of configsOf(dev.json, "aws_iam_role")) {
      expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
      expect(role.managed_policy_arns).toBeUndefined();
      expect(role.permissions_boundary).toBe("arn:aws:iam::111122223333:policy/notes-dev-function-boundary");
    }
    expect(configsOf(dev.json, "aws_iam_role_policy_attachment")).toHaveLength(0);
  });
});

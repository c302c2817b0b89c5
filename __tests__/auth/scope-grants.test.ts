import { CognitoUserGroup } from "@cdktf/provider-aws/lib/cognito-user-group";
import { CognitoUserPool } from "@cdktf/provider-aws/lib/cognito-user-pool";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { notesScopes } from "../../stacks/auth/clients";
import { notesScopeGrants } from "../../stacks/auth/groups";
import { readScopeGrantEnvironment } from "../../functions/triggers/scope-grants";
import { configsOf, findResource, referenceTo, synthNotesStack } from "../helpers/stacks";

const dev = synthNotesStack().data;
const trigger = findResource(dev.json, "aws_lambda_function", "function_name", "notes-dev-triggers-pre-token-generation");
const triggerRef = (attribute: string) => referenceTo(dev.json, "aws_lambda_function", "function_name", "notes-dev-triggers-pre-token-generation", attribute);
const poolRef = (attribute: string) => referenceTo(dev.json, "aws_cognito_user_pool", "name", "notes-dev-users", attribute);

describe("scope grants: groups and the pre-token-generation trigger", () => {
  test("the pool calls the trigger with event version V2_0, the one that can change access-token scopes", () => {
    expect(dev.synthesized).toHaveResourceWithProperties(CognitoUserPool, {
      name: "notes-dev-users",
      user_pool_tier: "ESSENTIALS",
      lambda_config: { pre_token_generation_config: { lambda_arn: triggerRef("arn"), lambda_version: "V2_0" } },
    });
  });

  test("only Cognito, and only for this pool, may invoke the trigger", () => {
    expect(dev.synthesized).toHaveResourceWithProperties(LambdaPermission, {
      action: "lambda:InvokeFunction",
      function_name: triggerRef("function_name"),
      principal: "cognito-idp.amazonaws.com",
      source_arn: poolRef("arn"),
    });
    expect(configsOf(dev.json, "aws_lambda_permission")).toHaveLength(1);
  });

  test("one group per definition, in the pool, with its description and precedence", () => {
    for (const group of notesScopeGrants.groups) {
      expect(dev.synthesized).toHaveResourceWithProperties(CognitoUserGroup, {
        name: group.name,
        description: group.description,
        precedence: group.precedence,
        user_pool_id: poolRef("id"),
      });
    }
    expect(configsOf(dev.json, "aws_cognito_user_group").map((group) => group.name).sort()).toEqual(["editors", "readers"]);
  });

  test("the trigger is bundled like the handlers and gets the mapping, generated from the config, through its environment", () => {
    expect(dev.synthesized).toHaveResourceWithProperties(LambdaFunction, {
      function_name: "notes-dev-triggers-pre-token-generation",
      runtime: "nodejs24.x",
      architectures: ["arm64"],
      handler: "index.handler",
      timeout: 5,
    });
    const mapping = readScopeGrantEnvironment(trigger.environment.variables);
    expect(mapping).toEqual({
      scopePrefix: "https://notes.example.com/",
      managedScopes: notesScopes.map((scope) => scope.name),
      groupScopes: Object.fromEntries(notesScopeGrants.groups.map((group) => [group.name, group.scopes])),
      scopesWithoutGroup: notesScopeGrants.withoutGroup,
    });
  });

  test("the trigger's role may write its logs and traces and nothing else", () => {
    const role = findResource(dev.json, "aws_iam_role", "name", "notes-dev-triggers-pre-token-generation-role");
    const policies = configsOf(dev.json, "aws_iam_role_policy");
    expect(policies).toHaveLength(1);
    const actions = JSON.parse(policies[0]!.policy).Statement.flatMap((statement: { Action: string[] }) => statement.Action).sort();
    expect(actions).toEqual(["logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]);
    expect(role.permissions_boundary).toContain(":policy/notes-dev-function-boundary");
  });

  test("without groups there is no trigger, no permission and no group: scopes stay per client", () => {
    const plain = synthNotesStack({ scopeGrants: { groups: [] } }).data.json;
    expect(configsOf(plain, "aws_lambda_function")).toEqual([]);
    expect(configsOf(plain, "aws_lambda_permission")).toEqual([]);
    expect(configsOf(plain, "aws_cognito_user_group")).toEqual([]);
    expect(configsOf(plain, "aws_cognito_user_pool")[0]!.lambda_config).toBeUndefined();
  });
});

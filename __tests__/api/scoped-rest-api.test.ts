import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { environments } from "../../environments";
import { executionArnPath } from "../../stacks/api/route-paths";
import { notesRoutes } from "../../stacks/api/routes";
import { configsOf, findResource, referenceTo, synthNotesStack } from "../helpers/stacks";

const identifier = environments.dev.auth.resourceServerIdentifier;
const dev = synthNotesStack();
const methods = configsOf(dev.json, "aws_api_gateway_method");

function methodOf(httpMethod: string, path: string) {
  const resourceRef = referenceTo(dev.json, "aws_api_gateway_resource", "path_part", path.split("/").at(-1), "id");
  const candidates = methods.filter((method) => method.http_method === httpMethod && method.resource_id === resourceRef);
  expect(candidates).toHaveLength(1);
  return candidates[0]!;
}

describe("ScopedRestApi", () => {
  test("is a regional REST API", () => {
    expect(dev.synthesized).toHaveResourceWithProperties(ApiGatewayRestApi, {
      name: "notes-dev-api",
      endpoint_configuration: { types: ["REGIONAL"] },
    });
  });

  test("has one Cognito authorizer on the data stack's user pool (through remote state), type stated explicitly", () => {
    expect(configsOf(dev.json, "aws_api_gateway_authorizer")).toHaveLength(1);
    const [remoteState] = Object.keys(dev.json.data!.terraform_remote_state!);
    const poolArnOutput = Object.keys(dev.data.json.output as object).find((name) => /aws_cognito_user_pool.*arn$/.test(name));
    expect((dev.data.json.output as Record<string, { value: string }>)[poolArnOutput!]!.value).toBe(referenceTo(dev.data.json, "aws_cognito_user_pool", "name", "notes-dev-users", "arn"));
    expect(dev.synthesized).toHaveResourceWithProperties(ApiGatewayAuthorizer, {
      type: "COGNITO_USER_POOLS",
      provider_arns: [`\${data.terraform_remote_state.${remoteState}.outputs.${poolArnOutput}}`],
      identity_source: "method.request.header.Authorization",
      authorizer_result_ttl_in_seconds: 300,
    });
  });

  test.each(notesRoutes.filter((route) => !route.public))(
    "$method $path takes only access tokens with its scopes",
    (route) => {
      const method = methodOf(route.method, route.path);
      expect(method.authorization).toBe("COGNITO_USER_POOLS");
      expect(method.authorizer_id).toBe(referenceTo(dev.json, "aws_api_gateway_authorizer", "type", "COGNITO_USER_POOLS", "id"));
      expect(method.authorization_scopes).toEqual(route.scopes!.map((scope) => `${identifier}/${scope}`));
    },
  );

  test("GET /health is the only method without auth besides the preflights", () => {
    const open = methods.filter((method) => method.authorization === "NONE");
    expect(open.filter((method) => method.http_method !== "OPTIONS")).toEqual([methodOf("GET", "/health")]);
    expect(methods.filter((method) => method.authorization === "COGNITO_USER_POOLS")).toHaveLength(notesRoutes.length - 1);
    expect(methods.every((method) => method.authorization !== "COGNITO_USER_POOLS" || method.authorization_scopes?.length > 0)).toBe(true);
  });

  test("path parameters are declared on the method", () => {
    expect(methodOf("GET", "/notes/{id}").request_parameters).toEqual({ "method.request.path.id": true });
  });

  test.each(notesRoutes)("$method $path is a Lambda proxy integration of its own function", (route) => {
    const method = methodOf(route.method, route.path);
    const functionName = dev.stack.functions.get(route.handler)!.functionName;
    // The invoke ARN is named, not referenced, so the deployment does not depend on the function.
    const invokeArn = `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:${functionName}/invocations`;
    expect(findResource(dev.json, "aws_lambda_function", "function_name", functionName).function_name).toBe(functionName);
    const integration = findResource(dev.json, "aws_api_gateway_integration", "uri", invokeArn);
    expect(integration.resource_id).toBe(method.resource_id);
    expect(dev.synthesized).toHaveResourceWithProperties(ApiGatewayIntegration, {
      type: "AWS_PROXY",
      integration_http_method: "POST",
      uri: invokeArn,
    });
  });

  test.each(notesRoutes)("only stage dev, $method and $path may invoke the function", (route) => {
    const functionName = dev.stack.functions.get(route.handler)!.functionName;
    const permission = findResource(
      dev.json,
      "aws_lambda_permission",
      "function_name",
      referenceTo(dev.json, "aws_lambda_function", "function_name", functionName, "function_name"),
    );
    const executionArn = referenceTo(dev.json, "aws_api_gateway_rest_api", "name", "notes-dev-api", "execution_arn");
    expect(permission.principal).toBe("apigateway.amazonaws.com");
    expect(permission.source_arn).toBe(`${executionArn}/dev/${route.method}/${executionArnPath(route.path)}`);
  });

  test("path parameters match any value in the permission's source ARN", () => {
    expect(executionArnPath("/notes/{id}")).toBe("notes/*");
  });

  describe("CORS", () => {
    const preflights = methods.filter((method) => method.http_method === "OPTIONS");

    test("every resource with routes has an OPTIONS preflight without auth", () => {
      expect(preflights).toHaveLength(new Set(notesRoutes.map((route) => route.path)).size);
      expect(preflights.every((method) => method.authorization === "NONE")).toBe(true);
    });

    test("preflights are answered by API Gateway with 204 and the allowed methods", () => {
      const mocks = configsOf(dev.json, "aws_api_gateway_integration").filter((integration) => integration.type === "MOCK");
      expect(mocks).toHaveLength(preflights.length);
      expect(mocks.every((mock) => mock.request_templates["application/json"] === '{"statusCode": 204}')).toBe(true);
      const notesResponse = configsOf(dev.json, "aws_api_gateway_integration_response").find((response) =>
        response.response_parameters["method.response.header.Access-Control-Allow-Methods"] === "'GET,POST,OPTIONS'",
      );
      expect(notesResponse?.status_code).toMatch(/^\$\{aws_api_gateway_method_response\.[^.]+\.status_code\}$/);
      expect(notesResponse?.response_parameters["method.response.header.Access-Control-Allow-Headers"]).toBe("'Authorization,Content-Type'");
    });

    test("with several origins the preflight echoes only an allowed origin", () => {
      const template: string = configsOf(dev.json, "aws_api_gateway_integration_response")[0]!.response_templates["application/json"];
      for (const origin of environments.dev.api.corsAllowedOrigins) expect(template).toContain(`$origin == '${origin}'`);
      expect(template).toContain("#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)");
    });

    test("with one origin the preflight states it statically", () => {
      const prod = synthNotesStack({}, "prod");
      const response = configsOf(prod.json, "aws_api_gateway_integration_response")[0]!;
      expect(response.response_parameters["method.response.header.Access-Control-Allow-Origin"]).toBe("'https://notes.example.com'");
      expect(response.response_templates).toBeUndefined();
      expect(prod.synthesized).toHaveResourceWithProperties(ApiGatewayGatewayResponse, {
        response_type: "UNAUTHORIZED",
        response_parameters: {
          "gatewayresponse.header.Access-Control-Allow-Origin": "'https://notes.example.com'",
          "gatewayresponse.header.Vary": "'Origin'",
          "gatewayresponse.header.WWW-Authenticate": "'Bearer'",
        },
      });
    });

    test.each([
      ["UNAUTHORIZED", "401"],
      ["ACCESS_DENIED", "403"],
      ["DEFAULT_4XX", undefined],
      ["DEFAULT_5XX", undefined],
    ])("gateway response %s carries the CORS headers", (responseType, statusCode) => {
      const response = findResource(dev.json, "aws_api_gateway_gateway_response", "response_type", responseType);
      expect(response.status_code).toBe(statusCode);
      expect(response.response_parameters["gatewayresponse.header.Access-Control-Allow-Origin"]).toBe("method.request.header.Origin");
      expect(response.response_parameters["gatewayresponse.header.Vary"]).toBe("'Origin'");
      expect(response.response_templates["application/json"]).toBe('{"message":$context.error.messageString}');
    });

    test("the 401 tells clients to send a bearer token", () => {
      expect(dev.synthesized).toHaveResourceWithProperties(ApiGatewayGatewayResponse, {
        response_type: "UNAUTHORIZED",
        status_code: "401",
        response_parameters: {
          "gatewayresponse.header.Access-Control-Allow-Origin": "method.request.header.Origin",
          "gatewayresponse.header.Vary": "'Origin'",
          "gatewayresponse.header.WWW-Authenticate": "'Bearer'",
        },
      });
    });
  });

  test("resources form the route tree", () => {
    const resources = configsOf(dev.json, "aws_api_gateway_resource");
    // One resource per distinct path prefix of the route table
    const prefixes = new Set(notesRoutes.flatMap((route) => route.path.split("/").slice(1).map((_, index, parts) => parts.slice(0, index + 1).join("/"))));
    expect(resources).toHaveLength(prefixes.size);
    expect(resources.map((resource) => resource.path_part).sort()).toEqual([...prefixes].map((prefix) => prefix.split("/").at(-1)).sort());
    expect(resources.map((resource) => resource.path_part)).toEqual(expect.arrayContaining(["health", "me", "notes", "{id}"]));
    const notesId = referenceTo(dev.json, "aws_api_gateway_resource", "path_part", "notes", "id");
    expect(findResource(dev.json, "aws_api_gateway_resource", "path_part", "{id}").parent_id).toBe(notesId);
  });

  test("method count matches the route table plus one preflight per path", () => {
    expect(dev.synthesized).toHaveResource(ApiGatewayMethod);
    expect(methods).toHaveLength(notesRoutes.length + new Set(notesRoutes.map((route) => route.path)).size);
  });
});

import { Construct } from "constructs";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodResponse } from "@cdktf/provider-aws/lib/api-gateway-method-response";
import type { TerraformResource } from "cdktf";
import { CORS_ALLOWED_HEADERS, CORS_MAX_AGE_SECONDS, originOverrideTemplate, staticValue } from "./cors";

export interface CorsPreflightProps {
  readonly restApiId: string;
  readonly resourceId: string;
  /** Methods of the resource, listed in `Access-Control-Allow-Methods` with OPTIONS. */
  readonly methods: readonly string[];
  readonly allowedOrigins: readonly string[];
}

/**
 * OPTIONS without auth, answered by API Gateway itself (MOCK, 204): browsers send preflights
 * without the Authorization header, so an authorizer here would break every cross-origin call.
 */
export class CorsPreflight extends Construct {
  readonly method: ApiGatewayMethod;
  /** Every resource of the preflight, for the deployment's triggers. */
  readonly members: readonly TerraformResource[];

  constructor(scope: Construct, id: string, props: CorsPreflightProps) {
    super(scope, id);
    const target = { restApiId: props.restApiId, resourceId: props.resourceId, httpMethod: "OPTIONS" };
    const headers = {
      "Access-Control-Allow-Origin": props.allowedOrigins[0] ?? "",
      "Access-Control-Allow-Methods": [...props.methods, "OPTIONS"].join(","),
      "Access-Control-Allow-Headers": CORS_ALLOWED_HEADERS,
      "Access-Control-Max-Age": String(CORS_MAX_AGE_SECONDS),
      Vary: "Origin",
    };

    this.method = new ApiGatewayMethod(this, "method", { ...target, authorization: "NONE" });
    const integration = new ApiGatewayIntegration(this, "integration", {
      ...target,
      httpMethod: this.method.httpMethod,
      type: "MOCK",
      requestTemplates: { "application/json": '{"statusCode": 204}' },
    });
    const methodResponse = new ApiGatewayMethodResponse(this, "method-response", {
      ...target,
      httpMethod: this.method.httpMethod,
      statusCode: "204",
      responseParameters: Object.fromEntries(Object.keys(headers).map((name) => [`method.response.header.${name}`, true])),
    });
    const template = originOverrideTemplate(props.allowedOrigins);
    const integrationResponse = new ApiGatewayIntegrationResponse(this, "integration-response", {
      ...target,
      httpMethod: this.method.httpMethod,
      statusCode: methodResponse.statusCode,
      responseParameters: Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [`method.response.header.${name}`, staticValue(value)]),
      ),
      responseTemplates: template ? { "application/json": template } : undefined,
      dependsOn: [integration],
    });
    this.members = [this.method, integration, methodResponse, integrationResponse];
  }
}

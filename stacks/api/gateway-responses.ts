import { Construct } from "constructs";
import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
import { singleOrigin, staticValue } from "./cors";

export interface GatewayResponsesProps {
  readonly restApiId: string;
  readonly allowedOrigins: readonly string[];
}

/** Responses API Gateway sends itself (401 from the authorizer, throttling, 5xx) and their status. */
export const GATEWAY_RESPONSES = [
  { responseType: "UNAUTHORIZED", statusCode: "401" },
  { responseType: "ACCESS_DENIED", statusCode: "403" },
  { responseType: "DEFAULT_4XX" },
  { responseType: "DEFAULT_5XX" },
] as const;

/**
 * CORS headers on API Gateway's own answers: without them a browser sees a 401 as an opaque
 * network error and the app cannot tell the user to sign in again.
 */
export class GatewayResponses extends Construct {
  readonly responses: readonly ApiGatewayGatewayResponse[];

  constructor(scope: Construct, id: string, props: GatewayResponsesProps) {
    super(scope, id);
    const origin = singleOrigin(props.allowedOrigins);
    const cors = {
      "gatewayresponse.header.Access-Control-Allow-Origin":
        origin === undefined ? "method.request.header.Origin" : staticValue(origin),
      "gatewayresponse.header.Vary": staticValue("Origin"),
    };
    this.responses = GATEWAY_RESPONSES.map(
      (response) =>
        new ApiGatewayGatewayResponse(this, response.responseType.toLowerCase(), {
          restApiId: props.restApiId,
          responseType: response.responseType,
          statusCode: "statusCode" in response ? response.statusCode : undefined,
          responseParameters:
            response.responseType === "UNAUTHORIZED"
              ? { ...cors, "gatewayresponse.header.WWW-Authenticate": staticValue("Bearer") }
              : cors,
          responseTemplates: { "application/json": '{"message":$context.error.messageString}' },
        }),
    );
  }
}

import { Construct } from "constructs";
import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Authorizer } from "@cdktf/provider-aws/lib/apigatewayv2-authorizer";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import type { MappedApi } from "../domains/api-custom-domain";
import type { ApiMetricsSource } from "../monitoring/service-alarms";
import { suppress } from "../suppressions";
import { CORS_ALLOWED_HEADERS, CORS_MAX_AGE_SECONDS } from "./cors";
import { executionArnPath, routeId } from "./route-paths";
import type { ScopedApiProps } from "./scoped-rest-api";
import type { Route } from "./routes";

export interface ScopedHttpApiProps extends ScopedApiProps {
  /** The user pool's issuer, `https://cognito-idp.<region>.amazonaws.com/<pool id>`: the `iss` of its tokens. */
  readonly issuer: string;
  /** Ids of the app clients whose tokens the API takes: an access token's `client_id` or an ID token's `aud` must be one. */
  readonly audience: readonly string[];
}

/** The payload format of every Lambda integration (docs/api-flavours.md says why 2.0). */
export const HTTP_PAYLOAD_FORMAT = "2.0";

/** One JSON object per request; `authorizerError` says why a call got 401 or 403. */
export const HTTP_ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  routeKey: "$context.routeKey",
  status: "$context.status",
  responseLength: "$context.responseLength",
  integrationLatency: "$context.integrationLatency",
  errorMessage: "$context.error.message",
  authorizerError: "$context.authorizer.error",
  clientId: "$context.authorizer.claims.client_id",
  sub: "$context.authorizer.claims.sub",
});

/** A route's key as an HTTP API declares it: `GET /notes/{id}`. */
export function routeKey(route: Pick<Route, "method" | "path">): string {
  return `${route.method} ${route.path}`;
}

/**
 * An HTTP API built from the route table: a JWT authorizer that trusts the user pool's issuer for
 * its clients, every non-public route with the route's `authorization_scopes` (a token without one
 * of them gets 403), Lambda proxy integrations (payload 2.0), CORS answered by API Gateway, and an
 * auto-deployed stage with access logs and throttling (docs/aws-facts.md §11).
 */
export class ScopedHttpApi extends Construct {
  readonly flavour = "http-jwt" as const;
  readonly httpApi: Apigatewayv2Api;
  readonly authorizer: Apigatewayv2Authorizer;
  readonly routes: ReadonlyMap<string, Apigatewayv2Route>;
  readonly stage: Apigatewayv2Stage;
  readonly accessLogGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: ScopedHttpApiProps) {
    super(scope, id);
    const { api, routes } = props;

    this.httpApi = new Apigatewayv2Api(this, "http-api", {
      name: props.name,
      protocolType: "HTTP",
      disableExecuteApiEndpoint: props.disableExecuteApiEndpoint ?? false,
      // API Gateway answers every preflight and adds the CORS headers to every answer, the
      // authorizer's 401 and 403 included; it ignores CORS headers an integration returns.
      corsConfiguration: {
        allowOrigins: [...api.corsAllowedOrigins],
        allowMethods: [...new Set(routes.map((route) => route.method))].sort(),
        allowHeaders: CORS_ALLOWED_HEADERS.toLowerCase().split(","),
        maxAge: CORS_MAX_AGE_SECONDS,
      },
    });
    const apiId = this.httpApi.id;

    this.authorizer = new Apigatewayv2Authorizer(this, "authorizer", {
      apiId,
      name: `${props.name}-jwt`,
      authorizerType: "JWT",
      identitySources: ["$request.header.Authorization"],
      jwtConfiguration: { issuer: props.issuer, audience: [...props.audience] },
    });

    const routeMap = new Map<string, Apigatewayv2Route>();
    for (const route of routes) {
      const id = routeId(route);
      const integration = new Apigatewayv2Integration(this, `integration_${id}`, {
        apiId,
        integrationType: "AWS_PROXY",
        // Named, not referenced, as the REST API's integrations are: the function's ARN.
        integrationUri: `arn:aws:lambda:${props.region}:${props.accountId}:function:${props.functionNameFor(route)}`,
        integrationMethod: "POST",
        payloadFormatVersion: HTTP_PAYLOAD_FORMAT,
      });
      const resource = new Apigatewayv2Route(this, `route_${id}`, {
        apiId,
        routeKey: routeKey(route),
        target: `integrations/${integration.id}`,
        ...(route.public !== undefined
          ? { authorizationType: "NONE" }
          : {
              authorizationType: "JWT",
              authorizerId: this.authorizer.id,
              authorizationScopes: route.scopes?.length ? route.scopes.map(props.scopeString) : undefined,
            }),
      });
      if (route.public !== undefined) suppress(resource, { ruleId: "APIG4", reason: `declared public: ${route.public}` });
      if (route.acceptIdToken !== undefined) suppress(resource, { ruleId: "APIG-SCOPES", reason: `accepts ID tokens: ${route.acceptIdToken}` });
      routeMap.set(routeKey(route), resource);
    }
    this.routes = routeMap;

    // Under `stage`, as the REST API's: the access log group has the same Terraform address in both
    // flavours, so switching an environment's flavour keeps it (its name is the same too).
    const stageScope = new Construct(this, "stage");
    this.accessLogGroup = new CloudwatchLogGroup(stageScope, "access-logs", {
      name: `/aws/apigateway/${props.name}/${api.stageName}/access`,
      retentionInDays: api.accessLogRetentionDays,
    });
    // Every change to a route, an integration or the authorizer is live without a deployment resource.
    this.stage = new Apigatewayv2Stage(stageScope, "stage", {
      apiId,
      name: api.stageName,
      autoDeploy: true,
      accessLogSettings: { destinationArn: this.accessLogGroup.arn, format: HTTP_ACCESS_LOG_FORMAT },
      defaultRouteSettings: {
        throttlingBurstLimit: api.throttling.burstLimit,
        throttlingRateLimit: api.throttling.rateLimit,
        // Per-route metrics (ApiId, Stage, Route) for the dashboard.
        detailedMetricsEnabled: true,
      },
    });

    // Only this stage, method and path may invoke each function (docs/aws-facts.md §3, CKV_AWS_364).
    for (const route of routes) {
      new LambdaPermission(this, `permission_${routeId(route)}`, {
        statementId: "AllowApiGatewayInvoke",
        action: "lambda:InvokeFunction",
        functionName: props.functionFor(route).functionName,
        principal: "apigateway.amazonaws.com",
        sourceArn: `${this.httpApi.executionArn}/${api.stageName}/${route.method}/${executionArnPath(route.path)}`,
      });
    }
  }

  get invokeUrl(): string {
    return this.stage.invokeUrl;
  }

  /** The stage resource: what suppressions attach to (AWS WAF cannot protect an HTTP API). */
  get stageResource() {
    return this.stage;
  }

  /** Where API Gateway reports the stage's metrics: by the API's id. */
  get metrics(): ApiMetricsSource {
    return { kind: "http", apiId: this.httpApi.id };
  }

  /** What a custom domain maps: the stage, at the root of the name. */
  get mapping(): MappedApi {
    return { kind: "http", apiId: this.httpApi.id, stageName: this.stage.name };
  }
}

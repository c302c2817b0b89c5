import { Construct } from "constructs";
import type { TerraformResource } from "cdktf";
import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import type { ApiConfig } from "../config";
import type { MappedApi } from "../domains/api-custom-domain";
import type { ApiMetricsSource } from "../monitoring/service-alarms";
import { suppress } from "../suppressions";
import { ApiStage } from "./api-stage";
import { CorsPreflight } from "./cors-preflight";
import { GatewayResponses } from "./gateway-responses";
import { executionArnPath, parentPath, pathId, pathParameters, pathSegments, resourcePaths, routeId } from "./route-paths";
import type { Route } from "./routes";

/** What every flavour's API is built from: the route table and the functions that serve it. */
export interface ScopedApiProps {
  /** API name, for example `notes-dev-api`. */
  readonly name: string;
  readonly api: ApiConfig;
  readonly routes: readonly Route[];
  /** Full scope string of a scope name: `<identifier>/<name>`. */
  readonly scopeString: (name: string) => string;
  /** The function that serves a route. */
  readonly functionFor: (route: Route) => LambdaFunction;
  /** The configured name of the function that serves a route. */
  readonly functionNameFor: (route: Route) => string;
  /** Region and account of the functions, to name their invoke ARNs without a reference. */
  readonly region: string;
  readonly accountId: string;
  /** Turn off the execute-api endpoint (the API answers at its custom domain only). @default false */
  readonly disableExecuteApiEndpoint?: boolean;
}

export interface ScopedRestApiProps extends ScopedApiProps {
  /** ARN of the user pool whose access tokens the authorizer accepts. */
  readonly userPoolArn: string;
}

/** The integration URI API Gateway calls a Lambda function through (`invoke_arn` of the function). */
export function lambdaInvokeUri(region: string, accountId: string, functionName: string): string {
  return `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:${accountId}:function:${functionName}/invocations`;
}

/**
 * A regional REST API built from the route table: every non-public method uses the Cognito
 * authorizer with `authorization_scopes`, so it accepts only access tokens holding one of the
 * route's scopes (docs/aws-facts.md §1).
 */
export class ScopedRestApi extends Construct {
  readonly flavour = "rest-cognito" as const;
  /** The API's name, as configured: the metrics' dimension, known at synth. */
  private readonly apiName: string;
  readonly restApi: ApiGatewayRestApi;
  readonly authorizer: ApiGatewayAuthorizer;
  readonly methods: ReadonlyMap<string, ApiGatewayMethod>;
  readonly stage: ApiStage;

  constructor(scope: Construct, id: string, props: ScopedRestApiProps) {
    super(scope, id);
    const { api, routes } = props;
    this.apiName = props.name;

    this.restApi = new ApiGatewayRestApi(this, "rest-api", {
      name: props.name,
      endpointConfiguration: { types: ["REGIONAL"] },
      disableExecuteApiEndpoint: props.disableExecuteApiEndpoint ?? false,
    });
    const restApiId = this.restApi.id;

    // type defaults to TOKEN in the provider: state it (docs/aws-facts.md §3).
    this.authorizer = new ApiGatewayAuthorizer(this, "authorizer", {
      name: `${props.name}-cognito`,
      restApiId,
      type: "COGNITO_USER_POOLS",
      providerArns: [props.userPoolArn],
      identitySource: "method.request.header.Authorization",
      authorizerResultTtlInSeconds: api.authorizerCacheTtlSeconds ?? 300,
    });

    const members: TerraformResource[] = [this.authorizer];
    const resourceIds = new Map<string, string>([["/", this.restApi.rootResourceId]]);
    for (const path of resourcePaths(routes)) {
      const resource = new ApiGatewayResource(this, `resource_${pathId(path)}`, {
        restApiId,
        parentId: resourceIds.get(parentPath(path)) ?? this.restApi.rootResourceId,
        pathPart: pathSegments(path).at(-1) ?? "",
      });
      resourceIds.set(path, resource.id);
      members.push(resource);
    }
    const resourceIdOf = (path: string) => resourceIds.get(pathSegments(path).length ? path : "/") ?? this.restApi.rootResourceId;

    const methods = new Map<string, ApiGatewayMethod>();
    const permissions: Array<{ route: Route; fn: LambdaFunction }> = [];
    for (const route of routes) {
      const id = routeId(route);
      const resourceId = resourceIdOf(route.path);
      const parameters = pathParameters(route.path);
      const method = new ApiGatewayMethod(this, `method_${id}`, {
        restApiId,
        resourceId,
        httpMethod: route.method,
        ...(route.public !== undefined
          ? { authorization: "NONE" }
          : {
              authorization: "COGNITO_USER_POOLS",
              authorizerId: this.authorizer.id,
              authorizationScopes: route.scopes?.length ? route.scopes.map(props.scopeString) : undefined,
            }),
        requestParameters: parameters.length
          ? Object.fromEntries(parameters.map((name) => [`method.request.path.${name}`, true]))
          : undefined,
      });
      if (route.public !== undefined) suppress(method, { ruleId: "APIG4", reason: `declared public: ${route.public}` });
      if (route.acceptIdToken !== undefined) suppress(method, { ruleId: "APIG-SCOPES", reason: `accepts ID tokens: ${route.acceptIdToken}` });
      const fn = props.functionFor(route);
      const integration = new ApiGatewayIntegration(this, `integration_${id}`, {
        restApiId,
        resourceId,
        httpMethod: method.httpMethod,
        type: "AWS_PROXY",
        integrationHttpMethod: "POST",
        // Named, not referenced: a reference would make the function a dependency of the deployment, and
        // create_before_destroy spreads to dependencies (a same-name replacement would clash). A renamed
        // function changes this text, and so both deployment triggers.
        uri: lambdaInvokeUri(props.region, props.accountId, props.functionNameFor(route)),
      });
      methods.set(`${route.method} ${route.path}`, method);
      members.push(method, integration);
      permissions.push({ route, fn });
    }
    this.methods = methods;

    for (const path of new Set(routes.map((route) => route.path))) {
      const preflight = new CorsPreflight(this, `cors_${pathId(path)}`, {
        restApiId,
        resourceId: resourceIdOf(path),
        methods: routes.filter((route) => route.path === path).map((route) => route.method),
        allowedOrigins: api.corsAllowedOrigins,
      });
      members.push(...preflight.members);
    }

    const gatewayResponses = new GatewayResponses(this, "gateway-responses", {
      restApiId,
      allowedOrigins: api.corsAllowedOrigins,
    });
    members.push(...gatewayResponses.responses);

    this.stage = new ApiStage(this, "stage", { restApiId, apiName: props.name, api, members });

    // Only this stage, method and path may invoke each function (docs/aws-facts.md §3, CKV_AWS_364).
    for (const { route, fn } of permissions) {
      new LambdaPermission(this, `permission_${routeId(route)}`, {
        statementId: "AllowApiGatewayInvoke",
        action: "lambda:InvokeFunction",
        functionName: fn.functionName,
        principal: "apigateway.amazonaws.com",
        sourceArn: `${this.restApi.executionArn}/${api.stageName}/${route.method}/${executionArnPath(route.path)}`,
      });
    }
  }

  get invokeUrl(): string {
    return this.stage.stage.invokeUrl;
  }

  /** The stage resource: what suppressions and a web ACL attach to. */
  get stageResource() {
    return this.stage.stage;
  }

  /** Where API Gateway reports the stage's metrics: by the API's name. */
  get metrics(): ApiMetricsSource {
    return { kind: "rest", apiName: this.apiName };
  }

  /** What a custom domain maps: the stage, at the root of the name. */
  get mapping(): MappedApi {
    return { kind: "rest", restApiId: this.restApi.id, stageName: this.stage.stage.stageName };
  }
}

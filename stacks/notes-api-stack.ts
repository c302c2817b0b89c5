import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { ScopedRestApi } from "./api/scoped-rest-api";
import { ScopedHttpApi } from "./api/scoped-http-api";
import { functionNameFor, handlerSlug } from "./api/route-paths";
import { notesRoutes, type Route } from "./api/routes";
import { CognitoAuth } from "./auth/cognito-auth";
import { notesClients, notesScopes, type AppClientDefinition, type ScopeDefinition } from "./auth/clients";
import { environmentHandlers, notesScopeGrants, type ScopeGrants } from "./auth/groups";
import { apiFlavour, isOptOut, type EnvironmentConfig } from "./config";
import { ApiCustomDomain } from "./domains/api-custom-domain";
import { customApiUrl, hostedUiUrl } from "./domains/endpoints";
import { Dashboard } from "./monitoring/dashboard";
import { ApiAlarms, FunctionAlarms } from "./monitoring/service-alarms";
import { suppress } from "./suppressions";
import { WebAcl } from "./waf/web-acl";
import { WAF_DEFAULTS } from "./notes-data-stack";
import { prebuildFunctions } from "./functions/bundle";
import { NODE_TARGET, NodeFunction } from "./functions/node-function";
import { checkAuthConfig } from "./guard/auth-guard";
import { GuardError } from "./guard/guard-error";
import { AuthMatrixFiles } from "./matrix/auth-matrix-files";
import { buildOpenApi, OPENAPI_FILE } from "./openapi/openapi";
import { StackFiles } from "./stack-files";
import { version } from "../package.json";
import { buildAuthMatrix } from "./matrix/auth-matrix";
import { CheckedStack } from "./policy/checked-stack";
import { NotesDataStack } from "./notes-data-stack";
import { dataStackName } from "./stack-names";
import { configureBackend } from "./state/backend";
import { environmentTags, functionBoundaryArn } from "./iam/deploy-environment";
import { configureAwsProvider } from "./state/provider";

export interface NotesApiStackProps {
  readonly config: EnvironmentConfig;
  /** @default notesRoutes */
  readonly routes?: readonly Route[];
  /** @default notesScopes */
  readonly scopes?: readonly ScopeDefinition[];
  /** @default notesClients(config.auth) */
  readonly clients?: readonly AppClientDefinition[];
  /** @default notesScopeGrants */
  readonly scopeGrants?: ScopeGrants;
  /** Environment variables that may name the state bucket. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * One environment of the notes API: the scoped API of its flavour (a REST API with the Cognito
 * authorizer, or an HTTP API with a JWT authorizer) and its functions. It creates the
 * environment's stateful stack (`<name>-data`: Cognito and the table) beside itself, and reads the
 * pool's ARN and the client ids from it through remote state.
 */
export class NotesApiStack extends CheckedStack {
  readonly data: NotesDataStack;
  readonly auth: CognitoAuth;
  readonly api: ScopedRestApi | ScopedHttpApi;
  readonly functions: ReadonlyMap<string, NodeFunction>;
  /** The API at its own name, when `domains.api` is set. */
  readonly customDomain?: ApiCustomDomain;
  /**
   * @throws GuardError listing every misconfiguration, before any resource exists
   */
  constructor(scope: Construct, id: string, props: NotesApiStackProps) {
    super(scope, id);
    const { config } = props;
    const routes = props.routes ?? notesRoutes;
    const scopes = props.scopes ?? notesScopes;
    const clients = props.clients ?? notesClients(config.auth);
    const scopeGrants = props.scopeGrants ?? notesScopeGrants;
    const name = `${config.namePrefix}-${config.name}`;
    const misconfigurations = checkAuthConfig({ config, routes, scopes, clients, scopeGrants });
    if (misconfigurations.length) throw new GuardError(misconfigurations);

    configureAwsProvider(this, { ...config, tags: environmentTags(config) });
    configureBackend(this, config, id, props.env);
    // One esbuild call for every handler of the environment; each NodeFunction then finds its zip built.
    prebuildFunctions(environmentHandlers(routes, scopeGrants), NODE_TARGET);
    const tableOperations = [...new Set(routes.flatMap((route) => route.tableActions ?? []).map((action) => action.replace(/^dynamodb:/, "")))].sort();
    this.data = new NotesDataStack(scope, dataStackName(id), { config, scopes, clients, scopeGrants, tableOperations, env: props.env });
    this.auth = this.data.auth;
    const { table } = this.data;
    const functions = new Map<string, NodeFunction>();
    for (const route of routes) {
      const slug = handlerSlug(route.handler);
      const tableActions = route.tableActions ?? [];
      functions.set(
        route.handler,
        new NodeFunction(this, `fn-${slug}`, {
          functionName: functionNameFor(config, route.handler),
          handler: route.handler,
          memoryMb: config.functions.memoryMb,
          timeoutSeconds: config.functions.timeoutSeconds,
          logRetentionDays: config.functions.logRetentionDays,
          permissionsBoundary: functionBoundaryArn(config),
          environment: {
            ALLOWED_ORIGINS: config.api.corsAllowedOrigins.join(","),
            ...(route.scopes ? { REQUIRED_SCOPES: route.scopes.map((scope) => this.auth.scopeString(scope)).join(" ") } : {}),
            ...(route.acceptIdToken !== undefined ? { ID_TOKEN_AUDIENCES: this.auth.idTokenClientIds.join(",") } : {}),
            ...(tableActions.length ? { TABLE_NAME: table.tableName } : {}),
          },
          statements: tableActions.length ? [{ actions: tableActions, resources: [table.tableArn] }] : [],
        }),
      );
    }
    this.functions = functions;

    const common = {
      api: config.api,
      routes,
      scopeString: (scope: string) => this.auth.scopeString(scope),
      functionFor: (route: Route) => functions.get(route.handler)!.function,
      functionNameFor: (route: Route) => functions.get(route.handler)!.functionName,
      region: config.region,
      accountId: config.accountId,
      disableExecuteApiEndpoint: config.domains?.disableExecuteApiEndpoint,
    };
    this.api =
      apiFlavour(config) === "http-jwt"
        ? new ScopedHttpApi(this, "api", { ...common, name: `${name}-api`, issuer: this.auth.issuer, audience: [...this.auth.clients.values()].map((client) => client.id) })
        : new ScopedRestApi(this, "api", { ...common, name: `${name}-api`, userPoolArn: this.auth.userPool.arn });
    this.customDomain = config.domains?.api
      ? new ApiCustomDomain(this, "api-domain", { domainName: config.domains.api, hostedZoneId: config.domains.hostedZoneId, api: this.api.mapping, certificateArn: config.domains.certificateArns?.api })
      : undefined;
    this.operations(config, name, routes, tableOperations);

    this.outputs();
    new StackFiles(this, "openapi", () => ({
      [OPENAPI_FILE]:
        JSON.stringify(
          buildOpenApi({
            stack: config.name,
            flavour: this.api.flavour,
            version,
            region: config.region,
            stageName: config.api.stageName,
            resourceServerIdentifier: config.auth.resourceServerIdentifier,
            hostedUiUrl: hostedUiUrl(config),
            customApiUrl: customApiUrl(config),
            executeApiEndpoint: !config.domains?.disableExecuteApiEndpoint,
            routes,
            scopes,
          }),
          null,
          2,
        ) + "\n",
    }));
    new AuthMatrixFiles(this, "auth-matrix", () =>
      buildAuthMatrix({
        stack: config.name,
        flavour: this.api.flavour,
        resourceServerIdentifier: config.auth.resourceServerIdentifier,
        routes,
        scopes,
        clients,
        scopeGrants,
        tokenValidity: config.auth.tokenValidity,
        findings: [...this.data.policy.evaluate(this.data), ...this.policy.evaluate(this)],
      }),
    );
  }

  /** Alarms of the stage and the functions to the environment's topic, the dashboard, and the stage's web ACL. */
  private operations(config: EnvironmentConfig, name: string, routes: readonly Route[], tableOperations: readonly string[]): void {
    const stage = this.api.stageResource;
    const source = this.api.metrics;
    const watched = [...this.functions.values()].map((fn) => ({ functionName: fn.functionName, timeoutSeconds: config.functions.timeoutSeconds }));
    if (isOptOut(config.monitoring)) {
      suppress(stage, { ruleId: "OPS-ALARMS", reason: config.monitoring.optOut });
    } else {
      const topicArn = this.data.alarmTopic!.topic.arn;
      new ApiAlarms(this, "api-alarms", { apiName: `${name}-api`, source, stageName: config.api.stageName, monitoring: config.monitoring, topicArn });
      new FunctionAlarms(this, "function-alarms", { functions: watched, monitoring: config.monitoring, topicArn });
      new Dashboard(this, "dashboard", {
        name,
        title: `${name}: the API by route, its functions and its table`,
        region: config.region,
        source,
        stageName: config.api.stageName,
        routes,
        functions: watched,
        tableName: this.data.table.tableName,
        tableOperations,
      });
    }
    // AWS WAF cannot protect an HTTP API: the guard refuses a web ACL for one, and APIG3 is about REST stages.
    if (this.api.flavour === "http-jwt") return;
    if (isOptOut(config.waf)) {
      suppress(stage, { ruleId: "APIG3", reason: config.waf.optOut });
    } else {
      new WebAcl(this, "waf", { name: `${name}-api`, resourceArn: stage.arn, rateLimit: config.waf.apiRateLimit ?? WAF_DEFAULTS.apiRateLimit, logRetentionDays: config.api.accessLogRetentionDays });
    }
  }

  private outputs(): void {
    new TerraformOutput(this, "api_url", {
      value: this.customDomain?.url ?? this.api.invokeUrl,
      description: this.customDomain ? "The API at its custom domain (the stage is mapped at its root)" : "Invoke URL of the API stage",
    });
  }
}

import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ScopedRestApi } from "./api/scoped-rest-api";
import { functionNameFor, handlerSlug } from "./api/route-paths";
import { notesRoutes, type Route } from "./api/routes";
import { CognitoAuth } from "./auth/cognito-auth";
import { notesClients, notesScopes, type AppClientDefinition, type ScopeDefinition } from "./auth/clients";
import type { EnvironmentConfig } from "./config";
import { NotesTable } from "./data/notes-table";
import { NodeFunction } from "./functions/node-function";
import { checkAuthConfig } from "./guard/auth-guard";
import { GuardError } from "./guard/guard-error";
import { AuthMatrixFiles } from "./matrix/auth-matrix-files";
import { buildAuthMatrix } from "./matrix/auth-matrix";
import { CheckedStack } from "./policy/checked-stack";
import { configureBackend } from "./state/backend";

export interface NotesApiStackProps {
  readonly config: EnvironmentConfig;
  /** @default notesRoutes */
  readonly routes?: readonly Route[];
  /** @default notesScopes */
  readonly scopes?: readonly ScopeDefinition[];
  /** @default notesClients(config.auth) */
  readonly clients?: readonly AppClientDefinition[];
  /** Environment variables that may name the state bucket. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** One environment of the notes API: Cognito, the scoped REST API, its functions and table. */
export class NotesApiStack extends CheckedStack {
  readonly auth: CognitoAuth;
  readonly api: ScopedRestApi;
  readonly functions: ReadonlyMap<string, NodeFunction>;
  /**
   * @throws GuardError listing every misconfiguration, before any resource exists
   */
  constructor(scope: Construct, id: string, props: NotesApiStackProps) {
    super(scope, id);
    const { config } = props;
    const routes = props.routes ?? notesRoutes;
    const scopes = props.scopes ?? notesScopes;
    const clients = props.clients ?? notesClients(config.auth);
    const name = `${config.namePrefix}-${config.name}`;
    const misconfigurations = checkAuthConfig({ config, routes, scopes, clients });
    if (misconfigurations.length) throw new GuardError(misconfigurations);

    new AwsProvider(this, "aws", {
      region: config.region,
      defaultTags: config.tags ? [{ tags: { ...config.tags } }] : undefined,
    });
    configureBackend(this, config, props.env);

    this.auth = new CognitoAuth(this, "auth", { name, region: config.region, auth: config.auth, scopes, clients });
    const { table } = new NotesTable(this, "data", {
      tableName: `${name}-notes`,
      deletionProtection: config.data.deletionProtection,
    });

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
          environment: {
            ALLOWED_ORIGINS: config.api.corsAllowedOrigins.join(","),
            ...(route.scopes ? { REQUIRED_SCOPES: route.scopes.map((scope) => this.auth.scopeString(scope)).join(" ") } : {}),
            ...(route.acceptIdToken !== undefined ? { ID_TOKEN_AUDIENCES: this.auth.idTokenClientIds.join(",") } : {}),
            ...(tableActions.length ? { TABLE_NAME: table.name } : {}),
          },
          statements: tableActions.length ? [{ actions: tableActions, resources: [table.arn] }] : [],
        }),
      );
    }
    this.functions = functions;

    this.api = new ScopedRestApi(this, "api", {
      name: `${name}-api`,
      api: config.api,
      routes,
      userPoolArn: this.auth.userPool.arn,
      scopeString: (scope) => this.auth.scopeString(scope),
      functionFor: (route) => functions.get(route.handler)!.function,
    });

    this.outputs(scopes);
    new AuthMatrixFiles(this, "auth-matrix", () =>
      buildAuthMatrix({
        stack: config.name,
        resourceServerIdentifier: config.auth.resourceServerIdentifier,
        routes,
        scopes,
        clients,
        tokenValidity: config.auth.tokenValidity,
        findings: this.policy.evaluate(this),
      }),
    );
  }

  private outputs(scopes: readonly ScopeDefinition[]): void {
    const { auth } = this;
    const hostedUi = `https://${auth.hostedUiDomain}`;
    const values: Record<string, { value: string | string[]; description: string; sensitive?: boolean }> = {
      api_url: { value: this.api.invokeUrl, description: "Invoke URL of the API stage" },
      user_pool_id: { value: auth.userPool.id, description: "Cognito user pool id" },
      issuer: { value: auth.issuer, description: "Token issuer (iss claim)" },
      jwks_url: { value: `${auth.issuer}/.well-known/jwks.json`, description: "Keys that sign the pool's tokens" },
      hosted_ui_domain: { value: auth.hostedUiDomain, description: "Hosted-UI domain" },
      authorize_endpoint: { value: `${hostedUi}/oauth2/authorize`, description: "OAuth 2.0 authorization endpoint" },
      token_endpoint: { value: `${hostedUi}/oauth2/token`, description: "OAuth 2.0 token endpoint" },
      scopes: { value: scopes.map((scope) => auth.scopeString(scope.name)), description: "Full custom scope strings" },
    };
    for (const [clientName, client] of auth.clients) {
      values[`${clientName}_client_id`] = { value: client.id, description: `App client id of '${clientName}'` };
    }
    for (const [outputName, output] of Object.entries(values)) {
      new TerraformOutput(this, outputName, output);
    }
  }
}

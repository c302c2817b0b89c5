import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { CognitoAuth } from "./auth/cognito-auth";
import type { AppClientDefinition, ScopeDefinition } from "./auth/clients";
import { PRE_TOKEN_TRIGGER_HANDLER, scopeGrantMapping, usesScopeGrants, type ScopeGrants } from "./auth/groups";
import { functionNameFor } from "./api/route-paths";
import { NodeFunction } from "./functions/node-function";
import { scopeGrantEnvironment } from "../functions/triggers/scope-grants";
import type { EnvironmentConfig } from "./config";
import { NotesTable } from "./data/notes-table";
import { CheckedStack } from "./policy/checked-stack";
import { environmentTags, functionBoundaryArn } from "./iam/deploy-environment";
import { configureAwsProvider } from "./state/provider";
import { configureBackend } from "./state/backend";
export { dataStackName } from "./stack-names";

/** Cognito waits this long for a Lambda trigger before it fails the request (Cognito developer guide, "Customizing user pool workflows with Lambda triggers"). */
export const PRE_TOKEN_TRIGGER_TIMEOUT_SECONDS = 5;


export interface NotesDataStackProps {
  readonly config: EnvironmentConfig;
  readonly scopes: readonly ScopeDefinition[];
  readonly clients: readonly AppClientDefinition[];
  /** Groups and the scopes they grant; without any, scopes stay per client and there is no trigger. */
  readonly scopeGrants: ScopeGrants;
  /** Environment variables that may name the state bucket. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * What a replacement would lose: the user pool (users, passwords, MFA devices), its domain,
 * resource server and app clients (ids that apps embed), and the notes table. It lives apart from
 * the API so that nothing with `create_before_destroy` (the API deployment) depends on it: that
 * setting spreads to every dependency, and a same-name table or a second pool cannot be created
 * before the old one is gone. The API stack reads what it needs through Terraform remote state.
 */
export class NotesDataStack extends CheckedStack {
  readonly auth: CognitoAuth;
  readonly table: NotesTable;
  /** The pre-token-generation trigger, when the stack has scope grants. */
  readonly preTokenGeneration?: NodeFunction;

  constructor(scope: Construct, id: string, props: NotesDataStackProps) {
    super(scope, id);
    const { config } = props;
    const name = `${config.namePrefix}-${config.name}`;
    configureAwsProvider(this, { ...config, tags: environmentTags(config) });
    configureBackend(this, config, id, props.env);
    if (usesScopeGrants(props.scopeGrants)) {
      const mapping = scopeGrantMapping(props.scopeGrants, config.auth.resourceServerIdentifier, props.scopes.map((scope) => scope.name));
      this.preTokenGeneration = new NodeFunction(this, "pre-token-generation", {
        functionName: functionNameFor(config, PRE_TOKEN_TRIGGER_HANDLER),
        handler: PRE_TOKEN_TRIGGER_HANDLER,
        memoryMb: config.functions.memoryMb,
        // Cognito waits 5 seconds for a trigger, then fails the sign-in.
        timeoutSeconds: Math.min(config.functions.timeoutSeconds, PRE_TOKEN_TRIGGER_TIMEOUT_SECONDS),
        logRetentionDays: config.functions.logRetentionDays,
        permissionsBoundary: functionBoundaryArn(config),
        environment: scopeGrantEnvironment(mapping),
      });
    }
    this.auth = new CognitoAuth(this, "auth", {
      name,
      region: config.region,
      auth: config.auth,
      scopes: props.scopes,
      clients: props.clients,
      groups: props.scopeGrants.groups,
      preTokenGeneration: this.preTokenGeneration?.function,
    });
    this.table = new NotesTable(this, "data", {
      tableName: `${name}-notes`,
      region: config.region,
      accountId: config.accountId,
      deletionProtection: config.data.deletionProtection,
      preventDestroy: config.data.preventDestroy ?? config.data.deletionProtection,
    });
    this.outputs(props.scopes);
  }

  /** What clients need to get tokens; `api_url` is the API stack's. */
  private outputs(scopes: readonly ScopeDefinition[]): void {
    const { auth } = this;
    const hostedUi = `https://${auth.hostedUiDomain}`;
    const values: Record<string, { value: string | string[]; description: string }> = {
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
    for (const [outputName, output] of Object.entries(values)) new TerraformOutput(this, outputName, output);
  }
}

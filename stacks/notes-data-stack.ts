import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { CognitoAuth } from "./auth/cognito-auth";
import type { AppClientDefinition, ScopeDefinition } from "./auth/clients";
import type { EnvironmentConfig } from "./config";
import { NotesTable } from "./data/notes-table";
import { CheckedStack } from "./policy/checked-stack";
import { environmentTags } from "./iam/deploy-environment";
import { configureAwsProvider } from "./state/provider";
import { configureBackend } from "./state/backend";
export { dataStackName } from "./stack-names";


export interface NotesDataStackProps {
  readonly config: EnvironmentConfig;
  readonly scopes: readonly ScopeDefinition[];
  readonly clients: readonly AppClientDefinition[];
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

  constructor(scope: Construct, id: string, props: NotesDataStackProps) {
    super(scope, id);
    const { config } = props;
    const name = `${config.namePrefix}-${config.name}`;
    configureAwsProvider(this, { ...config, tags: environmentTags(config) });
    configureBackend(this, config, id, props.env);
    this.auth = new CognitoAuth(this, "auth", { name, region: config.region, auth: config.auth, scopes: props.scopes, clients: props.clients });
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

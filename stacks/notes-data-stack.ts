import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { CognitoAuth } from "./auth/cognito-auth";
import type { AppClientDefinition, ScopeDefinition } from "./auth/clients";
import { PRE_TOKEN_TRIGGER_HANDLER, scopeGrantMapping, usesScopeGrants, type ScopeGrants } from "./auth/groups";
import { functionNameFor } from "./api/route-paths";
import { NodeFunction } from "./functions/node-function";
import { scopeGrantEnvironment } from "../functions/triggers/scope-grants";
import { isOptOut, type EnvironmentConfig } from "./config";
import { HostedUiCustomDomain } from "./domains/hosted-ui-custom-domain";
import { AlarmTopic } from "./monitoring/alarm-topic";
import { FunctionAlarms, TableAlarms } from "./monitoring/service-alarms";
import { suppress } from "./suppressions";
import { WebAcl } from "./waf/web-acl";
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
  /** The DynamoDB operations the route table's handlers call (`GetItem` ...): the table's alarms watch these. */
  readonly tableOperations: readonly string[];
  /** Environment variables that may name the state bucket. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** The WAF rate limits when the configuration names none. */
export const WAF_DEFAULTS = { apiRateLimit: 2000, authRateLimit: 300 } as const;

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
  /** Where the environment's alarms go, unless monitoring is opted out. */
  readonly alarmTopic?: AlarmTopic;

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
    const { domains } = config;
    const hostedUiDomain = domains?.auth
      ? new HostedUiCustomDomain(this, "hosted-ui-domain", {
          domainName: domains.auth,
          hostedZoneId: domains.hostedZoneId,
          // Cognito's custom domains are CloudFront distributions: their certificates come from us-east-1.
          usEast1: configureAwsProvider(this, { region: "us-east-1", accountId: config.accountId, alias: "us-east-1", tags: environmentTags(config) }),
          certificateArn: domains.certificateArns?.auth,
        })
      : undefined;
    this.auth = new CognitoAuth(this, "auth", {
      name,
      region: config.region,
      auth: config.auth,
      scopes: props.scopes,
      clients: props.clients,
      groups: props.scopeGrants.groups,
      preTokenGeneration: this.preTokenGeneration?.function,
      customDomain: hostedUiDomain && domains?.auth ? { name: domains.auth, certificateArn: hostedUiDomain.certificateArn } : undefined,
    });
    hostedUiDomain?.aliasTo(this.auth.domain);
    this.table = new NotesTable(this, "data", {
      tableName: `${name}-notes`,
      region: config.region,
      accountId: config.accountId,
      deletionProtection: config.data.deletionProtection,
      preventDestroy: config.data.preventDestroy ?? config.data.deletionProtection,
    });
    this.alarmTopic = isOptOut(config.monitoring) ? undefined : new AlarmTopic(this, "alarm-topic", { name: `${name}-alarms`, accountId: config.accountId, region: config.region, alarmNamePattern: `${name}-*`, emails: config.monitoring.emails });
    this.operations(config, name, props.tableOperations);
    this.outputs(props.scopes);
  }

  /** Alarms of the table and the trigger, to the environment's topic; the pool's web ACL. */
  private operations(config: EnvironmentConfig, name: string, tableOperations: readonly string[]): void {
    if (isOptOut(config.monitoring)) {
      suppress(this.table, { ruleId: "OPS-ALARMS", reason: config.monitoring.optOut });
    } else {
      const topic = this.alarmTopic!;
      new TableAlarms(this, "table-alarms", { tableName: this.table.tableName, operations: tableOperations, topicArn: topic.topic.arn });
      if (this.preTokenGeneration) {
        new FunctionAlarms(this, "trigger-alarms", {
          functions: [{ functionName: this.preTokenGeneration.functionName, timeoutSeconds: PRE_TOKEN_TRIGGER_TIMEOUT_SECONDS }],
          monitoring: config.monitoring,
          topicArn: topic.topic.arn,
        });
      }
    }
    if (isOptOut(config.waf)) {
      suppress(this.auth.userPool, { ruleId: "COG-WAF", reason: config.waf.optOut });
    } else {
      new WebAcl(this, "waf", {
        name: `${name}-auth`,
        resourceArn: this.auth.userPool.arn,
        rateLimit: config.waf.authRateLimit ?? WAF_DEFAULTS.authRateLimit,
        logRetentionDays: config.api.accessLogRetentionDays,
      });
    }
  }

  /** What clients need to get tokens; `api_url` is the API stack's. */
  private outputs(scopes: readonly ScopeDefinition[]): void {
    const { auth } = this;
    // A custom domain changes where the hosted UI answers; the issuer stays the pool's.
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

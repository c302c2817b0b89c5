/** Settings of one deployment environment; one stack is synthesized per environment. */
export interface EnvironmentConfig {
  /** Stack name and the suffix of every resource name, for example `dev`. */
  readonly name: string;
  /** AWS region of every resource. */
  readonly region: string;
  /**
   * The 12-digit AWS account the stack belongs to. Terraform refuses to plan or apply with
   * credentials of any other account (the provider's `allowed_account_ids`), and IAM policies
   * name it instead of a wildcard.
   */
  readonly accountId: string;
  /** Prefix of every resource name; `<prefix>-<name>-...`. */
  readonly namePrefix: string;
  readonly auth: AuthConfig;
  readonly api: ApiConfig;
  readonly functions: FunctionsConfig;
  readonly data: DataConfig;
  /**
   * S3 remote state. Without it, state is local at `terraform.<name>.tfstate` in the project root.
   * @default - the bucket named by the environment variable `STATE_BUCKET`, or local state
   */
  readonly state?: StateConfig;
  /** Tags on every resource that takes them, through the provider's `default_tags`. */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Custom domains for the API and the hosted UI, with ACM certificates validated in Route 53.
   * @default - the API's execute-api URL and the hosted UI at `auth.domainPrefix`
   */
  readonly domains?: DomainsConfig;
  /**
   * CloudWatch alarms to an SNS topic, and a dashboard, generated from the route table; or
   * `{ optOut: "<why>" }`. The policy pack refuses a stage without alarms otherwise (OPS-ALARMS).
   */
  readonly monitoring: MonitoringConfig | OptOut;
  /**
   * AWS WAF web ACLs on the API stage and the user pool; or `{ optOut: "<why>" }`. The policy
   * pack refuses a stage or pool without one otherwise (APIG3, COG-WAF).
   */
  readonly waf: WafConfig | OptOut;
}

/** Going without a production safeguard, and why (at least 10 characters): shown as a suppression. */
export interface OptOut {
  readonly optOut: string;
}

export function isOptOut<T extends object>(value: T | OptOut): value is OptOut {
  return "optOut" in value;
}

export interface DomainsConfig {
  /** The Route 53 hosted zone that holds the names, for example `Z0123456789ABCDEFGHIJ`. */
  readonly hostedZoneId: string;
  /**
   * The API's name, for example `api.notes.example.com`: a regional API Gateway domain (TLS 1.2)
   * mapped to the stage, with A and AAAA alias records.
   * @default - the execute-api URL only
   */
  readonly api?: string;
  /**
   * The hosted UI's name, for example `auth.notes.example.com`, in place of `auth.domainPrefix`.
   * Cognito requires its parent domain (`notes.example.com`) to have an A record before it
   * accepts the name. The token issuer does not change.
   * @default - the hosted UI at `auth.domainPrefix`
   */
  readonly auth?: string;
  /**
   * Turn off the execute-api endpoint: the API answers at `api` only.
   * @default false
   */
  readonly disableExecuteApiEndpoint?: boolean;
  /**
   * Existing ACM certificates to use instead of requesting and validating new ones: the API's in
   * the environment's region, the hosted UI's in us-east-1.
   * @default - a DNS-validated certificate per name
   */
  readonly certificateArns?: { readonly api?: string; readonly auth?: string };
}

export interface MonitoringConfig {
  /** Who gets paged: email addresses subscribed to the alarm topic (each confirms once). @default - none: subscribe by other means */
  readonly emails?: readonly string[];
  /** The API's 5XX answers, in percent of its requests, that raise an alarm. @default 1 */
  readonly api5xxPercent?: number;
  /** The API's 4XX answers (authorizer denials among them), in percent of at least 20 requests a minute. @default 25 */
  readonly api4xxPercent?: number;
  /** The API's p99 latency, in milliseconds. @default 2000 */
  readonly apiLatencyP99Ms?: number;
  /** A function's p99 duration, in percent of its timeout. @default 80 */
  readonly functionDurationPercentOfTimeout?: number;
}

export interface WafConfig {
  /** Requests per client IP in 5 minutes before WAF blocks it, on the API (WAF's minimum is 10). @default 2000 */
  readonly apiRateLimit?: number;
  /** The same on the hosted UI and the token endpoint. @default 300 */
  readonly authRateLimit?: number;
}

export interface AuthConfig {
  /** Resource server identifier, the prefix of every custom scope: `<identifier>/<scope>`. */
  readonly resourceServerIdentifier: string;
  /** Resource server name; Cognito allows `[\w\s+=,.@-]+` only (docs/aws-facts.md §2). */
  readonly resourceServerName: string;
  /**
   * Hosted-UI domain prefix: `https://<prefix>.auth.<region>.amazoncognito.com`. Unique per region
   * across all accounts.
   * @default - none; then `domains.auth` names the hosted UI (exactly one of the two)
   */
  readonly domainPrefix?: string;
  /** Where the hosted UI may send the authorization code (web client). */
  readonly callbackUrls: readonly string[];
  readonly logoutUrls: readonly string[];
  /** TOTP MFA. `ON` requires every user to enroll. */
  readonly mfa: "OFF" | "OPTIONAL" | "ON";
  /**
   * Let anyone sign up through the hosted UI.
   * @default false - only administrators create users
   */
  readonly selfSignUp?: boolean;
  /** Refuse to delete the user pool (`deletion_protection = ACTIVE`). */
  readonly deletionProtection: boolean;
  /**
   * Terraform refuses any plan that destroys the user pool (`lifecycle.prevent_destroy`), on top of
   * Cognito's own deletion protection: a replacement forced by a changed setting stops at plan time.
   * @default - the value of `deletionProtection`
   */
  readonly preventDestroy?: boolean;
  /**
   * How Cognito sends email (verification codes, temporary passwords). Cognito's default sender
   * has a small daily quota, below what production needs (Cognito API reference, EmailConfigurationType).
   * @default - Cognito's default sender; the policy pack warns (COG-EMAIL) where MFA is required
   */
  readonly email?: SesEmailConfig;
  /**
   * Cognito feature plan.
   * @default "ESSENTIALS" - the API default, stated explicitly so a plan never shows a surprise
   */
  readonly userPoolTier?: "LITE" | "ESSENTIALS" | "PLUS";
  readonly tokenValidity: TokenValidity;
}

/** Email through Amazon SES (`email_sending_account = DEVELOPER`): an identity verified in SES. */
export interface SesEmailConfig {
  /** ARN of the verified SES identity (address or domain), for example `arn:aws:ses:eu-west-1:111122223333:identity/example.com`. */
  readonly sesIdentityArn: string;
  /** The sender, for example `Notes <no-reply@example.com>`; its address must belong to the identity. */
  readonly fromEmailAddress: string;
  /** @default - none */
  readonly replyToEmailAddress?: string;
}

export interface TokenValidity {
  /** 5 minutes to 1 day (docs/aws-facts.md §2). */
  readonly accessTokenMinutes: number;
  /** 5 minutes to 1 day (docs/aws-facts.md §2). */
  readonly idTokenMinutes: number;
  /** 60 minutes to 10 years, given in days here: 1 to 3650 (docs/aws-facts.md §2). */
  readonly refreshTokenDays: number;
}

/**
 * How the API checks tokens (docs/api-flavours.md compares them):
 * - `rest-cognito`: a REST API with a Cognito user pool authorizer; every method lists its scopes,
 *   so it takes access tokens only.
 * - `http-jwt`: an HTTP API with a JWT authorizer (issuer = the pool, audience = its clients); a
 *   token without any of a route's scopes gets 403. Cheaper; no WAF, usage plans or request validation.
 * - `rest-jwt`: a REST API with a JWT authorizer. Refused by the guard: no Terraform AWS provider
 *   can express it yet (docs/aws-facts.md §11).
 */
export type ApiFlavour = "rest-cognito" | "rest-jwt" | "http-jwt";

export const API_FLAVOURS: readonly ApiFlavour[] = ["rest-cognito", "rest-jwt", "http-jwt"];

/** The flavours that synthesize: the guard refuses `rest-jwt`. */
export type BuiltFlavour = Exclude<ApiFlavour, "rest-jwt">;

/** The environment's flavour: `api.flavour`, else `rest-cognito`. */
export function apiFlavour(config: { readonly api: Pick<ApiConfig, "flavour"> }): ApiFlavour {
  return config.api.flavour ?? "rest-cognito";
}

export interface ApiConfig {
  /**
   * The API's kind and authorizer.
   * @default "rest-cognito"
   */
  readonly flavour?: ApiFlavour;
  /** Stage name, the first path segment of the invoke URL. */
  readonly stageName: string;
  /** Origins browsers may call from; `*` for any. Preflights and error responses carry them. */
  readonly corsAllowedOrigins: readonly string[];
  readonly throttling: { readonly burstLimit: number; readonly rateLimit: number };
  /** Retention of the stage's access log group, in days. */
  readonly accessLogRetentionDays: number;
  /**
   * Execution logging level of every method. There is no `OFF`: without execution logs nobody can
   * see why the authorizer refused a call (policy rule APIG6). REST APIs only: an HTTP API has no
   * execution logs (its access log carries the authorizer's error).
   * @default "ERROR" (REST APIs)
   */
  readonly loggingLevel?: "ERROR" | "INFO";
  /**
   * How long API Gateway caches an authorizer decision per token: 0 to 3600 (docs/aws-facts.md §1).
   * `rest-cognito` only: a JWT authorizer caches the issuer's keys, not decisions.
   * @default 300
   */
  readonly authorizerCacheTtlSeconds?: number;
}

export interface FunctionsConfig {
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly logRetentionDays: number;
}

export interface DataConfig {
  /** Refuse to delete the notes table (`deletion_protection_enabled`). */
  readonly deletionProtection: boolean;
  /**
   * Terraform refuses any plan that destroys the table (`lifecycle.prevent_destroy`).
   * @default - the value of `deletionProtection`
   */
  readonly preventDestroy?: boolean;
}

export interface StateConfig {
  readonly bucket: string;
  /**
   * Folder of the environment's state objects: `<keyPrefix>/<stack>.tfstate` for its two stacks.
   * @default - the environment's `namePrefix`
   */
  readonly keyPrefix?: string;
  /** @default - the environment's region */
  readonly region?: string;
}

/** The one-per-account stack an administrator applies before the first deploy. */
export interface BootstrapConfig {
  readonly region: string;
  /** The 12-digit AWS account; the provider refuses credentials of any other (`allowed_account_ids`). */
  readonly accountId: string;
  /** Prefix of the app stacks' resource names; the apply role may only touch names with it. */
  readonly namePrefix: string;
  /** `owner/name` of the GitHub repository whose workflows may assume the roles. */
  readonly githubRepository: string;
  /** Globally unique name of the S3 bucket that keeps the app stacks' state. */
  readonly stateBucket: string;
  /**
   * One GitHub environment per app environment, named like it (`dev`, `prod`): each gets its own
   * apply role, trusted only for jobs of that environment, that changes only that environment's
   * resources and state.
   */
  readonly deployEnvironments: readonly string[];
  /**
   * Environments pull requests may plan: their role reads these environments' state and nothing
   * of the live account (pull requests plan with `-refresh=false`). Never one in `approvals`.
   * @default - none: pull requests only synthesize and show the auth matrix
   */
  readonly pullRequestEnvironments?: readonly string[];
  /**
   * Who approves a deploy to an environment (its GitHub environment's required reviewers): team
   * slugs of the repository's organization and user logins, 1 to 6 in all. An environment listed
   * here is planned on main by the main plan role and applied only as the approver saw it.
   * @default - no approval: every deploy environment is applied as soon as main is tested
   */
  readonly approvals?: Readonly<Record<string, GithubApproval>>;
  /**
   * The only branch whose workflows may deploy: each apply role trusts jobs of this ref only, and
   * each GitHub environment's deployment branch policy names it.
   * @default "main"
   */
  readonly deployBranch?: string;
  /**
   * The repository part of GitHub's OIDC subject, `repo:<this>:...`. Repositories that use immutable
   * subject claims (github.com repositories created or renamed since mid-2026, or opted in) carry
   * their owner and repository ids there: copy the prefix from the repository's OIDC settings.
   * @default - `githubRepository`
   */
  readonly oidcSubjectRepository?: string;
  /**
   * Create the GitHub OIDC provider; an account has at most one per URL.
   * @default true
   */
  readonly createOidcProvider?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The required reviewers of one GitHub environment. */
export interface GithubApproval {
  /** Team slugs of the repository's organization, for example `platform-leads`. @default - none */
  readonly teams?: readonly string[];
  /** User logins. @default - none */
  readonly users?: readonly string[];
  /**
   * Whoever started the deploy cannot approve it (`prevent_self_review`).
   * @default true
   */
  readonly preventSelfReview?: boolean;
}

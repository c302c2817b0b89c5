/** Cognito's limits on names and validities (docs/aws-facts.md §2). */
export const RESOURCE_SERVER_IDENTIFIER = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;
export const RESOURCE_SERVER_NAME = /^[\w\s+=,.@-]{1,256}$/;
export const SCOPE_NAME = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$/;
export const SCOPE_DESCRIPTION_MAX = 256;
export const SCOPES_PER_RESOURCE_SERVER = 100;
export const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const ACCESS_AND_ID_TOKEN_MINUTES = { min: 5, max: 24 * 60 } as const;
/** 60 minutes to 10 years; this project sets refresh validity in days. */
export const REFRESH_TOKEN_DAYS = { min: 1, max: 3650 } as const;
/** Scopes only a signed-in user can hold; a client_credentials token never carries them. */
export const USER_ONLY_SCOPES = ["openid", "email", "profile", "phone", "aws.cognito.signin.user.admin"] as const;
/** Values CloudWatch Logs accepts for `retention_in_days`. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
/** `authorizer_result_ttl_in_seconds`: 0 disables caching, at most 3600 (docs/aws-facts.md §1). */
export const AUTHORIZER_TTL_SECONDS = { min: 0, max: 3600 } as const;
export const LAMBDA_MEMORY_MB = { min: 128, max: 10_240 } as const;
export const LAMBDA_TIMEOUT_SECONDS = { min: 1, max: 900 } as const;
/** IAM role names: at most 64 characters; function names share the limit. */
export const NAME_MAX = 64;
/** CreateGroup: `GroupName` 1-128 of `[\p{L}\p{M}\p{S}\p{N}\p{P}]`, `Description` at most 2048, `Precedence` 0 to 2^31-1 (docs/aws-facts.md §7). */
export const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
export const GROUP_DESCRIPTION_MAX = 2048;
export const GROUP_PRECEDENCE_MAX = 2 ** 31 - 1;
/** Lambda allows 4 KB of environment variables per function; this leaves room for NODE_OPTIONS (docs/aws-facts.md §7). */
export const LAMBDA_ENVIRONMENT_BYTES_BUDGET = 4000;

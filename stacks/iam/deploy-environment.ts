/** What ties an environment's AWS resources to its apply role: a tag, a permissions boundary and name patterns. */
export interface EnvironmentIdentity {
  readonly namePrefix: string;
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
}

/**
 * Every resource of an environment carries this tag (provider `default_tags`); the environment's
 * apply role may only create Cognito pools and REST APIs that carry its value and only change
 * those that already do (attribute-based access control: Cognito and API Gateway, whose child
 * resources inherit the REST API's tags for access control).
 */
export const DEPLOY_ENVIRONMENT_TAG = "deploy-environment";

/** `<namePrefix>-<name>`, for example `notes-dev`: the tag's value and the prefix of every resource name. */
export function environmentSlug(environment: Pick<EnvironmentIdentity, "namePrefix" | "name">): string {
  return `${environment.namePrefix}-${environment.name}`;
}

/** The managed policy every function role of the environment carries as its permissions boundary. */
export function functionBoundaryName(environment: Pick<EnvironmentIdentity, "namePrefix" | "name">): string {
  return `${environmentSlug(environment)}-function-boundary`;
}

export function functionBoundaryArn(environment: Pick<EnvironmentIdentity, "namePrefix" | "name" | "accountId">): string {
  return `arn:aws:iam::${environment.accountId}:policy/${functionBoundaryName(environment)}`;
}

/** The environment's own tags plus the deploy-environment tag, for the provider's `default_tags`. */
export function environmentTags(environment: Pick<EnvironmentIdentity, "namePrefix" | "name"> & { readonly tags?: Readonly<Record<string, string>> }): Record<string, string> {
  return { ...environment.tags, [DEPLOY_ENVIRONMENT_TAG]: environmentSlug(environment) };
}

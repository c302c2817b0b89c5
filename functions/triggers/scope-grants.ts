/**
 * How the groups-to-scopes mapping reaches the pre-token-generation trigger: four environment
 * variables, written by the stack and read by the trigger, so the encoding lives in one place.
 * Scope names are kept short (`notes.read`) and the resource server's prefix is stated once, as
 * Lambda allows 4 KB of environment variables per function.
 */
export interface ScopeGrantMapping {
  /** `<resource server identifier>/`, the prefix of every custom scope. */
  readonly scopePrefix: string;
  /** Every scope the resource server defines: the trigger adds and suppresses these only. */
  readonly managedScopes: readonly string[];
  /** Group name to the scope names it grants. */
  readonly groupScopes: Readonly<Record<string, readonly string[]>>;
  /** What a user in no group gets. */
  readonly scopesWithoutGroup: readonly string[];
}

export const SCOPE_GRANT_VARIABLES = {
  scopePrefix: "SCOPE_PREFIX",
  managedScopes: "MANAGED_SCOPES",
  groupScopes: "GROUP_SCOPES",
  scopesWithoutGroup: "SCOPES_WITHOUT_GROUP",
} as const;

const words = (value: string | undefined) => (value ?? "").split(" ").filter((word) => word !== "");

export function scopeGrantEnvironment(mapping: ScopeGrantMapping): Record<string, string> {
  return {
    [SCOPE_GRANT_VARIABLES.scopePrefix]: mapping.scopePrefix,
    [SCOPE_GRANT_VARIABLES.managedScopes]: mapping.managedScopes.join(" "),
    [SCOPE_GRANT_VARIABLES.groupScopes]: JSON.stringify(mapping.groupScopes),
    [SCOPE_GRANT_VARIABLES.scopesWithoutGroup]: mapping.scopesWithoutGroup.join(" "),
  };
}

/** The mapping from a function's environment; throws when it is missing or malformed, so the trigger fails closed. */
export function readScopeGrantEnvironment(environment: Readonly<Record<string, string | undefined>>): ScopeGrantMapping {
  const scopePrefix = environment[SCOPE_GRANT_VARIABLES.scopePrefix];
  const groups = environment[SCOPE_GRANT_VARIABLES.groupScopes];
  if (!scopePrefix || groups === undefined) {
    throw new Error(`${SCOPE_GRANT_VARIABLES.scopePrefix} and ${SCOPE_GRANT_VARIABLES.groupScopes} must be set`);
  }
  const groupScopes = JSON.parse(groups) as unknown;
  const valid =
    typeof groupScopes === "object" &&
    groupScopes !== null &&
    !Array.isArray(groupScopes) &&
    Object.values(groupScopes).every((scopes) => Array.isArray(scopes) && scopes.every((scope) => typeof scope === "string"));
  if (!valid) throw new Error(`${SCOPE_GRANT_VARIABLES.groupScopes} must be a JSON object of string arrays`);
  return {
    scopePrefix,
    managedScopes: words(environment[SCOPE_GRANT_VARIABLES.managedScopes]),
    groupScopes: groupScopes as Record<string, string[]>,
    scopesWithoutGroup: words(environment[SCOPE_GRANT_VARIABLES.scopesWithoutGroup]),
  };
}

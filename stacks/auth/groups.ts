import type { ScopeGrantMapping } from "../../functions/triggers/scope-grants";

/** The trigger's handler module under `functions/`: bundled like the API's handlers. */
export const PRE_TOKEN_TRIGGER_HANDLER = "triggers/pre-token-generation";

/** A user pool group and the custom scopes its members' access tokens get. */
export interface UserGroupDefinition {
  /** Cognito group name: 1-128 characters, no whitespace (docs/aws-facts.md §7). */
  readonly name: string;
  /** Shown in the console and the auth matrix; at most 2048 characters. */
  readonly description: string;
  /** Custom scope names (`notes.read`) the group grants. */
  readonly scopes: readonly string[];
  /**
   * Which group's IAM role wins when a user is in several; Cognito orders `cognito:groups` by it.
   * @default - none
   */
  readonly precedence?: number;
}

/**
 * Scopes per user rather than per client: a pre-token-generation trigger (`V2_0`) puts in each
 * user's access token exactly the scopes of the user's groups.
 */
export interface ScopeGrants {
  readonly groups: readonly UserGroupDefinition[];
  /**
   * Scope names for a user in no group.
   * @default - none: such a user's access token reaches no scoped route
   */
  readonly withoutGroup?: readonly string[];
}

export const notesScopeGrants: ScopeGrants = {
  groups: [
    { name: "readers", description: "Read notes", scopes: ["notes.read"], precedence: 20 },
    { name: "editors", description: "Read, create, change and delete notes", scopes: ["notes.read", "notes.write"], precedence: 10 },
  ],
  withoutGroup: [],
};

/** A group's construct id: its name with characters outside `[A-Za-z0-9_-]` as `_` (the guard refuses two names that collide). */
export function groupConstructId(name: string): string {
  return `group-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/** True when the stack needs the trigger: some group, or scopes for users in none. */
export function usesScopeGrants(grants: ScopeGrants): boolean {
  return grants.groups.length > 0 || (grants.withoutGroup?.length ?? 0) > 0;
}

/** Every function module an environment bundles: one per route, and the trigger when it has scope grants. */
export function environmentHandlers(routes: ReadonlyArray<{ readonly handler: string }>, grants: ScopeGrants): string[] {
  return [...routes.map((route) => route.handler), ...(usesScopeGrants(grants) ? [PRE_TOKEN_TRIGGER_HANDLER] : [])];
}

/** What the trigger reads from its environment. */
export function scopeGrantMapping(grants: ScopeGrants, resourceServerIdentifier: string, scopeNames: readonly string[]): ScopeGrantMapping {
  return {
    scopePrefix: `${resourceServerIdentifier}/`,
    managedScopes: [...scopeNames],
    groupScopes: Object.fromEntries(grants.groups.map((group) => [group.name, [...group.scopes]])),
    scopesWithoutGroup: [...(grants.withoutGroup ?? [])],
  };
}

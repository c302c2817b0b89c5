import { readScopeGrantEnvironment, type ScopeGrantMapping } from "./scope-grants";

/**
 * The parts of Cognito's pre-token-generation event, version 2 (`V2_0`), that this trigger reads
 * and writes (Cognito developer guide, "Pre token generation Lambda trigger").
 */
export interface PreTokenGenerationV2Event {
  readonly version: string;
  readonly triggerSource: string;
  readonly region: string;
  readonly userPoolId: string;
  readonly userName?: string;
  readonly callerContext: { readonly awsSdkVersion?: string; readonly clientId: string };
  readonly request: {
    readonly userAttributes: Readonly<Record<string, string>>;
    readonly groupConfiguration: { readonly groupsToOverride?: readonly string[] };
    /** What Cognito would write to the access token's `scope` claim. */
    readonly scopes?: readonly string[];
  };
  response: {
    claimsAndScopeOverrideDetails?: {
      readonly accessTokenGeneration?: { readonly scopesToAdd?: readonly string[]; readonly scopesToSuppress?: readonly string[] };
    } | null;
  };
}

/** The scope an SDK sign-in (`InitiateAuth`, SRP) carries; an OAuth sign-in has it only when its client asked. */
export const SDK_SCOPE = "aws.cognito.signin.user.admin";

export interface ScopeDecision {
  /** Full scope strings the user's groups grant. */
  readonly granted: readonly string[];
  readonly scopesToAdd: readonly string[];
  readonly scopesToSuppress: readonly string[];
}

/**
 * The access token holds exactly the custom scopes the user's groups grant (or the no-group
 * scopes): for an OAuth sign-in (hosted UI, and its refreshes) intersected with what the client
 * asked for, so a token never exceeds its request; for an SDK sign-in, which asks for no custom
 * scope, added. Scopes of other resource servers and standard scopes are left alone.
 */
export function decideScopes(event: Pick<PreTokenGenerationV2Event, "triggerSource" | "request">, mapping: ScopeGrantMapping): ScopeDecision {
  const full = (scope: string) => `${mapping.scopePrefix}${scope}`;
  const managed = new Set(mapping.managedScopes.map(full));
  const requested = event.request.scopes ?? [];
  const groups = event.request.groupConfiguration.groupsToOverride ?? [];
  const known = groups.filter((group) => Object.hasOwn(mapping.groupScopes, group));
  const names = known.length ? known.flatMap((group) => mapping.groupScopes[group]!) : mapping.scopesWithoutGroup;
  const userScopes = [...new Set(names.map(full))].filter((scope) => managed.has(scope)).sort();
  const sdkSession =
    event.triggerSource !== "TokenGeneration_HostedAuth" && requested.includes(SDK_SCOPE) && !requested.some((scope) => managed.has(scope));
  const granted = sdkSession ? userScopes : userScopes.filter((scope) => requested.includes(scope));
  return {
    granted,
    scopesToAdd: granted.filter((scope) => !requested.includes(scope)),
    scopesToSuppress: requested.filter((scope) => managed.has(scope) && !granted.includes(scope)),
  };
}

let mapping: ScopeGrantMapping | undefined;

/** Cognito's pre-token-generation trigger (V2_0): per-user scopes from the user's groups. */
export const handler = async (event: PreTokenGenerationV2Event): Promise<PreTokenGenerationV2Event> => {
  mapping ??= readScopeGrantEnvironment(process.env);
  const decision = decideScopes(event, mapping);
  console.log(
    JSON.stringify({
      message: "scopes decided",
      triggerSource: event.triggerSource,
      clientId: event.callerContext.clientId,
      groups: event.request.groupConfiguration.groupsToOverride ?? [],
      granted: decision.granted,
      added: decision.scopesToAdd,
      suppressed: decision.scopesToSuppress,
    }),
  );
  event.response = {
    claimsAndScopeOverrideDetails: {
      accessTokenGeneration: { scopesToAdd: decision.scopesToAdd, scopesToSuppress: decision.scopesToSuppress },
    },
  };
  return event;
};

import { SDK_SCOPE, type PreTokenGenerationV2Event } from "../../functions/triggers/pre-token-generation";
import { readScopeGrantEnvironment } from "../../functions/triggers/scope-grants";
import type { LocalFunction, StackModel } from "../stack/stack-model";
import * as fs from "node:fs";
import * as path from "node:path";
import { FunctionRunner, type InvokeOutcome } from "../runtime/function-runner";
import { localSub } from "./local-issuer";

/** The sign-ins the local tools emulate, named as Cognito names them in `triggerSource`. */
export type TokenGenerationSource = "TokenGeneration_HostedAuth" | "TokenGeneration_Authentication" | "TokenGeneration_RefreshTokens";

/** The scope every SDK sign-in (`InitiateAuth`, SRP) carries, and no other scope. */
export const SDK_SIGN_IN_SCOPES = [SDK_SCOPE] as const;

export interface PreTokenInput {
  readonly triggerSource: TokenGenerationSource;
  readonly clientId: string;
  readonly user: { readonly username: string; readonly email: string; readonly groups: readonly string[] };
  /** What the token would hold without the trigger: the granted request, or an SDK sign-in's scope. */
  readonly scopes: readonly string[];
}

export type PreTokenOutcome =
  | { readonly ok: true; readonly scopes: string[]; readonly groups: string[] }
  | { readonly ok: false; readonly message: string };

/** The pool a local token comes from: the stack and its region. */
type LocalPool = Pick<StackModel, "region" | "stack">;

/** A V2_0 event shaped like the one Cognito sends (Cognito developer guide, "Pre token generation Lambda trigger"). */
export function preTokenEvent(pool: LocalPool, input: PreTokenInput): PreTokenGenerationV2Event {
  return {
    version: "2",
    triggerSource: input.triggerSource,
    region: pool.region,
    userPoolId: `${pool.region}_local${pool.stack}`,
    userName: input.user.username,
    callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: input.clientId },
    request: {
      userAttributes: { sub: localSub(input.user.username), email: input.user.email, email_verified: "true", "cognito:user_status": "CONFIRMED" },
      groupConfiguration: { groupsToOverride: [...input.user.groups] },
      scopes: [...input.scopes],
    },
    response: { claimsAndScopeOverrideDetails: null },
  };
}

interface V2Response {
  readonly claimsAndScopeOverrideDetails?: {
    readonly accessTokenGeneration?: { readonly scopesToAdd?: unknown; readonly scopesToSuppress?: unknown };
    readonly groupOverrideDetails?: { readonly groupsToOverride?: unknown };
  } | null;
}

const strings = (value: unknown): string[] | undefined => (Array.isArray(value) && value.every((item) => typeof item === "string") ? value : undefined);

/**
 * Runs the stack's trigger, from its deployable zip, for one token: the scopes and groups the
 * token gets, as Cognito applies a V2_0 response (suppressed scopes removed, added ones appended,
 * the group override replacing `cognito:groups`). A failed or malformed answer fails the sign-in,
 * as it does in Cognito.
 */
export async function runPreTokenTrigger(invoke: (event: unknown) => Promise<InvokeOutcome>, pool: LocalPool, input: PreTokenInput): Promise<PreTokenOutcome> {
  const outcome = await invoke(preTokenEvent(pool, input));
  if (!outcome.ok) return { ok: false, message: `PreTokenGeneration failed with error ${outcome.detail.split("\n")[0]}.` };
  const details = (outcome.result as { response?: V2Response } | undefined)?.response?.claimsAndScopeOverrideDetails;
  const access = details?.accessTokenGeneration;
  const add = access?.scopesToAdd === undefined ? [] : strings(access.scopesToAdd);
  const suppress = access?.scopesToSuppress === undefined ? [] : strings(access.scopesToSuppress);
  const groupOverride = details?.groupOverrideDetails?.groupsToOverride;
  const groups = groupOverride === undefined ? [...input.user.groups] : strings(groupOverride);
  if (!add || !suppress || !groups || add.some((scope) => /\s/.test(scope) || scope === "")) {
    return { ok: false, message: "PreTokenGeneration failed with error: invalid response (scopesToAdd, scopesToSuppress and groupsToOverride are lists of scopes without spaces)." };
  }
  const scopes = input.scopes.filter((scope) => !suppress.includes(scope));
  for (const scope of add) if (!scopes.includes(scope) && !suppress.includes(scope)) scopes.push(scope);
  return { ok: true, scopes, groups };
}

/** The pool's pre-token-generation trigger when its event version can change scopes (V2_0 and later). */
export function scopeTrigger(model: StackModel): LocalFunction | undefined {
  const trigger = model.preTokenGeneration;
  return trigger && trigger.version !== "V1_0" ? model.functions.get(trigger.functionName) : undefined;
}

/** Each group's full scopes, read from the trigger's environment as the deployed trigger reads them; empty without a trigger. */
export function groupScopes(model: StackModel): Map<string, string[]> {
  const trigger = scopeTrigger(model);
  if (!trigger) return new Map();
  const mapping = readScopeGrantEnvironment(trigger.environment);
  return new Map(model.groups.map((group) => [group.name, (mapping.groupScopes[group.name] ?? []).map((scope) => `${mapping.scopePrefix}${scope}`)]));
}

/** The demo users' groups: alice in the group granting the most scopes, bob in the one granting the fewest. */
export function demoUserGroups(model: StackModel): Record<"alice" | "bob", string[]> {
  const ranked = [...groupScopes(model)].sort(([, a], [, b]) => b.length - a.length);
  if (ranked.length === 0) return { alice: [], bob: [] };
  return { alice: [ranked[0]![0]], bob: [ranked.at(-1)![0]] };
}

/** Runs the stack's trigger once in its own process, from its zip: for `npm run token`. Undefined when the pool has no V2_0 trigger. */
export async function runPreTokenTriggerOnce(model: StackModel, workFolder: string, input: PreTokenInput): Promise<PreTokenOutcome | undefined> {
  const fn = scopeTrigger(model);
  if (!fn) return undefined;
  const folder = path.join(workFolder, `${fn.name}-${process.pid}`);
  const runner = new FunctionRunner(fn, folder, { AWS_REGION: model.region }, { maxProcesses: 1 }, "ignore");
  try {
    return await runPreTokenTrigger((event) => runner.invoke(event), model, input);
  } finally {
    await runner.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

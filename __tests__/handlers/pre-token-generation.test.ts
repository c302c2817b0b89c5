import events from "../fixtures/pre-token-generation-v2-events.json";
import { decideScopes, type PreTokenGenerationV2Event } from "../../functions/triggers/pre-token-generation";
import { scopeGrantEnvironment, type ScopeGrantMapping } from "../../functions/triggers/scope-grants";
import { environments } from "../../environments";
import { notesRoutes } from "../../stacks/api/routes";
import { isStandardScope, notesClients, notesScopes, type AppClientDefinition } from "../../stacks/auth/clients";
import { notesScopeGrants, scopeGrantMapping } from "../../stacks/auth/groups";
import { checkAuthConfig } from "../../stacks/guard/auth-guard";

const READ = "https://notes.example.com/notes.read";
const WRITE = "https://notes.example.com/notes.write";
const AUDIT = "https://notes.example.com/notes.audit";
const mapping: ScopeGrantMapping = {
  scopePrefix: "https://notes.example.com/",
  managedScopes: ["notes.read", "notes.write", "notes.audit"],
  groupScopes: { readers: ["notes.read"], editors: ["notes.read", "notes.write"], auditors: ["notes.audit"] },
  scopesWithoutGroup: [],
};

/** The trigger as Lambda runs it: its environment as the stack writes it, the event as Cognito sends it. */
async function invoke(name: string, environment = scopeGrantEnvironment(mapping)): Promise<PreTokenGenerationV2Event> {
  const recorded = events.find((candidate) => candidate.name === name);
  if (!recorded) throw new Error(`no event ${name}`);
  const saved = { ...process.env };
  Object.assign(process.env, environment);
  try {
    let handler!: (event: PreTokenGenerationV2Event) => Promise<PreTokenGenerationV2Event>;
    jest.isolateModules(() => {
      handler = (require("../../functions/triggers/pre-token-generation") as typeof import("../../functions/triggers/pre-token-generation")).handler;
    });
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      return await handler(structuredClone(recorded.event) as PreTokenGenerationV2Event);
    } finally {
      log.mockRestore();
    }
  } finally {
    process.env = saved;
  }
}

const scopeChanges = (event: PreTokenGenerationV2Event) => event.response.claimsAndScopeOverrideDetails?.accessTokenGeneration;

describe("pre-token-generation trigger (V2_0), with events shaped as Cognito sends them", () => {
  test.each([
    ["hosted-ui-reader", [], [WRITE]],
    ["hosted-ui-editor-read-only", [], []],
    ["srp-reader", [READ], []],
    ["srp-editor", [READ, WRITE], []],
    ["refresh-hosted-ui", [], [WRITE]],
    ["refresh-srp", [READ, WRITE], []],
    ["no-group", [], [READ, WRITE]],
    ["two-groups", [AUDIT, READ], []],
    ["new-password", [READ], []],
  ])("%s: adds %j, suppresses %j", async (name, scopesToAdd, scopesToSuppress) => {
    const answered = await invoke(name);
    expect(scopeChanges(answered)).toEqual({ scopesToAdd, scopesToSuppress });
  });

  test("a hosted-UI sign-in never gets more than it asked for: an editor who asked for read gets no write", async () => {
    const answered = await invoke("hosted-ui-editor-read-only");
    const requested = answered.request.scopes ?? [];
    const { scopesToAdd = [], scopesToSuppress = [] } = scopeChanges(answered) ?? {};
    expect([...requested.filter((scope) => !scopesToSuppress.includes(scope)), ...scopesToAdd]).toEqual(["openid", "email", READ]);
  });

  test("leaves standard scopes and other resource servers' scopes alone", () => {
    const decision = decideScopes(
      { triggerSource: "TokenGeneration_HostedAuth", request: { userAttributes: {}, groupConfiguration: { groupsToOverride: [] }, scopes: ["openid", "https://other.example.com/x", WRITE] } },
      mapping,
    );
    expect(decision).toEqual({ granted: [], scopesToAdd: [], scopesToSuppress: [WRITE] });
  });

  test("a user in no group, or only in groups the mapping does not know, gets the no-group scopes (none by default)", () => {
    const withoutGroup = { ...mapping, scopesWithoutGroup: ["notes.read"] };
    const request = (groups: string[]) => ({ userAttributes: {}, groupConfiguration: { groupsToOverride: groups }, scopes: ["aws.cognito.signin.user.admin"] });
    expect(decideScopes({ triggerSource: "TokenGeneration_Authentication", request: request([]) }, withoutGroup).scopesToAdd).toEqual([READ]);
    expect(decideScopes({ triggerSource: "TokenGeneration_Authentication", request: request(["strangers"]) }, withoutGroup).scopesToAdd).toEqual([READ]);
    expect(decideScopes({ triggerSource: "TokenGeneration_Authentication", request: request(["strangers"]) }, mapping).scopesToAdd).toEqual([]);
  });

  test("a group mapped to a scope the resource server does not define adds nothing", () => {
    const typo = { ...mapping, groupScopes: { readers: ["notes.raed"] } };
    const request = { userAttributes: {}, groupConfiguration: { groupsToOverride: ["readers"] }, scopes: ["aws.cognito.signin.user.admin"] };
    expect(decideScopes({ triggerSource: "TokenGeneration_Authentication", request }, typo).scopesToAdd).toEqual([]);
  });

  test("fails closed without its mapping: Cognito then fails the sign-in instead of issuing a token", async () => {
    await expect(invoke("srp-reader", {} as Record<string, string>)).rejects.toThrow("SCOPE_PREFIX and GROUP_SCOPES must be set");
    await expect(invoke("srp-reader", { ...scopeGrantEnvironment(mapping), GROUP_SCOPES: '{"readers":"notes.read"}' })).rejects.toThrow("GROUP_SCOPES must be a JSON object of string arrays");
  });

  test("answers with Cognito's V2 response shape and keeps the request as it was", async () => {
    const answered = await invoke("srp-reader");
    const recorded = events.find((candidate) => candidate.name === "srp-reader")!.event;
    expect(answered.request).toEqual(recorded.request);
    expect(answered.response).toEqual({ claimsAndScopeOverrideDetails: { accessTokenGeneration: { scopesToAdd: [READ], scopesToSuppress: [] } } });
  });
});

describe("pre-token-generation trigger: no session gains scopes at refresh", () => {
  // Every client the guard accepts: code flow (hosted UI), with or without SDK sign-in, any OAuth scopes
  const standard = ["openid", "email", "aws.cognito.signin.user.admin"];
  const custom = ["notes.read", "notes.write"];
  const subsets = <T>(items: readonly T[]): T[][] => items.reduce<T[][]>((all, item) => [...all, ...all.map((subset) => [...subset, item])], [[]]);
  const candidates: AppClientDefinition[] = subsets([...standard, ...custom]).flatMap((scopes) =>
    [undefined, { flows: ["USER_SRP_AUTH"] as const, reason: "the mobile app signs in with the SDK" }].map((sdkSignIn) => ({
      name: "candidate",
      flows: ["code"],
      scopes,
      generateSecret: false,
      callbackUrls: ["https://notes.example.com/callback"],
      ...(sdkSignIn ? { sdkSignIn } : {}),
    })),
  );
  const accepted = (client: AppClientDefinition) =>
    !checkAuthConfig({ config: environments.dev, routes: notesRoutes, scopes: notesScopes, clients: [...notesClients(environments.dev.auth), client], scopeGrants: notesScopeGrants }).some(
      (finding) => finding.at === "client 'candidate'",
    );
  const identifier = environments.dev.auth.resourceServerIdentifier;
  const grants = scopeGrantMapping(notesScopeGrants, identifier, notesScopes.map((scope) => scope.name));
  const full = (scope: string) => (isStandardScope(scope) ? scope : `${identifier}/${scope}`);
  const tokenScopes = (triggerSource: string, requested: string[], groups: string[]) => {
    const decision = decideScopes({ triggerSource, request: { userAttributes: {}, groupConfiguration: { groupsToOverride: groups }, scopes: requested } }, grants);
    return new Set([...requested.filter((scope) => !decision.scopesToSuppress.includes(scope)), ...decision.scopesToAdd]);
  };
  /** A client's possible sign-ins: the hosted UI with any of its scopes, and the SDK (which asks for its one scope) where it offers it. */
  const sessions = (client: AppClientDefinition) => [
    ...subsets(client.scopes.map(full)).filter((scopes) => scopes.length).map((scopes) => ({ triggerSource: "TokenGeneration_HostedAuth", requested: scopes })),
    ...(client.sdkSignIn ? [{ triggerSource: "TokenGeneration_Authentication", requested: ["aws.cognito.signin.user.admin"] }] : []),
  ];
  const gains = (client: AppClientDefinition) =>
    sessions(client).flatMap(({ triggerSource, requested }) =>
      [[], ["readers"], ["editors"], ["readers", "editors"]].flatMap((groups) => {
        const signIn = tokenScopes(triggerSource, requested, groups);
        // A refresh asks for what the sign-in asked for; its groups are unchanged here
        const refreshed = tokenScopes("TokenGeneration_RefreshTokens", requested, groups);
        const gained = [...refreshed].filter((scope) => !signIn.has(scope));
        return gained.length ? [`${triggerSource} ${requested.join(" ")} [${groups.join(",")}] gains ${gained.join(" ")}`] : [];
      }),
    );

  test("for every client configuration the guard accepts, a refresh holds no scope its sign-in did not", () => {
    const checked = candidates.filter(accepted);
    // 32 clients: every scope set without the SDK's scope, with and without SDK sign-in
    expect(checked).toHaveLength(32);
    expect(checked.flatMap(gains)).toEqual([]);
  });

  test("the configuration the guard refuses is the one where a hosted-UI session would gain every group scope at refresh", () => {
    const refused = candidates.filter((client) => !accepted(client));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((client) => client.scopes.includes("aws.cognito.signin.user.admin"))).toBe(true);
    const editors = notesScopeGrants.groups.find((group) => group.name === "editors")!.scopes.map(full).sort();
    expect(gains(refused.find((client) => client.scopes.length === 1)!)).toContain(`TokenGeneration_HostedAuth aws.cognito.signin.user.admin [editors] gains ${editors.join(" ")}`);
  });
});

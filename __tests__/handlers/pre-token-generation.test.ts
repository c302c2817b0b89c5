import events from "../fixtures/pre-token-generation-v2-events.json";
import { decideScopes, type PreTokenGenerationV2Event } from "../../functions/triggers/pre-token-generation";
import { scopeGrantEnvironment, type ScopeGrantMapping } from "../../functions/triggers/scope-grants";

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

import { Testing } from "cdktf";
import { environments } from "../../environments";
import { notesRoutes, type Route } from "../../stacks/api/routes";
import { notesClients, notesScopes, type AppClientDefinition } from "../../stacks/auth/clients";
import { notesScopeGrants, type ScopeGrants, type UserGroupDefinition } from "../../stacks/auth/groups";
import type { EnvironmentConfig } from "../../stacks/config";
import { checkAuthConfig, type GuardInput } from "../../stacks/guard/auth-guard";
import { formatFinding, GuardError } from "../../stacks/guard/guard-error";
import { NotesApiStack } from "../../stacks/notes-api-stack";

const dev = environments.dev;
const base: GuardInput = { config: dev, routes: notesRoutes, scopes: notesScopes, clients: notesClients(dev.auth), scopeGrants: notesScopeGrants };

const withConfig = (change: (config: EnvironmentConfig) => EnvironmentConfig): GuardInput => ({ ...base, config: change(dev) });
const withAuth = (auth: Partial<EnvironmentConfig["auth"]>) => withConfig((config) => ({ ...config, auth: { ...config.auth, ...auth } }));
const withApi = (api: Partial<EnvironmentConfig["api"]>) => withConfig((config) => ({ ...config, api: { ...config.api, ...api } }));
const withRoute = (path: string, method: string, change: Partial<Route>): GuardInput => ({
  ...base,
  routes: notesRoutes.map((route) => (route.path === path && route.method === method ? { ...route, ...change } : route)),
});
const withRoutes = (...extra: Route[]): GuardInput => ({ ...base, routes: [...notesRoutes, ...extra] });
const withClient = (name: string, change: Partial<AppClientDefinition>): GuardInput => ({
  ...base,
  clients: base.clients.map((client) => (client.name === name ? { ...client, ...change } : client)),
});
const withGrants = (scopeGrants: ScopeGrants): GuardInput => ({ ...base, scopeGrants });
const withDomains = (domains: Partial<NonNullable<EnvironmentConfig["domains"]>>) => withConfig((config) => ({ ...config, domains: { hostedZoneId: "Z0EXAMPLE0NOTES0ZONE", ...domains } }));
const withPrefixlessDomains = (domains: Partial<NonNullable<EnvironmentConfig["domains"]>>) =>
  withConfig((config) => ({ ...config, auth: { ...config.auth, domainPrefix: undefined }, domains: { hostedZoneId: "Z0EXAMPLE0NOTES0ZONE", ...domains } }));
const withGroup = (group: Partial<UserGroupDefinition>): GuardInput => withGrants({ ...notesScopeGrants, groups: [...notesScopeGrants.groups, { name: "auditors", description: "Audit", scopes: ["notes.read"], ...group }] });
const withValidity = (validity: Partial<EnvironmentConfig["auth"]["tokenValidity"]>) =>
  withAuth({ tokenValidity: { ...dev.auth.tokenValidity, ...validity } });

/** [case, input, where, field, bad value as printed, what the message says] */
const badInputs: Array<[string, GuardInput, string, string, string, string]> = [
  ["a route uses the authorizer with no scopes", withRoute("/notes", "GET", { scopes: [] }), "route GET /notes", "scopes", "[]", "accepts ID tokens"],
  ["a route has no auth and is not public", withRoute("/me", "GET", { scopes: undefined }), "route GET /me", "scopes", "undefined", "has no auth"],
  ["a public route gives no real reason", withRoute("/health", "GET", { public: "ok" }), "route GET /health", "public", '"ok"', "at least 10 characters"],
  ["a public route also lists scopes", withRoute("/health", "GET", { scopes: ["notes.read"] }), "route GET /health", "public", "uptime checks", "takes no scopes"],
  ["acceptIdToken gives no real reason", withRoute("/me", "GET", { scopes: undefined, acceptIdToken: "legacy" }), "route GET /me", "acceptIdToken", '"legacy"', "at least 10 characters"],
  ["acceptIdToken comes with scopes", withRoute("/me", "GET", { acceptIdToken: "legacy mobile app until 2027" }), "route GET /me", "acceptIdToken", "legacy mobile app", "only access tokens"],
  ["a route requires an undefined scope", withRoute("/notes", "GET", { scopes: ["example.never-defined"] }), "route GET /notes", "scopes", '"example.never-defined"', "no resource server defines scope 'example.never-defined'"],
  [
    "a route requires only scopes no client may obtain",
    { ...base, scopes: [...notesScopes, { name: "example.never-defined", description: "Administer notes" }], routes: notesRoutes.map((route) => (route.path === "/me" ? { ...route, scopes: ["example.never-defined"] } : route)) },
    "route GET /me",
    "scopes",
    '["example.never-defined"]',
    "no client may obtain",
  ],
  ["two routes share a method and path", withRoutes({ method: "GET", path: "/notes", handler: "health", scopes: ["notes.read"] }), "route GET /notes", "path", '"/notes"', "two routes share GET /notes"],
  ["a path is malformed", withRoute("/me", "GET", { path: "me/" }), "route GET me/", "path", '"me/"', "a path is '/'"],
  ["a path has an empty segment", withRoute("/me", "GET", { path: "/me//x" }), "route GET /me//x", "path", '"/me//x"', "a path is '/'"],
  ["sibling path parameters clash", withRoutes({ method: "PATCH", path: "/notes/{noteId}", handler: "health", scopes: ["notes.write"] }), "route PATCH /notes/{noteId}", "path", "/notes/{noteId}", "{noteId} clashes with its sibling {id}"],
  ["two routes share a handler", withRoute("/me", "GET", { handler: "notes/list" }), "route GET /notes", "handler", '"notes/list"', "already serves route GET /me"],
  ["a handler file is missing", withRoute("/me", "GET", { handler: "profile" }), "route GET /me", "handler", '"profile"', "no file functions/profile.ts"],
  ["a route uses OPTIONS", withRoute("/me", "GET", { method: "OPTIONS" as never }), "route OPTIONS /me", "method", '"OPTIONS"', "CORS preflight"],
  ["a client_credentials client asks for openid", withClient("reporting", { scopes: ["openid", "notes.read"] }), "client 'reporting'", "scopes", '["openid"]', "no user"],
  ["a client_credentials client has no secret", withClient("reporting", { generateSecret: false }), "client 'reporting'", "generateSecret", "false", "needs a secret"],
  ["a client mixes client_credentials with code", withClient("reporting", { flows: ["client_credentials", "code"], callbackUrls: ["https://a.example.com/cb"] }), "client 'reporting'", "flows", '["client_credentials","code"]', "only flow"],
  ["a client enables implicit", withClient("web", { flows: ["code", "implicit"] }), "client 'web'", "flows", '["code","implicit"]', "implicit flow"],
  ["a client asks for an undefined scope", withClient("web", { scopes: ["openid", "example.never-defined"] }), "client 'web'", "scopes", '"example.never-defined"', "no resource server defines scope 'example.never-defined'"],
  ["a code client has no callback URL", withClient("web", { callbackUrls: [] }), "client 'web'", "callbackUrls", "[]", "needs at least one callback URL"],
  ["a hosted-UI domain comes with a domain prefix", withDomains({ auth: "auth.notes.example.com" }), "config.auth", "domainPrefix", '"notes-example-dev"', "a pool has one domain, drop the prefix"],
  ["the hosted UI has no domain at all", withAuth({ domainPrefix: undefined }), "config.auth", "domainPrefix", "undefined", "a prefix here, or domains.auth"],
  ["the hosted zone id is malformed", withDomains({ hostedZoneId: "notes.example.com", api: "api.notes.example.com" }), "config.domains", "hostedZoneId", '"notes.example.com"', "a Route 53 hosted zone id"],
  ["the API's name is malformed", withDomains({ api: "API_Notes.example.com" }), "config.domains", "api", '"API_Notes.example.com"', "a lower-case DNS name"],
  ["the hosted UI's name has no parent domain to hold its A record", withPrefixlessDomains({ auth: "example.com" }), "config.domains", "auth", '"example.com"', "needs its parent domain to have an A record"],
  ["the API and the hosted UI share a name", withPrefixlessDomains({ api: "auth.notes.example.com", auth: "auth.notes.example.com" }), "config.domains", "auth", '"auth.notes.example.com"', "the API uses this name too"],
  [
    "the hosted UI's certificate is not in us-east-1",
    withPrefixlessDomains({ auth: "auth.notes.example.com", certificateArns: { auth: "arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-0000-1111-2222-333344445555" } }),
    "config.domains.certificateArns",
    "auth",
    '"arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-0000-1111-2222-333344445555"',
    "from us-east-1 only",
  ],
  [
    "the API's certificate is in another region",
    withDomains({ api: "api.notes.example.com", certificateArns: { api: "arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-0000-1111-2222-333344445555" } }),
    "config.domains.certificateArns",
    "api",
    '"arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-0000-1111-2222-333344445555"',
    "from the API's region, eu-west-1",
  ],
  [
    "a certificate is in another account",
    withDomains({ api: "api.notes.example.com", certificateArns: { api: "arn:aws:acm:eu-west-1:444455556666:certificate/0a1b2c3d-0000-1111-2222-333344445555" } }),
    "config.domains.certificateArns",
    "api",
    '"arn:aws:acm:eu-west-1:444455556666:certificate/0a1b2c3d-0000-1111-2222-333344445555"',
    "in account 444455556666",
  ],
  ["the execute-api endpoint is turned off without a custom domain", withDomains({ disableExecuteApiEndpoint: true, api: undefined, auth: undefined }), "config.domains", "api", "undefined", "name the API's domain"],
  ["monitoring is missing", withConfig((config) => ({ ...config, monitoring: undefined as never })), "config", "monitoring", "undefined", "opt out with { optOut"],
  ["an opt-out gives no real reason", withConfig((config) => ({ ...config, waf: { optOut: "cost" } })), "config", "waf.optOut", '"cost"', "at least 10 characters"],
  ["an alarm address is not an email address", withConfig((config) => ({ ...config, monitoring: { emails: ["oncall"] } })), "config.monitoring", "emails", '"oncall"', "an email address"],
  ["an alarm percentage is over 100", withConfig((config) => ({ ...config, monitoring: { api5xxPercent: 150 } })), "config.monitoring", "api5xxPercent", "150", "at most 100"],
  ["a WAF rate limit is below WAF's minimum", withConfig((config) => ({ ...config, waf: { apiRateLimit: 5 } })), "config.waf", "apiRateLimit", "5", "from 10 to 2,000,000,000"],
  [
    "a hosted-UI client may ask for the SDK's scope while groups grant scopes",
    withClient("web", { scopes: ["openid", "aws.cognito.signin.user.admin", "notes.read"] }),
    "client 'web'",
    "scopes",
    '"aws.cognito.signin.user.admin"',
    "looks like an SDK sign-in at its refresh",
  ],
  ["a client offers SDK sign-in without a reason", withClient("web", { sdkSignIn: { flows: ["USER_SRP_AUTH"], reason: "sdk" } }), "client 'web'", "sdkSignIn.reason", '"sdk"', "at least 10 characters"],
  ["a client_credentials client offers SDK sign-in", withClient("reporting", { sdkSignIn: { flows: ["USER_SRP_AUTH"], reason: "the reporting job signs in" } }), "client 'reporting'", "sdkSignIn", '["USER_SRP_AUTH"]', "signs no user in"],
  ["a callback URL is plain http", withClient("web", { callbackUrls: ["http://app.example.com/cb"] }), "client 'web'", "callbackUrls", '"http://app.example.com/cb"', "must be https"],
  ["a logout URL is plain http", withClient("web", { logoutUrls: ["http://app.example.com/"] }), "client 'web'", "logoutUrls", '"http://app.example.com/"', "must be https"],
  ["a callback URL has a fragment", withClient("web", { callbackUrls: ["https://app.example.com/cb#x"] }), "client 'web'", "callbackUrls", "#x", "fragment"],
  ["the resource server identifier has a space", withAuth({ resourceServerIdentifier: "https://notes example" }), "config.auth", "resourceServerIdentifier", '"https://notes example"', "no space"],
  ["the resource server name is a URL", withAuth({ resourceServerName: "https://notes.example.com" }), "config.auth", "resourceServerName", '"https://notes.example.com"', "not a URL"],
  ["a scope name has a slash", { ...base, scopes: [...notesScopes, { name: "example/never-defined", description: "Administer" }] }, "scope 'example/never-defined'", "name", '"example/never-defined"', "no '/'"],
  ["a scope name is longer than 256", { ...base, scopes: [...notesScopes, { name: "s".repeat(257), description: "Long" }] }, "scope 'sss", "name", "sss", "1-256 characters"],
  ["a scope has no description", { ...base, scopes: [...notesScopes, { name: "example.never-defined", description: "" }] }, "scope 'example.never-defined'", "description", '""', "1-256 characters"],
  [
    "a resource server has more than 100 scopes",
    { ...base, scopes: [...notesScopes, ...Array.from({ length: 101 - notesScopes.length }, (_, index) => ({ name: `example.extra-${index}`, description: "Extra" }))] },
    "resource server",
    "scopes",
    "101",
    "at most 100",
  ],
  ["the domain prefix has upper case", withAuth({ domainPrefix: "Notes-Dev" }), "config.auth", "domainPrefix", '"Notes-Dev"', "[a-z0-9-]"],
  ["the domain prefix ends with a hyphen", withAuth({ domainPrefix: "notes-" }), "config.auth", "domainPrefix", '"notes-"', "not starting or ending"],
  ["the access token lives under 5 minutes", withValidity({ accessTokenMinutes: 4 }), "config.auth.tokenValidity", "accessTokenMinutes", "4", "from 5 to 1440"],
  ["the ID token lives over a day", withValidity({ idTokenMinutes: 1441 }), "config.auth.tokenValidity", "idTokenMinutes", "1441", "from 5 to 1440"],
  ["the refresh token lives over 10 years", withValidity({ refreshTokenDays: 3651 }), "config.auth.tokenValidity", "refreshTokenDays", "3651", "from 1 to 3650"],
  ["the access token outlives the refresh token", withValidity({ accessTokenMinutes: 1440, refreshTokenDays: 0.5 }), "config.auth.tokenValidity", "accessTokenMinutes", "1440", "longer than the refresh token"],
  ["a CORS origin has a path", withApi({ corsAllowedOrigins: ["https://app.example.com/"] }), "config.api", "corsAllowedOrigins", '"https://app.example.com/"', "did you mean 'https://app.example.com'"],
  ["'*' is mixed with origins", withApi({ corsAllowedOrigins: ["*", "https://app.example.com"] }), "config.api", "corsAllowedOrigins", '["*","https://app.example.com"]', "list it alone"],
  ["the authorizer cache outlives an hour", withApi({ authorizerCacheTtlSeconds: 3601 }), "config.api", "authorizerCacheTtlSeconds", "3601", "from 0 to 3600"],
  ["a log retention CloudWatch does not accept", withApi({ accessLogRetentionDays: 10 }), "config.api", "accessLogRetentionDays", "10", "CloudWatch Logs accepts"],
  ["throttling is zero", withApi({ throttling: { burstLimit: 0, rateLimit: 10 } }), "config.api.throttling", "burstLimit", "0", "above 0"],
  ["memory is below 128 MB", withConfig((config) => ({ ...config, functions: { ...config.functions, memoryMb: 64 } })), "config.functions", "memoryMb", "64", "128 to 10240"],
  ["the region is empty", withConfig((config) => ({ ...config, region: "" })), "config", "region", '""', "name the AWS region"],
  ["the region is unknown", withConfig((config) => ({ ...config, region: "eu-wast-1" })), "config", "region", '"eu-wast-1"', "not an AWS region"],
  ["the region is in GovCloud", withConfig((config) => ({ ...config, region: "us-gov-west-1" })), "config", "region", '"us-gov-west-1"', "only the aws partition"],
  ["the account id is not 12 digits", withConfig((config) => ({ ...config, accountId: "1111-2222-3333" })), "config", "accountId", '"1111-2222-3333"', "12 digits"],
  ["the state bucket is empty", withConfig((config) => ({ ...config, state: { bucket: "" } })), "config.state", "bucket", '""', "3 to 63 characters"],
  ["the state bucket has upper case", withConfig((config) => ({ ...config, state: { bucket: "Example-State" } })), "config.state", "bucket", '"Example-State"', "lower-case letters"],
  ["the state key prefix ends with a slash", withConfig((config) => ({ ...config, state: { bucket: "example-state", keyPrefix: "notes/" } })), "config.state", "keyPrefix", '"notes/"', "no leading or trailing '/'"],
  ["execution logging is off", withApi({ loggingLevel: "OFF" as never }), "config.api", "loggingLevel", '"OFF"', "APIG6"],
  ["the logging level is unknown", withApi({ loggingLevel: "DEBUG" as never }), "config.api", "loggingLevel", '"DEBUG"', "one of ERROR, INFO"],
  ["a group name has a space", withGroup({ name: "note editors" }), "group 'note editors'", "name", '"note editors"', "no whitespace"],
  ["a group name is longer than 128", withGroup({ name: "g".repeat(129) }), "group 'ggg", "name", "ggg", "1-128"],
  ["two groups share a name", withGroup({ name: "readers" }), "group 'readers'", "name", '"readers"', "two groups share this name"],
  ["two group names make the same Terraform name", withGrants({ groups: [{ name: "a.b", description: "x", scopes: ["notes.read"] }, { name: "a:b", description: "y", scopes: ["notes.read"] }] }), "group 'a:b'", "name", '"a:b"', "collides with group 'a.b'"],
  ["a group's description is over 2048 characters", withGroup({ description: "d".repeat(2049) }), "group 'auditors'", "description", "2049 characters", "at most 2048"],
  ["a group's precedence is negative", withGroup({ precedence: -1 }), "group 'auditors'", "precedence", "-1", "from 0 to 2147483647"],
  ["a group grants an undefined scope", withGroup({ scopes: ["notes.audit"] }), "group 'auditors'", "scopes", '"notes.audit"', "no resource server defines scope 'notes.audit'"],
  ["a group grants a standard scope", withGroup({ scopes: ["openid"] }), "group 'auditors'", "scopes", '"openid"', "custom scopes only"],
  ["users in no group get an undefined scope", withGrants({ ...notesScopeGrants, withoutGroup: ["notes.raed"] }), "scopeGrants", "withoutGroup", '"notes.raed"', "no resource server defines"],
  ["groups are used on the Lite plan", { ...withAuth({ userPoolTier: "LITE" }), scopeGrants: notesScopeGrants }, "config.auth", "userPoolTier", '"LITE"', "ESSENTIALS or PLUS"],
  [
    "the mapping outgrows the trigger's 4 KB environment",
    withGrants({ groups: Array.from({ length: 120 }, (_, index) => ({ name: `group-number-${index}`, description: "Many", scopes: ["notes.read", "notes.write"] })) }),
    "scopeGrants",
    "groups",
    "120 groups",
    "Lambda allows 4 KB",
  ],
  [
    "no group grants a route's scope and no machine client may have it",
    withGrants({ groups: notesScopeGrants.groups.map((group) => ({ ...group, scopes: group.scopes.filter((scope) => scope !== "notes.write") })) }),
    "route DELETE /notes/{id}",
    "scopes",
    '["notes.write"]',
    "nobody can call the route",
  ],
  ["a handler has no contract for the OpenAPI document", { ...base, contracts: {} }, "route GET /me", "handler", '"me"', "no contract in functions/contracts.ts"],
  ["a handler makes a role name too long", withRoute("/me", "GET", { handler: "profile/".repeat(6) + "me" }), "route GET /me", "handler", "profile/profile", "IAM allows 64"],
  ["the flavour is none of the three", withApi({ flavour: "http" as never }), "config.api", "flavour", '"http"', "one of rest-cognito, rest-jwt, http-jwt"],
  ["the flavour is rest-jwt, which no provider can make", withApi({ flavour: "rest-jwt" }), "config.api", "flavour", '"rest-jwt"', "aws_api_gateway_authorizer has no JWT configuration"],
  ["an http-jwt environment sets execution logging", withApi({ flavour: "http-jwt", loggingLevel: "INFO" }), "config.api", "loggingLevel", '"INFO"', "an HTTP API has no execution logs"],
  ["an http-jwt environment sets the authorizer cache", withApi({ flavour: "http-jwt", loggingLevel: undefined, authorizerCacheTtlSeconds: 60 }), "config.api", "authorizerCacheTtlSeconds", "60", "caches the issuer's signing keys"],
  ["an http-jwt environment asks for a web ACL", withConfig((config) => ({ ...config, api: { ...config.api, flavour: "http-jwt", loggingLevel: undefined }, waf: {} })), "config", "waf", "{}", "AWS WAF cannot protect an HTTP API"],
];

describe("checkAuthConfig", () => {
  test.each(["dev", "devhttp", "prod"] as const)("the %s configuration has no findings", (environment) => {
    const config = environments[environment];
    expect(checkAuthConfig({ config, routes: notesRoutes, scopes: notesScopes, clients: notesClients(config.auth), scopeGrants: notesScopeGrants })).toEqual([]);
  });

  test("a route that opts into ID tokens with a reason passes", () => {
    expect(checkAuthConfig(withRoute("/me", "GET", { scopes: undefined, acceptIdToken: "legacy mobile app until 2027" }))).toEqual([]);
  });

  test("http callbacks to localhost and 127.0.0.1 pass", () => {
    expect(checkAuthConfig(withClient("web", { callbackUrls: ["http://localhost:3000/cb", "http://127.0.0.1:8080/cb"] }))).toEqual([]);
  });

  test.each(badInputs)("fails when %s", (_, input, at, field, value, message) => {
    // WHEN
    const findings = checkAuthConfig(input);
    // THEN one finding names the place, the field and the bad value
    const matching = findings.filter((finding) => finding.at.startsWith(at) && finding.field === field && finding.message.includes(message));
    expect(matching).toHaveLength(1);
    const line = formatFinding(matching[0]!);
    expect(line).toContain(`[dev] ${at}`);
    expect(line).toContain(`${field} = `);
    expect(line).toContain(value);
    expect(line).toContain(message);
  });

  test("reports every problem of a configuration together", () => {
    const input: GuardInput = {
      ...withAuth({ domainPrefix: "BAD", resourceServerName: "https://x" }),
      routes: notesRoutes.map((route) => (route.path === "/notes" && route.method === "GET" ? { ...route, scopes: [] } : route)),
    };
    expect(checkAuthConfig(input).map((finding) => finding.field).sort()).toEqual(["domainPrefix", "resourceServerName", "scopes"]);
  });

  test("the stack refuses a misconfiguration before it builds anything", () => {
    const app = Testing.app();
    const config = { ...dev, auth: { ...dev.auth, domainPrefix: "BAD" } };
    expect(() => new NotesApiStack(app, "dev", { config, env: {} })).toThrow(GuardError);
    expect(() => new NotesApiStack(Testing.app(), "dev", { config, env: {} })).toThrow(
      /auth guard: 1 misconfiguration, nothing was synthesized\n {2}- \[dev\] config.auth: domainPrefix = "BAD": /,
    );
    const stack = app.node.findChild("dev");
    expect(stack.node.children).toHaveLength(0);
  });
});

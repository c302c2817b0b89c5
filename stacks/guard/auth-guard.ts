import * as fs from "node:fs";
import * as path from "node:path";
import { functionNameFor, pathSegments, roleNameFor } from "../api/route-paths";
import type { HttpMethod, Route } from "../api/routes";
import { isStandardScope, type AppClientDefinition, type ScopeDefinition } from "../auth/clients";
import { groupConstructId, usesScopeGrants, scopeGrantMapping, type ScopeGrants } from "../auth/groups";
import { API_FLAVOURS, apiFlavour, isOptOut, type EnvironmentConfig } from "../config";
import { scopeGrantEnvironment } from "../../functions/triggers/scope-grants";
import { SDK_SCOPE } from "../../functions/triggers/pre-token-generation";
import { HANDLER_CONTRACTS, type HandlerContract } from "../../functions/contracts";
import { FUNCTIONS_DIR } from "../paths";
import { REASON_MIN_LENGTH } from "../suppressions";
import { accountIdProblem, bucketNameProblem, namePartProblem, regionProblem } from "./aws-names";
import * as limits from "./cognito-limits";
import type { GuardFinding } from "./guard-error";

export interface GuardInput {
  readonly config: EnvironmentConfig;
  readonly routes: readonly Route[];
  readonly scopes: readonly ScopeDefinition[];
  readonly clients: readonly AppClientDefinition[];
  /** @default - no groups: scopes are per client */
  readonly scopeGrants?: ScopeGrants;
  /** @default HANDLER_CONTRACTS */
  readonly contracts?: Readonly<Record<string, HandlerContract>>;
}

const METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const SEGMENT = /^(?:[A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\+?\})$/;
const LOOPBACK_HOSTS = ["localhost", "127.0.0.1"];

type Report = (at: string, field: string, value: unknown, message: string) => void;

/**
 * Checks a stack's configuration, route table, scopes and clients before anything is built, and
 * returns every problem found: a route that would accept ID tokens or no token, scopes nobody
 * defines or can obtain, unsafe clients, and names Cognito would reject at apply time.
 */
export function checkAuthConfig(input: GuardInput): GuardFinding[] {
  const findings: GuardFinding[] = [];
  const report: Report = (at, field, value, message) =>
    findings.push({ stack: input.config.name, at, field, value, message });
  checkRoutes(input, report);
  checkResourceServer(input, report);
  checkClients(input, report);
  checkScopeGrants(input, report);
  checkEnvironment(input.config, input.routes, report);
  return findings;
}

export function routeLabel(route: Pick<Route, "method" | "path">): string {
  return `route ${route.method} ${route.path}`;
}

function checkReason(report: Report, at: string, field: string, reason: string): void {
  if (reason.trim().length < REASON_MIN_LENGTH) {
    report(at, field, reason, `the reason must say why in at least ${REASON_MIN_LENGTH} characters`);
  }
}

function checkRoutes({ routes, scopes, clients, contracts = HANDLER_CONTRACTS }: GuardInput, report: Report): void {
  const defined = new Set(scopes.map((scope) => scope.name));
  const obtainable = new Set(clients.flatMap((client) => client.scopes.filter((scope) => !isStandardScope(scope))));
  const seen = new Map<string, Route>();
  const handlers = new Map<string, Route>();

  for (const route of routes) {
    const at = routeLabel(route);
    if (!METHODS.includes(route.method)) {
      report(at, "method", route.method, `allowed methods are ${METHODS.join(", ")} (OPTIONS is the CORS preflight's)`);
    }
    checkPath(report, at, route.path);

    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) report(at, "path", route.path, `two routes share ${key}`);
    seen.set(key, route);

    const sharing = handlers.get(route.handler);
    if (sharing) report(at, "handler", route.handler, `already serves ${routeLabel(sharing)}: each route needs its own function`);
    handlers.set(route.handler, route);
    if (!fs.existsSync(path.join(FUNCTIONS_DIR, `${route.handler}.ts`))) {
      report(at, "handler", route.handler, `no file functions/${route.handler}.ts`);
    } else if (!Object.hasOwn(contracts, route.handler)) {
      report(at, "handler", route.handler, "no contract in functions/contracts.ts: the OpenAPI document needs the handler's summary, inputs and answers");
    }

    const routeScopes = route.scopes ?? [];
    if (route.public !== undefined) {
      checkReason(report, at, "public", route.public);
      if (route.scopes !== undefined || route.acceptIdToken !== undefined) {
        report(at, "public", route.public, "a public route takes no scopes and no acceptIdToken");
      }
      continue;
    }
    if (route.acceptIdToken !== undefined) {
      checkReason(report, at, "acceptIdToken", route.acceptIdToken);
      if (routeScopes.length > 0) {
        report(at, "acceptIdToken", route.acceptIdToken, "with scopes API Gateway accepts only access tokens: drop the scopes or acceptIdToken");
      }
      continue;
    }
    if (route.scopes === undefined) {
      report(at, "scopes", undefined, "the route has no auth: list the scopes it requires, or declare it public with a reason");
      continue;
    }
    if (routeScopes.length === 0) {
      report(at, "scopes", routeScopes, "a Cognito method without scopes accepts ID tokens: list scopes, or set acceptIdToken with a reason");
      continue;
    }
    const undefinedScopes = routeScopes.filter((scope) => !defined.has(scope));
    for (const scope of undefinedScopes) {
      report(at, "scopes", scope, `no resource server defines scope '${scope}' (defined: ${[...defined].join(", ") || "none"})`);
    }
    if (undefinedScopes.length === 0 && !routeScopes.some((scope) => obtainable.has(scope))) {
      report(at, "scopes", routeScopes, "no client may obtain any of these scopes: no token could ever pass");
    }
  }
  checkSiblingParameters(routes, report);
}

/** Groups, their scopes, the plan the trigger needs, and routes no user or machine can reach. */
function checkScopeGrants({ config, routes, scopes, clients, scopeGrants }: GuardInput, report: Report): void {
  if (!scopeGrants || !usesScopeGrants(scopeGrants)) return;
  const defined = new Set(scopes.map((scope) => scope.name));
  const tier = config.auth.userPoolTier ?? "ESSENTIALS";
  if (tier === "LITE") {
    report("config.auth", "userPoolTier", tier, "groups grant scopes through a pre-token-generation trigger V2_0, which needs the ESSENTIALS or PLUS plan (docs/aws-facts.md §7)");
  }
  const checkScopes = (at: string, field: string, granted: readonly string[]) => {
    for (const scope of granted) {
      if (isStandardScope(scope)) report(at, field, scope, "groups grant custom scopes only; standard scopes come from the client's request");
      else if (!defined.has(scope)) report(at, field, scope, `no resource server defines scope '${scope}' (defined: ${[...defined].join(", ") || "none"})`);
    }
  };
  const names = new Set<string>();
  const constructIds = new Map<string, string>();
  for (const group of scopeGrants.groups) {
    const at = `group '${group.name}'`;
    if (!limits.GROUP_NAME.test(group.name)) report(at, "name", group.name, "1-128 letters, digits, symbols or punctuation, no whitespace");
    if (names.has(group.name)) report(at, "name", group.name, "two groups share this name");
    names.add(group.name);
    const clash = constructIds.get(groupConstructId(group.name));
    if (clash !== undefined && clash !== group.name) report(at, "name", group.name, `its Terraform name collides with group '${clash}': rename one`);
    constructIds.set(groupConstructId(group.name), group.name);
    if (group.description.length > limits.GROUP_DESCRIPTION_MAX) report(at, "description", `${group.description.length} characters`, `at most ${limits.GROUP_DESCRIPTION_MAX} characters`);
    if (group.precedence !== undefined && !(Number.isInteger(group.precedence) && group.precedence >= 0 && group.precedence <= limits.GROUP_PRECEDENCE_MAX)) {
      report(at, "precedence", group.precedence, `a whole number from 0 to ${limits.GROUP_PRECEDENCE_MAX}`);
    }
    checkScopes(at, "scopes", group.scopes);
  }
  checkScopes("scopeGrants", "withoutGroup", scopeGrants.withoutGroup ?? []);
  // The trigger takes a session whose only scope is the SDK's for an SDK sign-in and adds every group scope at each refresh.
  for (const client of clients.filter((candidate) => candidate.flows.includes("code") && candidate.scopes.includes(SDK_SCOPE))) {
    report(
      `client '${client.name}'`,
      "scopes",
      SDK_SCOPE,
      "a hosted-UI session that asks only for this scope looks like an SDK sign-in at its refresh, where the groups' scopes are added: a session would gain scopes its sign-in did not have. Sign in through the SDK (sdkSignIn) for it",
    );
  }

  const environment = scopeGrantEnvironment(scopeGrantMapping(scopeGrants, config.auth.resourceServerIdentifier, scopes.map((scope) => scope.name)));
  const bytes = Object.entries(environment).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
  if (bytes > limits.LAMBDA_ENVIRONMENT_BYTES_BUDGET) {
    report("scopeGrants", "groups", `${scopeGrants.groups.length} groups`, `the mapping takes ${bytes} bytes of the trigger's environment; Lambda allows 4 KB in all (budget ${limits.LAMBDA_ENVIRONMENT_BYTES_BUDGET})`);
  }

  const reachable = new Set([
    ...scopeGrants.groups.flatMap((group) => group.scopes),
    ...(scopeGrants.withoutGroup ?? []),
    // The V2_0 trigger does not run for client_credentials: machine clients keep their client's scopes.
    ...clients.filter((client) => client.flows.includes("client_credentials")).flatMap((client) => client.scopes),
  ]);
  for (const route of routes) {
    const routeScopes = route.scopes ?? [];
    if (route.public !== undefined || route.acceptIdToken !== undefined || routeScopes.length === 0) continue;
    if (routeScopes.every((scope) => defined.has(scope)) && !routeScopes.some((scope) => reachable.has(scope))) {
      report(routeLabel(route), "scopes", routeScopes, "no group grants any of these scopes and no client_credentials client may obtain one: nobody can call the route");
    }
  }
}

function checkPath(report: Report, at: string, routePath: string): void {
  const segments = routePath.split("/").slice(1);
  const malformed =
    !routePath.startsWith("/") ||
    (routePath !== "/" && segments.some((segment) => !SEGMENT.test(segment))) ||
    segments.slice(0, -1).some((segment) => segment.endsWith("+}"));
  if (malformed) {
    report(at, "path", routePath, "a path is '/' or '/'-separated segments of [A-Za-z0-9._~-] or {param}; only the last may be greedy {param+}; no trailing '/'");
  }
}

/** API Gateway rejects `/notes/{id}` beside `/notes/{noteId}`: one parameter name per position. */
function checkSiblingParameters(routes: readonly Route[], report: Report): void {
  const parameterAt = new Map<string, string>();
  for (const route of routes) {
    const segments = pathSegments(route.path);
    segments.forEach((segment, index) => {
      if (!segment.startsWith("{")) return;
      const parent = "/" + segments.slice(0, index).join("/");
      const existing = parameterAt.get(parent);
      if (existing === undefined) parameterAt.set(parent, segment);
      else if (existing !== segment) {
        report(routeLabel(route), "path", route.path, `path parameter ${segment} clashes with its sibling ${existing} under ${parent}`);
      }
    });
  }
}

function checkResourceServer({ config, scopes }: GuardInput, report: Report): void {
  const { auth } = config;
  if (!limits.RESOURCE_SERVER_IDENTIFIER.test(auth.resourceServerIdentifier)) {
    report("config.auth", "resourceServerIdentifier", auth.resourceServerIdentifier, "1-256 characters, no space, '\"' or '\\'");
  }
  if (!limits.RESOURCE_SERVER_NAME.test(auth.resourceServerName)) {
    report("config.auth", "resourceServerName", auth.resourceServerName, "1-256 characters of [\\w\\s+=,.@-] (so not a URL)");
  }
  if (scopes.length > limits.SCOPES_PER_RESOURCE_SERVER) {
    report("resource server", "scopes", scopes.length, `at most ${limits.SCOPES_PER_RESOURCE_SERVER} scopes per resource server`);
  }
  const names = new Set<string>();
  for (const scope of scopes) {
    const at = `scope '${scope.name}'`;
    if (!limits.SCOPE_NAME.test(scope.name)) {
      report(at, "name", scope.name, "1-256 characters, no '/', space, '\"' or '\\'");
    }
    if (names.has(scope.name)) report(at, "name", scope.name, "defined twice");
    names.add(scope.name);
    if (scope.description.length < 1 || scope.description.length > limits.SCOPE_DESCRIPTION_MAX) {
      report(at, "description", scope.description, `1-${limits.SCOPE_DESCRIPTION_MAX} characters`);
    }
  }
}

function checkClients({ config, scopes, clients }: GuardInput, report: Report): void {
  const defined = new Set(scopes.map((scope) => scope.name));
  const names = new Set<string>();
  for (const client of clients) {
    const at = `client '${client.name}'`;
    if (!/^[a-z0-9-]{1,32}$/.test(client.name)) report(at, "name", client.name, "1-32 characters of [a-z0-9-]");
    if (names.has(client.name)) report(at, "name", client.name, "two clients share this name");
    names.add(client.name);

    if (client.flows.length === 0) report(at, "flows", client.flows, "a client needs an OAuth flow");
    if (client.flows.includes("implicit")) report(at, "flows", client.flows, "the implicit flow leaks tokens in URLs: use code with PKCE");
    const machine = client.flows.includes("client_credentials");
    if (machine && client.flows.length > 1) {
      report(at, "flows", client.flows, "client_credentials must be the client's only flow (docs/aws-facts.md §2)");
    }
    if (machine && !client.generateSecret) {
      report(at, "generateSecret", client.generateSecret, "a client_credentials client needs a secret");
    }
    if (machine) {
      const userOnly = client.scopes.filter((scope) => (limits.USER_ONLY_SCOPES as readonly string[]).includes(scope));
      if (userOnly.length) report(at, "scopes", userOnly, "a client_credentials token has no user: ask only for custom scopes");
      if (!client.scopes.some((scope) => !isStandardScope(scope))) {
        report(at, "scopes", client.scopes, "a client_credentials client needs at least one custom scope");
      }
    }
    if (client.sdkSignIn) {
      if (machine) report(at, "sdkSignIn", client.sdkSignIn.flows, "a client_credentials client signs no user in");
      if (client.sdkSignIn.flows.length === 0) report(at, "sdkSignIn.flows", client.sdkSignIn.flows, "name the InitiateAuth flows the client uses, or leave sdkSignIn out");
      checkReason(report, at, "sdkSignIn.reason", client.sdkSignIn.reason);
    }
    if (client.flows.includes("code") && !client.callbackUrls?.length) {
      report(at, "callbackUrls", client.callbackUrls ?? [], "the code flow needs at least one callback URL");
    }
    for (const scope of client.scopes) {
      if (!isStandardScope(scope) && !defined.has(scope)) {
        report(at, "scopes", scope, `no resource server defines scope '${scope}'`);
      }
    }
    for (const field of ["callbackUrls", "logoutUrls"] as const) {
      for (const url of client[field] ?? []) {
        const problem = redirectUrlProblem(url);
        if (problem) report(at, field, url, problem);
      }
    }
  }
  const validity = config.auth.tokenValidity;
  const refreshMinutes = validity.refreshTokenDays * 24 * 60;
  for (const field of ["accessTokenMinutes", "idTokenMinutes"] as const) {
    const minutes = validity[field];
    const { min, max } = limits.ACCESS_AND_ID_TOKEN_MINUTES;
    if (!Number.isInteger(minutes) || minutes < min || minutes > max) {
      report("config.auth.tokenValidity", field, minutes, `a whole number of minutes from ${min} to ${max}`);
    } else if (minutes > refreshMinutes) {
      report("config.auth.tokenValidity", field, minutes, `longer than the refresh token (${refreshMinutes} minutes)`);
    }
  }
  const { min, max } = limits.REFRESH_TOKEN_DAYS;
  if (!Number.isInteger(validity.refreshTokenDays) || validity.refreshTokenDays < min || validity.refreshTokenDays > max) {
    report("config.auth.tokenValidity", "refreshTokenDays", validity.refreshTokenDays, `a whole number of days from ${min} to ${max}`);
  }
}

/** https, or plain http to the loopback host for local development. */
function redirectUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "not a URL";
  }
  if (url.hash) return "a redirect URL may not have a fragment";
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && LOOPBACK_HOSTS.includes(url.hostname)) return undefined;
  return "must be https (plain http only for localhost and 127.0.0.1)";
}

function checkEnvironment(config: EnvironmentConfig, routes: readonly Route[], report: Report): void {
  const { auth, api, functions } = config;
  for (const field of ["namePrefix", "name"] as const) {
    const problem = namePartProblem(config[field]);
    if (problem) report("config", field, config[field], problem);
  }
  const regionIssue = regionProblem(String(config.region ?? ""));
  if (regionIssue) report("config", "region", config.region, regionIssue);
  const accountIssue = accountIdProblem(String(config.accountId ?? ""));
  if (accountIssue) report("config", "accountId", config.accountId, accountIssue);
  if (config.state) checkState(config.state, report);
  if (auth.domainPrefix !== undefined && config.domains?.auth !== undefined) {
    report("config.auth", "domainPrefix", auth.domainPrefix, `the hosted UI has a custom domain (domains.auth = "${config.domains.auth}"): a pool has one domain, drop the prefix`);
  } else if (auth.domainPrefix === undefined && config.domains?.auth === undefined) {
    report("config.auth", "domainPrefix", auth.domainPrefix, "the hosted UI needs a domain: a prefix here, or domains.auth");
  } else if (auth.domainPrefix !== undefined && !limits.DOMAIN_PREFIX.test(auth.domainPrefix)) {
    report("config.auth", "domainPrefix", auth.domainPrefix, "1-63 characters of [a-z0-9-], not starting or ending with '-'");
  }
  if (config.domains) checkDomains(config, report);
  checkOperations(config, report);
  if (!["OFF", "OPTIONAL", "ON"].includes(auth.mfa)) report("config.auth", "mfa", auth.mfa, "one of OFF, OPTIONAL, ON");
  if (auth.userPoolTier !== undefined && !["LITE", "ESSENTIALS", "PLUS"].includes(auth.userPoolTier)) {
    report("config.auth", "userPoolTier", auth.userPoolTier, "one of LITE, ESSENTIALS, PLUS");
  }

  if (!/^[A-Za-z0-9_-]{1,128}$/.test(api.stageName)) report("config.api", "stageName", api.stageName, "1-128 characters of [A-Za-z0-9_-]");
  if (api.corsAllowedOrigins.length === 0) report("config.api", "corsAllowedOrigins", api.corsAllowedOrigins, "list at least one origin, or '*'");
  if (api.corsAllowedOrigins.includes("*") && api.corsAllowedOrigins.length > 1) {
    report("config.api", "corsAllowedOrigins", api.corsAllowedOrigins, "'*' already allows every origin: list it alone");
  }
  for (const origin of api.corsAllowedOrigins.filter((candidate) => candidate !== "*")) {
    const problem = originProblem(origin);
    if (problem) report("config.api", "corsAllowedOrigins", origin, problem);
  }
  for (const field of ["burstLimit", "rateLimit"] as const) {
    const value = api.throttling[field];
    if (!(Number.isFinite(value) && value > 0)) report("config.api.throttling", field, value, "a number above 0");
  }
  const loggingLevel = api.loggingLevel as string | undefined;
  if (loggingLevel === "OFF") {
    report("config.api", "loggingLevel", loggingLevel, "with execution logging off nobody can see why the authorizer refused a call, and the policy pack refuses it (APIG6): use \"ERROR\" (failures only) or \"INFO\"");
  } else if (loggingLevel !== undefined && !["ERROR", "INFO"].includes(loggingLevel)) {
    report("config.api", "loggingLevel", loggingLevel, "one of ERROR, INFO");
  }
  checkFlavour(config, report);
  const ttl = api.authorizerCacheTtlSeconds;
  if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= limits.AUTHORIZER_TTL_SECONDS.min && ttl <= limits.AUTHORIZER_TTL_SECONDS.max)) {
    report("config.api", "authorizerCacheTtlSeconds", ttl, "a whole number of seconds from 0 to 3600");
  }
  checkRetention(report, "config.api", "accessLogRetentionDays", api.accessLogRetentionDays);
  checkRetention(report, "config.functions", "logRetentionDays", functions.logRetentionDays);
  if (!(Number.isInteger(functions.memoryMb) && functions.memoryMb >= limits.LAMBDA_MEMORY_MB.min && functions.memoryMb <= limits.LAMBDA_MEMORY_MB.max)) {
    report("config.functions", "memoryMb", functions.memoryMb, "a whole number of MB from 128 to 10240");
  }
  if (!(Number.isInteger(functions.timeoutSeconds) && functions.timeoutSeconds >= limits.LAMBDA_TIMEOUT_SECONDS.min && functions.timeoutSeconds <= limits.LAMBDA_TIMEOUT_SECONDS.max)) {
    report("config.functions", "timeoutSeconds", functions.timeoutSeconds, "a whole number of seconds from 1 to 900");
  }
  for (const route of routes) {
    const roleName = roleNameFor(functionNameFor(config, route.handler));
    if (roleName.length > limits.NAME_MAX) {
      report(routeLabel(route), "handler", route.handler, `makes the role name '${roleName}' ${roleName.length} characters; IAM allows ${limits.NAME_MAX}`);
    }
  }
}

/** The flavour, and the settings that do not exist for it (docs/api-flavours.md, docs/aws-facts.md §11). */
function checkFlavour(config: EnvironmentConfig, report: Report): void {
  const flavour = config.api.flavour;
  if (flavour !== undefined && !API_FLAVOURS.includes(flavour)) {
    report("config.api", "flavour", flavour, `one of ${API_FLAVOURS.join(", ")}`);
    return;
  }
  if (flavour === "rest-jwt") {
    report(
      "config.api",
      "flavour",
      flavour,
      "no Terraform AWS provider can make a REST API's JWT authorizer yet (aws_api_gateway_authorizer has no JWT configuration in 6.25, nor in 6.66 through the cdktn exit): use rest-cognito, or http-jwt for a JWT authorizer (docs/api-flavours.md)",
    );
  }
  if (apiFlavour(config) !== "http-jwt") return;
  if (config.api.loggingLevel !== undefined) {
    report("config.api", "loggingLevel", config.api.loggingLevel, "an HTTP API has no execution logs: its access log records the authorizer's error; leave loggingLevel out");
  }
  if (config.api.authorizerCacheTtlSeconds !== undefined) {
    report("config.api", "authorizerCacheTtlSeconds", config.api.authorizerCacheTtlSeconds, "a JWT authorizer caches the issuer's signing keys, not its decisions: leave authorizerCacheTtlSeconds out");
  }
  if (config.waf && !isOptOut(config.waf)) {
    report("config", "waf", config.waf, "AWS WAF cannot protect an HTTP API (only REST APIs, among API Gateway's): opt out with { optOut: \"<why>\" }, or use the rest-cognito flavour for a web ACL (docs/api-flavours.md)");
  }
}

/** A DNS name of at least `labels` labels (RFC 1035: labels of 1-63 letters, digits and hyphens, 253 characters in all). */
function dnsNameProblem(name: string, labels: number): string | undefined {
  const parts = name.split(".");
  if (name.length > 253 || !parts.every((part) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(part))) return "a lower-case DNS name: labels of a-z, 0-9 and inner hyphens, at most 63 characters each";
  if (parts.length < labels) return labels === 3 ? "a name under a domain you own, such as auth.notes.example.com: Cognito needs its parent domain to have an A record" : "a name under a domain you own, such as api.notes.example.com";
  return undefined;
}

function checkDomains(config: EnvironmentConfig, report: Report): void {
  const domains = config.domains!;
  if (!/^Z[0-9A-Z]{1,31}$/.test(domains.hostedZoneId)) report("config.domains", "hostedZoneId", domains.hostedZoneId, "a Route 53 hosted zone id, such as Z0123456789ABCDEFGHIJ");
  if (domains.api === undefined && domains.auth === undefined) report("config.domains", "api", domains.api, "name the API's domain, the hosted UI's, or both (or leave domains out)");
  for (const [field, labels] of [["api", 2], ["auth", 3]] as const) {
    const name = domains[field];
    if (name === undefined) continue;
    const problem = dnsNameProblem(name, labels);
    if (problem) report("config.domains", field, name, problem);
  }
  if (domains.api !== undefined && domains.api === domains.auth) report("config.domains", "auth", domains.auth, "the API uses this name too: each needs its own");
  if (domains.disableExecuteApiEndpoint && domains.api === undefined) report("config.domains", "disableExecuteApiEndpoint", true, "without domains.api the execute-api URL is the API's only endpoint");
  for (const [field, region] of [["api", config.region], ["auth", "us-east-1"]] as const) {
    const arn = domains.certificateArns?.[field];
    if (arn === undefined) continue;
    const match = /^arn:aws:acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f-]+$/.exec(arn);
    if (!match) report("config.domains.certificateArns", field, arn, "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)");
    else if (match[1] !== region) {
      report("config.domains.certificateArns", field, arn, field === "auth" ? "Cognito takes a custom domain's certificate from us-east-1 only" : `API Gateway takes a regional domain's certificate from the API's region, ${region}`);
    } else if (match[2] !== config.accountId) report("config.domains.certificateArns", field, arn, `the certificate is in account ${match[2]}, the environment in ${config.accountId}`);
    if (domains[field] === undefined) report("config.domains.certificateArns", field, arn, `domains.${field} names no domain for it`);
  }
}

/** Alarms and WAF: each configured, or opted out with a reason. */
function checkOperations(config: EnvironmentConfig, report: Report): void {
  for (const field of ["monitoring", "waf"] as const) {
    const value = config[field] as unknown;
    if (value === undefined || value === null) report("config", field, value, `configure it, or opt out with { optOut: "<why>" }: the policy pack refuses an environment without ${field === "waf" ? "a web ACL" : "alarms"} otherwise`);
    else if (typeof value === "object" && "optOut" in value) checkReason(report, "config", `${field}.optOut`, String((value as { optOut: unknown }).optOut));
  }
  const monitoring = config.monitoring;
  if (monitoring && !("optOut" in monitoring)) {
    for (const email of monitoring.emails ?? []) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) report("config.monitoring", "emails", email, "an email address");
    }
    for (const field of ["api5xxPercent", "api4xxPercent", "functionDurationPercentOfTimeout"] as const) {
      const value = monitoring[field];
      if (value !== undefined && !(value > 0 && value <= 100)) report("config.monitoring", field, value, "a percentage above 0, at most 100");
    }
    if (monitoring.apiLatencyP99Ms !== undefined && !(Number.isFinite(monitoring.apiLatencyP99Ms) && monitoring.apiLatencyP99Ms > 0)) {
      report("config.monitoring", "apiLatencyP99Ms", monitoring.apiLatencyP99Ms, "milliseconds above 0");
    }
  }
  const waf = config.waf;
  if (waf && !("optOut" in waf)) {
    for (const field of ["apiRateLimit", "authRateLimit"] as const) {
      const value = waf[field];
      if (value !== undefined && !(Number.isInteger(value) && value >= 10 && value <= 2_000_000_000)) report("config.waf", field, value, "a whole number of requests from 10 to 2,000,000,000 (WAF's rate-based rule limits)");
    }
  }
}

function checkState(state: NonNullable<EnvironmentConfig["state"]>, report: Report): void {
  const bucketIssue = bucketNameProblem(String(state.bucket ?? ""));
  if (bucketIssue) report("config.state", "bucket", state.bucket, `${bucketIssue}; leave state out for local state or STATE_BUCKET`);
  if (state.region !== undefined) {
    const regionIssue = regionProblem(state.region);
    if (regionIssue) report("config.state", "region", state.region, regionIssue);
  }
  if (state.keyPrefix !== undefined && !/^[A-Za-z0-9!_.*'()-]+(?:\/[A-Za-z0-9!_.*'()-]+)*$/.test(state.keyPrefix)) {
    report("config.state", "keyPrefix", state.keyPrefix, "'/'-separated folder names of [A-Za-z0-9!_.*'()-], no leading or trailing '/'");
  }
}

function checkRetention(report: Report, at: string, field: string, days: number): void {
  if (!(limits.LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    report(at, field, days, `CloudWatch Logs accepts ${limits.LOG_RETENTION_DAYS.join(", ")}`);
  }
}

/** An origin is scheme://host[:port] and nothing more; http only for loopback. */
function originProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "not an origin (scheme://host[:port])";
  }
  if (url.origin !== value) return `not an origin: did you mean '${url.origin}'?`;
  if (url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.includes(url.hostname))) return undefined;
  return "must be https (plain http only for localhost and 127.0.0.1)";
}

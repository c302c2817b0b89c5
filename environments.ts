import type { BootstrapConfig, EnvironmentConfig } from "./stacks/config";

const shared = {
  region: "eu-west-1",
  // Replace with your account ids: Terraform refuses to run with credentials of another account.
  accountId: "111122223333",
  namePrefix: "notes",
  functions: { memoryMb: 256, timeoutSeconds: 10 },
} as const;

export const environments: Record<"dev" | "devhttp" | "prod", EnvironmentConfig> = {
  dev: {
    ...shared,
    name: "dev",
    auth: {
      resourceServerIdentifier: "https://notes.example.com",
      resourceServerName: "notes-api",
      domainPrefix: "notes-example-dev",
      // The browser client and the API docs' "Authorize" (npm run dev, npm run web) on localhost.
      callbackUrls: ["http://localhost:5173/callback", "http://localhost:5173/docs/oauth2-redirect.html", "https://dev.notes.example.com/callback"],
      logoutUrls: ["http://localhost:5173/", "https://dev.notes.example.com/"],
      mfa: "OPTIONAL",
      deletionProtection: false,
      tokenValidity: { accessTokenMinutes: 60, idTokenMinutes: 60, refreshTokenDays: 30 },
    },
    api: {
      stageName: "dev",
      corsAllowedOrigins: ["http://localhost:5173", "https://dev.notes.example.com"],
      throttling: { burstLimit: 50, rateLimit: 25 },
      accessLogRetentionDays: 14,
      loggingLevel: "INFO",
    },
    functions: { ...shared.functions, logRetentionDays: 14 },
    data: { deletionProtection: false },
    tags: { project: "notes", environment: "dev" },
    // dev stays cheap: no web ACL (about $5 a month each, plus the managed rule groups) and nobody paged.
    monitoring: { optOut: "dev is for development: nobody is paged for it, and its dashboards are the logs" },
    waf: { optOut: "dev is not public: its callers are the team, and a web ACL costs more than the environment" },
  },
  // dev again on the other flavour: an HTTP API with a JWT authorizer (docs/api-flavours.md compares
  // them), so both are synthesized, planned, tested and served by npm run dev. Named devhttp, not
  // dev-http: dev's IAM wildcards (notes-dev-*) would match dev-http's resources, and the guard says so.
  devhttp: {
    ...shared,
    name: "devhttp",
    auth: {
      resourceServerIdentifier: "https://notes.example.com",
      resourceServerName: "notes-api",
      domainPrefix: "notes-example-devhttp",
      callbackUrls: ["http://localhost:5173/callback", "http://localhost:5173/docs/oauth2-redirect.html", "https://dev.notes.example.com/callback"],
      logoutUrls: ["http://localhost:5173/", "https://dev.notes.example.com/"],
      mfa: "OPTIONAL",
      deletionProtection: false,
      tokenValidity: { accessTokenMinutes: 60, idTokenMinutes: 60, refreshTokenDays: 30 },
    },
    api: {
      flavour: "http-jwt",
      stageName: "dev",
      corsAllowedOrigins: ["http://localhost:5173", "https://dev.notes.example.com"],
      throttling: { burstLimit: 50, rateLimit: 25 },
      accessLogRetentionDays: 14,
    },
    functions: { ...shared.functions, logRetentionDays: 14 },
    data: { deletionProtection: false },
    tags: { project: "notes", environment: "devhttp" },
    monitoring: { optOut: "devhttp is for development: nobody is paged for it, and its dashboards are the logs" },
    waf: { optOut: "an HTTP API cannot have a web ACL, and devhttp is not public: its callers are the team" },
  },
  prod: {
    ...shared,
    name: "prod",
    auth: {
      resourceServerIdentifier: "https://notes.example.com",
      resourceServerName: "notes-api",
      callbackUrls: ["https://notes.example.com/callback"],
      logoutUrls: ["https://notes.example.com/"],
      mfa: "ON",
      deletionProtection: true,
      tokenValidity: { accessTokenMinutes: 60, idTokenMinutes: 60, refreshTokenDays: 30 },
    },
    api: {
      stageName: "prod",
      corsAllowedOrigins: ["https://notes.example.com"],
      throttling: { burstLimit: 200, rateLimit: 100 },
      accessLogRetentionDays: 90,
      loggingLevel: "ERROR",
    },
    functions: { ...shared.functions, logRetentionDays: 90 },
    data: { deletionProtection: true },
    tags: { project: "notes", environment: "prod" },
    // Placeholders: your Route 53 zone, and names in it. The hosted UI's parent (notes.example.com) needs an A record first.
    domains: { hostedZoneId: "Z0EXAMPLE0NOTES0ZONE", api: "api.notes.example.com", auth: "auth.notes.example.com" },
    monitoring: { emails: ["oncall@example.com"] },
    waf: {},
  },
};

/** Applied once per account by an administrator: `npm run deploy -- bootstrap`. */
export const bootstrap: BootstrapConfig = {
  region: shared.region,
  accountId: shared.accountId,
  namePrefix: shared.namePrefix,
  githubRepository: "example-org/notes-api",
  stateBucket: "example-org-notes-terraform-state",
  deployEnvironments: ["dev", "prod"],
  // Pull requests plan dev against its state; prod is planned on main and applied as its approver saw it.
  pullRequestEnvironments: ["dev"],
  approvals: { prod: { teams: ["platform-leads"] } },
  tags: { project: "notes", environment: "bootstrap" },
};

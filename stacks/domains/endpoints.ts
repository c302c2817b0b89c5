import type { EnvironmentConfig } from "../config";

/** The hosted UI's base URL: its custom domain, or the Cognito prefix domain in the pool's region. */
export function hostedUiUrl(config: Pick<EnvironmentConfig, "region" | "auth" | "domains">): string {
  return `https://${config.domains?.auth ?? `${config.auth.domainPrefix}.auth.${config.region}.amazoncognito.com`}`;
}

/** The API's custom-domain URL (the stage is mapped at its root), when it has one. */
export function customApiUrl(config: Pick<EnvironmentConfig, "domains">): string | undefined {
  return config.domains?.api ? `https://${config.domains.api}` : undefined;
}

/** Headers a browser may send on a real request after the preflight. */
export const CORS_ALLOWED_HEADERS = "Authorization,Content-Type";
export const CORS_MAX_AGE_SECONDS = 600;

/** `'value'`: a static value in API Gateway response parameters. */
export function staticValue(value: string): string {
  return `'${value}'`;
}

/**
 * API Gateway can answer with one static origin. With several, the preflight's VTL echoes the
 * request origin when it is on the list; gateway responses (errors, no data) echo it as is.
 */
export function singleOrigin(origins: readonly string[]): string | undefined {
  return origins.length === 1 ? origins[0] : undefined;
}

/** Mapping template of the preflight's integration response: override the origin when allowed. */
export function originOverrideTemplate(origins: readonly string[]): string {
  if (singleOrigin(origins) !== undefined) return "";
  const condition = origins.map((origin) => `$origin == '${origin}'`).join(" || ");
  return [
    "#set($origin = $input.params('Origin'))",
    "#if($origin == '')#set($origin = $input.params('origin'))#end",
    `#if(${condition})`,
    "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)",
    "#end",
  ].join("\n");
}

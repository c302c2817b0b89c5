import type { Route } from "./routes";

/** Path segments of a route path: `/notes/{id}` gives `["notes", "{id}"]`. */
export function pathSegments(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

/** Every resource path a set of routes needs, parents first: `/notes/{id}` needs `/notes` too. */
export function resourcePaths(routes: readonly Route[]): string[] {
  const paths = new Set<string>();
  for (const route of routes) {
    const segments = pathSegments(route.path);
    segments.forEach((_, index) => paths.add("/" + segments.slice(0, index + 1).join("/")));
  }
  return [...paths].sort((a, b) => pathSegments(a).length - pathSegments(b).length || a.localeCompare(b));
}

export function parentPath(path: string): string {
  const segments = pathSegments(path);
  return "/" + segments.slice(0, -1).join("/");
}

export function pathParameters(path: string): string[] {
  return pathSegments(path)
    .filter((segment) => segment.startsWith("{") && segment.endsWith("}"))
    .map((segment) => segment.slice(1, -1));
}

/** The resource part of an execute-api ARN: path parameters match any value. */
export function executionArnPath(path: string): string {
  return pathSegments(path)
    .map((segment) => (segment.startsWith("{") ? "*" : segment))
    .join("/");
}

/** A readable construct id: `/notes/{id}` gives `notes_id`, `/` gives `root`. */
export function pathId(path: string): string {
  const id = pathSegments(path)
    .map((segment) => segment.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+/g, "-"))
    .join("_");
  return id === "" ? "root" : id;
}

export function routeId(route: Route): string {
  return `${route.method}_${pathId(route.path)}`;
}

/** `notes/list` gives `notes-list`, usable in function and role names. */
export function handlerSlug(handler: string): string {
  return handler.replace(/[^A-Za-z0-9]+/g, "-");
}

/** The Lambda function of a route's handler: `<namePrefix>-<environment>-<handler slug>`. */
export function functionNameFor(environment: { readonly namePrefix: string; readonly name: string }, handler: string): string {
  return `${environment.namePrefix}-${environment.name}-${handlerSlug(handler)}`;
}

/** The execution role of a function. */
export function roleNameFor(functionName: string): string {
  return `${functionName}-role`;
}

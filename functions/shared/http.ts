import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";

/** An error whose status and message are safe to show to the caller. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const allowedOrigins = (process.env.ALLOWED_ORIGINS ?? "").split(",").filter((origin) => origin !== "");

/** A request header, whatever the case of its name. */
export function headerValue(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value) return value;
  }
  return undefined;
}

/** Echoes the request's Origin only when it is on the configured list, so browsers can read the answer. */
export function corsHeaders(event: APIGatewayProxyEvent): Record<string, string> {
  if (allowedOrigins.includes("*")) return { "Access-Control-Allow-Origin": "*" };
  const origin = headerValue(event, "origin");
  if (origin && allowedOrigins.includes(origin)) {
    return { "Access-Control-Allow-Origin": origin, Vary: "Origin" };
  }
  return { Vary: "Origin" };
}

export function json(event: APIGatewayProxyEvent, statusCode: number, body?: unknown): APIGatewayProxyResult {
  const headers: Record<string, string> = { ...corsHeaders(event) };
  if (body === undefined) return { statusCode, headers, body: "" };
  headers["Content-Type"] = "application/json";
  return { statusCode, headers, body: JSON.stringify(body) };
}

export function errorResponse(event: APIGatewayProxyEvent, statusCode: number, message: string): APIGatewayProxyResult {
  return json(event, statusCode, { message });
}

export function queryParam(event: APIGatewayProxyEvent, name: string): string | undefined {
  return event.queryStringParameters?.[name] ?? undefined;
}

export function pathParam(event: APIGatewayProxyEvent, name: string): string | undefined {
  return event.pathParameters?.[name] ?? undefined;
}

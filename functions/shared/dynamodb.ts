import * as http from "node:http";
import * as https from "node:https";
import aws4 from "aws4";

/**
 * A DynamoDB client for the handlers: the JSON protocol over `node:https` with keep-alive, signed
 * by `aws4` (SigV4). It replaces the AWS SDK, whose load and first request were about 60 of a
 * handler's 70 ms cold start; this loads in about 1 ms. What the SDK did that a handler needs, it
 * does too: credentials and session token from the environment Lambda sets, the region from
 * `AWS_REGION`, the endpoint from `AWS_ENDPOINT_URL_DYNAMODB` (or `AWS_ENDPOINT_URL`), bounded
 * retries with full jitter on throttling, 5xx and dropped connections (`AWS_MAX_ATTEMPTS`,
 * default 3), and errors named by their DynamoDB type (`ConditionalCheckFailedException`).
 */

export class DynamoDbError extends Error {
  constructor(
    /** The error type after `#` in `__type`, for example `ConditionalCheckFailedException`. */
    readonly code: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(`${code}: ${message}`);
    this.name = code;
  }
}

/** Errors worth another attempt (the SDK's standard retry mode treats these as transient or throttling). */
const RETRYABLE = new Set([
  "ThrottlingException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "TransactionInProgressException",
  "InternalServerError",
  "ServiceUnavailable",
]);
const NETWORK_ERRORS = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNREFUSED", "EAI_AGAIN"]);
const BASE_DELAY_MS = 50;
const MAX_DELAY_MS = 20_000;
const REQUEST_TIMEOUT_MS = 10_000;

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

interface Target {
  readonly url: URL;
  readonly region: string;
}

function target(env: NodeJS.ProcessEnv): Target {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error("AWS_REGION is not set");
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL ?? `https://dynamodb.${region}.amazonaws.com`;
  return { url: new URL(endpoint), region };
}

interface RawResponse {
  readonly statusCode: number;
  readonly body: string;
}

function post(url: URL, headers: Record<string, string | number>, body: string): Promise<RawResponse> {
  const transport = url.protocol === "http:" ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      { protocol: url.protocol, hostname: url.hostname, port: url.port || undefined, path: url.pathname || "/", method: "POST", headers, agent: url.protocol === "http:" ? agents.http : agents.https, timeout: REQUEST_TIMEOUT_MS },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(Object.assign(new Error("request timed out"), { code: "ETIMEDOUT" })));
    request.on("error", reject);
    request.end(body);
  });
}

/** The request as signed for `operation`; exported so a test can check the signature with another signer. */
export function signedRequest(operation: string, input: object, env: NodeJS.ProcessEnv = process.env): { url: URL; headers: Record<string, string | number>; body: string } {
  const { url, region } = target(env);
  const body = JSON.stringify(input);
  const signed = aws4.sign(
    {
      host: url.host,
      path: url.pathname || "/",
      method: "POST",
      service: "dynamodb",
      region,
      headers: { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": `DynamoDB_20120810.${operation}` },
      body,
    },
    { accessKeyId: env.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "", sessionToken: env.AWS_SESSION_TOKEN || undefined },
  );
  return { url, headers: signed.headers as Record<string, string | number>, body };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function errorOf(response: RawResponse): DynamoDbError {
  let parsed: { __type?: string; message?: string; Message?: string } = {};
  try {
    parsed = JSON.parse(response.body) as typeof parsed;
  } catch {
    // Not JSON (a proxy's or load balancer's page): the status code says enough.
  }
  const code = parsed.__type?.split("#").pop() ?? `HTTP${response.statusCode}`;
  return new DynamoDbError(code, parsed.message ?? parsed.Message ?? response.body.slice(0, 200), response.statusCode);
}

/** Sends one DynamoDB operation and returns its JSON output; retries what is transient. */
export async function dynamoDb<Output>(operation: string, input: object, env: NodeJS.ProcessEnv = process.env): Promise<Output> {
  const attempts = Math.max(1, Number(env.AWS_MAX_ATTEMPTS) || 3);
  for (let attempt = 1; ; attempt += 1) {
    let failure: Error;
    let retryable: boolean;
    try {
      // Signed per attempt: the signature carries the time.
      const request = signedRequest(operation, input, env);
      const response = await post(request.url, request.headers, request.body);
      if (response.statusCode === 200) return (response.body ? JSON.parse(response.body) : {}) as Output;
      const error = errorOf(response);
      failure = error;
      retryable = error.statusCode >= 500 || RETRYABLE.has(error.code);
    } catch (error) {
      failure = error as Error;
      retryable = NETWORK_ERRORS.has((error as NodeJS.ErrnoException).code ?? "");
    }
    if (!retryable || attempt >= attempts) throw failure;
    // Full jitter: a random wait up to an exponentially growing cap (AWS Architecture Blog, "Exponential Backoff And Jitter").
    await sleep(Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt));
  }
}

import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { dynamoDb, DynamoDbError } from "../../functions/shared/dynamodb";

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A real HTTP server that records each request and answers with the next scripted reply. */
async function scriptedServer(replies: Array<{ status: number; body: unknown } | "drop">) {
  const requests: Recorded[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests.push({ method: request.method!, path: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      const reply = replies[Math.min(requests.length - 1, replies.length - 1)]!;
      if (reply === "drop") {
        request.socket.destroy();
        return;
      }
      response.writeHead(reply.status, { "Content-Type": "application/x-amz-json-1.0" });
      response.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const env = {
    AWS_REGION: "eu-west-1",
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    AWS_SESSION_TOKEN: "session-token-from-lambda",
  };
  return { env, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

const throttled = { status: 400, body: { __type: "com.amazonaws.dynamodb.v20120810#ThrottlingException", message: "Rate of requests exceeds the allowed throughput." } };
const item = { status: 200, body: { Item: { owner: { S: "alice" }, id: { S: "n1" } } } };

describe("the handlers' DynamoDB client", () => {
  test("signs requests as SigV4 does: an independent signer computes the same signature for the recorded request", async () => {
    // GIVEN a server that records what the client sends
    const server = await scriptedServer([item]);
    try {
      // WHEN one GetItem goes out
      await dynamoDb("GetItem", { TableName: "notes", Key: { owner: { S: "alice" }, id: { S: "n1" } } }, server.env);
      // THEN the AWS SDK's own signer (@smithy/signature-v4), given the same request, signs it identically
      const [recorded] = server.requests;
      const authorization = String(recorded!.headers.authorization);
      const amzDate = String(recorded!.headers["x-amz-date"]);
      const headers = Object.fromEntries(Object.entries(recorded!.headers).filter(([name]) => !["authorization", "connection"].includes(name)).map(([name, value]) => [name, String(value)]));
      const signer = new SignatureV4({
        service: "dynamodb",
        region: "eu-west-1",
        sha256: Hash.bind(null, "sha256"),
        // DynamoDB does not take x-amz-content-sha256; the SDK's DynamoDB client leaves it out too.
        applyChecksum: false,
        credentials: { accessKeyId: server.env.AWS_ACCESS_KEY_ID, secretAccessKey: server.env.AWS_SECRET_ACCESS_KEY, sessionToken: server.env.AWS_SESSION_TOKEN },
      });
      const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
      const expected = await signer.sign(
        { method: recorded!.method, protocol: "http:", hostname: "127.0.0.1", path: recorded!.path, headers, body: recorded!.body, query: {} },
        { signingDate, unsignableHeaders: new Set(["connection"]) },
      );
      const signatureOf = (value: string) => /Signature=([0-9a-f]{64})/.exec(value)?.[1];
      expect(signatureOf(authorization)).toBeDefined();
      expect(signatureOf(authorization)).toBe(signatureOf(String(expected.headers.authorization)));
      expect(authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=[^ ]*x-amz-security-token/);
      expect(recorded!.headers["x-amz-security-token"]).toBe("session-token-from-lambda");
      expect(recorded!.headers["x-amz-target"]).toBe("DynamoDB_20120810.GetItem");
    } finally {
      await server.close();
    }
  });

  test("retries throttling with backoff, then returns the answer", async () => {
    const server = await scriptedServer([throttled, throttled, item]);
    try {
      const result = await dynamoDb<{ Item: unknown }>("GetItem", { TableName: "notes", Key: {} }, server.env);
      expect(result.Item).toEqual(item.body.Item);
      expect(server.requests).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  test("gives up after AWS_MAX_ATTEMPTS, with DynamoDB's error type as the code", async () => {
    const server = await scriptedServer([throttled]);
    try {
      const call = dynamoDb("GetItem", { TableName: "notes", Key: {} }, { ...server.env, AWS_MAX_ATTEMPTS: "2" });
      await expect(call).rejects.toMatchObject({ code: "ThrottlingException", statusCode: 400 });
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  test("retries a 5xx and a dropped connection, never a ConditionalCheckFailedException", async () => {
    const flaky = await scriptedServer([{ status: 500, body: { __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "internal" } }, "drop", item]);
    try {
      await dynamoDb("GetItem", { TableName: "notes", Key: {} }, flaky.env);
      expect(flaky.requests).toHaveLength(3);
    } finally {
      await flaky.close();
    }
    const conditional = await scriptedServer([{ status: 400, body: { __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", message: "The conditional request failed" } }, item]);
    try {
      const error = await dynamoDb("PutItem", { TableName: "notes", Item: {} }, conditional.env).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DynamoDbError);
      expect((error as DynamoDbError).code).toBe("ConditionalCheckFailedException");
      expect(conditional.requests).toHaveLength(1);
    } finally {
      await conditional.close();
    }
  });

  test("needs a region, and takes the endpoint from AWS_ENDPOINT_URL_DYNAMODB", async () => {
    await expect(dynamoDb("GetItem", {}, {})).rejects.toThrow("AWS_REGION is not set");
    const server = await scriptedServer([item]);
    try {
      await dynamoDb("GetItem", {}, server.env);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

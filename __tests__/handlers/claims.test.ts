import { callerFrom, parseGroups, parseScopes } from "../../functions/shared/claims";
import { idTokenHandler, scopedHandler } from "../../functions/shared/handler";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { headerValue, json, pathParam } from "../../functions/shared/http";
import { apiEvent, httpApiEvent, tokenClaims } from "../../local/gateway/api-event";

describe("claims", () => {
  test.each([
    ["a,b", ["a", "b"]],
    ["a b", ["a", "b"]],
    ["[a b]", ["a", "b"]],
    ["[admins]", ["admins"]],
    ["", []],
    [undefined, []],
  ])("cognito:groups %p parses to %p", (value, groups) => {
    expect(parseGroups(value)).toEqual(groups);
  });

  test("scope is a space-separated string", () => {
    expect(parseScopes("openid  https://notes.example.com/notes.read")).toEqual(["openid", "https://notes.example.com/notes.read"]);
  });

  test("a token without username is a machine token", () => {
    const machine = callerFrom(apiEvent({ method: "GET", resource: "/me", claims: tokenClaims({ sub: "c1", clientId: "c1", scopes: [] }) }));
    expect(machine?.isMachine).toBe(true);
    const user = callerFrom(apiEvent({ method: "GET", resource: "/me", claims: tokenClaims({ sub: "u", username: "u", clientId: "c1", scopes: [], groups: "[a b]" }) }));
    expect(user).toMatchObject({ isMachine: false, groups: ["a", "b"] });
  });
});

describe("scopedHandler", () => {
  const ok = async (event: Parameters<typeof json>[0]) => json(event, 200, { ok: true });

  test("fails closed when the deployment gives no required scopes", async () => {
    const handler = scopedHandler(ok, "");
    const event = apiEvent({ method: "GET", resource: "/me", claims: tokenClaims({ sub: "u", username: "u", clientId: "c", scopes: ["anything"] }) });
    const errors = jest.spyOn(console, "error").mockImplementation(() => undefined);
    expect((await handler(event)).statusCode).toBe(403);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining("REQUIRED_SCOPES is not set"));
    errors.mockRestore();
  });

  test("any one of the required scopes passes", async () => {
    const handler = scopedHandler(ok, "s/a s/b");
    const event = apiEvent({ method: "GET", resource: "/me", claims: tokenClaims({ sub: "u", username: "u", clientId: "c", scopes: ["s/b"] }) });
    expect((await handler(event)).statusCode).toBe(200);
  });

  test("an unexpected failure is a 500 with no stack trace in the body", async () => {
    const handler = scopedHandler(async () => {
      throw new Error("database on fire at /var/task/index.js:1");
    }, "s/a");
    const event = apiEvent({ method: "GET", resource: "/me", claims: tokenClaims({ sub: "u", username: "u", clientId: "c", scopes: ["s/a"] }) });
    const errors = jest.spyOn(console, "error").mockImplementation(() => undefined);
    const response = await handler(event);
    errors.mockRestore();
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ message: "internal error" });
  });
});

describe("idTokenHandler", () => {
  const ok = async (event: Parameters<typeof json>[0]) => json(event, 200, { ok: true });
  const idClaims = (audience: string) => {
    const claims = tokenClaims({ sub: "u", clientId: "ignored", scopes: [], tokenUse: "id" });
    delete claims.client_id;
    delete claims.scope;
    return { ...claims, aud: audience, "cognito:username": "alice" };
  };

  test("accepts an ID token issued to a sign-in client", async () => {
    const response = await idTokenHandler(ok, "webclient")(apiEvent({ method: "GET", resource: "/me", claims: idClaims("webclient") }));
    expect(response.statusCode).toBe(200);
  });

  test("fails with 403 for an access token", async () => {
    const claims = tokenClaims({ sub: "u", username: "u", clientId: "webclient", scopes: ["s/a"] });
    expect((await idTokenHandler(ok, "webclient")(apiEvent({ method: "GET", resource: "/me", claims }))).statusCode).toBe(403);
  });

  test("fails with 403 for an ID token of another client, and when no audience is configured", async () => {
    expect((await idTokenHandler(ok, "webclient")(apiEvent({ method: "GET", resource: "/me", claims: idClaims("other") }))).statusCode).toBe(403);
    expect((await idTokenHandler(ok, "")(apiEvent({ method: "GET", resource: "/me", claims: idClaims("webclient") }))).statusCode).toBe(403);
  });

  test("reads the user and client from an ID token's claims", () => {
    expect(callerFrom(apiEvent({ method: "GET", resource: "/me", claims: idClaims("webclient") }))).toMatchObject({ username: "alice", clientId: "webclient", tokenUse: "id", isMachine: false });
  });
});

describe("the same handler behind either API", () => {
  const claims = tokenClaims({ sub: "u", username: "u", clientId: "c", scopes: ["s/a"], groups: "[admins readers]" });
  const events = {
    "a REST API's Cognito authorizer (claims at requestContext.authorizer.claims)": apiEvent({ method: "GET", resource: "/notes/{id}", pathParameters: { id: "n1" }, headers: { Origin: "https://app.example.com" }, claims }),
    "an HTTP API's JWT authorizer (payload 2.0: requestContext.authorizer.jwt.claims)": httpApiEvent({ method: "GET", routePath: "/notes/{id}", pathParameters: { id: "n1" }, headers: { Origin: "https://app.example.com" }, claims }),
  };

  test.each(Object.entries(events))("reads the caller, the path and the headers from %s", (_, event) => {
    expect(callerFrom(event as APIGatewayProxyEvent)).toEqual({ sub: "u", username: "u", clientId: "c", tokenUse: "access", scopes: ["s/a"], groups: ["admins", "readers"], isMachine: false });
    expect(pathParam(event as APIGatewayProxyEvent, "id")).toBe("n1");
    expect(headerValue(event as APIGatewayProxyEvent, "origin")).toBe("https://app.example.com");
  });

  test("an HTTP API event without the authorizer's claims has no caller, so a scoped handler answers 401", async () => {
    const handler = scopedHandler(async (event) => json(event, 200, {}), "s/a");
    expect((await handler(httpApiEvent({ method: "GET", routePath: "/me" }) as unknown as APIGatewayProxyEvent)).statusCode).toBe(401);
    expect((await handler(events["an HTTP API's JWT authorizer (payload 2.0: requestContext.authorizer.jwt.claims)"] as unknown as APIGatewayProxyEvent)).statusCode).toBe(200);
  });

  test("groups the authorizer passes as an array are read too", () => {
    const event = httpApiEvent({ method: "GET", routePath: "/me", claims: {} });
    (event.requestContext.authorizer.jwt.claims as Record<string, unknown>) = { sub: "u", username: "u", client_id: "c", token_use: "access", scope: "s/a", "cognito:groups": ["admins", "readers"] };
    expect(callerFrom(event as unknown as APIGatewayProxyEvent)?.groups).toEqual(["admins", "readers"]);
  });
});

import { notesRoutes } from "../../stacks/api/routes";
import { apiEvent, tokenClaims } from "../../local/gateway/api-event";
import { loadRouteHandler } from "../helpers/handlers";
import { synthNotesStack } from "../helpers/stacks";

const dev = synthNotesStack();
const routeOf = (path: string) => notesRoutes.find((route) => route.path === path)!;
const health = loadRouteHandler(dev, routeOf("/health"));
const me = loadRouteHandler(dev, routeOf("/me"));
const READ = "https://notes.example.com/notes.read";

describe("GET /health", () => {
  test("answers 200 ok without a token", async () => {
    const response = await health(apiEvent({ method: "GET", resource: "/health" }));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: "ok" });
    expect(response.headers?.["Content-Type"]).toBe("application/json");
  });
});

describe("GET /me", () => {
  test("describes a user's access token", async () => {
    const claims = tokenClaims({ sub: "5f0c7a52-1111-4c2e-8d0b-4a3b6f2e7c11", username: "alice", clientId: "webclient", scopes: ["openid", READ] });
    const response = await me(apiEvent({ method: "GET", resource: "/me", claims }));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      sub: "5f0c7a52-1111-4c2e-8d0b-4a3b6f2e7c11",
      username: "alice",
      clientId: "webclient",
      scopes: ["openid", READ],
      tokenUse: "access",
    });
  });

  test("a machine token has no username", async () => {
    const claims = tokenClaims({ sub: "reportingclient", clientId: "reportingclient", scopes: [READ] });
    const body = JSON.parse((await me(apiEvent({ method: "GET", resource: "/me", claims }))).body);
    expect(body).toEqual({ sub: "reportingclient", clientId: "reportingclient", scopes: [READ], tokenUse: "access" });
  });

  test("fails with 403 on an ID token", async () => {
    const claims = tokenClaims({ sub: "5f0c7a52-1111-4c2e-8d0b-4a3b6f2e7c11", username: "alice", clientId: "webclient", scopes: [], tokenUse: "id" });
    expect((await me(apiEvent({ method: "GET", resource: "/me", claims }))).statusCode).toBe(403);
  });
});

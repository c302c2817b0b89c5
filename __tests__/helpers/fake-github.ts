import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";

type Json = Record<string, any>;

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: Json | undefined;
}

/**
 * GitHub's REST API for one repository, on loopback: the endpoints `npm run github` calls, answering
 * from recorded answers (`__tests__/fixtures/github/*.json`) in the documented shapes, and keeping
 * what a PUT or POST sets, so `setup` then `check` can be tested end to end. Every request is kept.
 */
export class FakeGithub {
  readonly requests: RecordedRequest[] = [];
  state: Json;
  private server?: http.Server;
  private nextPolicyId = 361471;
  /** Answers every request with this status and GitHub's error body, when set. */
  refuseWith?: { status: number; message: string };

  constructor(
    fixture: string,
    private readonly owner = "example-org",
    private readonly repo = "notes-api",
  ) {
    this.state = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "github", fixture), "utf8"));
    this.state.branchPolicies ??= {};
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const body = text ? (JSON.parse(text) as Json) : undefined;
        const pathname = new URL(request.url!, "http://x").pathname;
        this.requests.push({ method: request.method!, path: pathname, body });
        const [status, answer] = this.refuseWith ? [this.refuseWith.status, { message: this.refuseWith.message, documentation_url: "https://docs.github.com/rest", status: String(this.refuseWith.status) }] : this.answer(request.method!, pathname, body);
        response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "X-GitHub-Api-Version-Selected": "2022-11-28" });
        response.end(answer === undefined ? undefined : JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", () => resolve()));
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private answer(method: string, pathname: string, body: Json | undefined): [number, unknown] {
    const repository = `/repos/${this.owner}/${this.repo}`;
    const notFound: [number, unknown] = [404, { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" }];
    if (pathname === `${repository}/actions/oidc/customization/sub`) {
      if (method === "GET") return [200, this.state.oidc];
      if (method === "PUT") return (this.state.oidc = { use_default: body!.use_default, ...(body!.use_default ? {} : { include_claim_keys: body!.include_claim_keys }) }), [201, {}];
    }
    const team = /^\/orgs\/([^/]+)\/teams\/([^/]+)$/.exec(pathname);
    if (team && method === "GET") return team[1] === this.owner && this.state.teams[team[2]!] ? [200, this.state.teams[team[2]!]] : notFound;
    const user = /^\/users\/([^/]+)$/.exec(pathname);
    if (user && method === "GET") return this.state.users[user[1]!] ? [200, this.state.users[user[1]!]] : notFound;
    const environment = new RegExp(`^${repository}/environments/([^/]+)(/deployment-branch-policies(?:/(\\d+))?)?$`).exec(pathname);
    if (!environment) return notFound;
    const name = decodeURIComponent(environment[1]!);
    if (environment[2]) {
      const policies: Json[] = (this.state.branchPolicies[name] ??= []);
      if (method === "GET" && !environment[3]) return [200, { total_count: policies.length, branch_policies: policies }];
      if (method === "POST") {
        const policy = { id: this.nextPolicyId++, node_id: "MDE2OkdhdGVCcmFuY2hQb2xpY3kzNjE0NzE=", name: body!.name, type: body!.type ?? "branch" };
        policies.push(policy);
        return [200, policy];
      }
      if (method === "DELETE" && environment[3]) {
        this.state.branchPolicies[name] = policies.filter((policy) => policy.id !== Number(environment[3]));
        return [204, undefined];
      }
      return notFound;
    }
    if (method === "GET") return this.state.environments[name] ? [200, this.state.environments[name]] : notFound;
    if (method === "PUT") {
      const reviewers = (body!.reviewers ?? []).map((reviewer: { type: string; id: number }) => ({
        type: reviewer.type,
        reviewer: reviewer.type === "Team" ? Object.values<Json>(this.state.teams).find((candidate) => candidate.id === reviewer.id) : Object.values<Json>(this.state.users).find((candidate) => candidate.id === reviewer.id),
      }));
      const policy = body!.deployment_branch_policy ?? null;
      this.state.environments[name] = {
        ...(this.state.environments[name] ?? { id: 161088070, name }),
        protection_rules: [
          ...(reviewers.length ? [{ id: 3736, node_id: "MDQ6R2F0ZTM3MzY=", prevent_self_review: body!.prevent_self_review ?? false, type: "required_reviewers", reviewers }] : []),
          ...(policy ? [{ id: 3755, node_id: "MDQ6R2F0ZTM3NTU=", type: "branch_policy" }] : []),
        ],
        deployment_branch_policy: policy,
      };
      return [200, this.state.environments[name]];
    }
    return notFound;
  }
}

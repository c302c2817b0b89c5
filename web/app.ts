import { UserManager, WebStorageStateStore, type User } from "oidc-client-ts";

/** What the page needs from the stack: served by `npm run dev` as `/config.json`, or written from a deployed stack's outputs. */
interface WebConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly apiUrl: string;
  readonly scopes: readonly string[];
  /** Cognito's sign-out endpoint (`<domain>/logout`); it takes `client_id` and `logout_uri`. */
  readonly logoutEndpoint: string;
}

const app = document.getElementById("app")!;

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function button(label: string, testId: string, onClick: () => Promise<void> | void): HTMLButtonElement {
  const node = element("button", { type: "button", "data-testid": testId }, label);
  node.addEventListener("click", () => void onClick());
  return node;
}

async function api(config: WebConfig, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${config.apiUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

function tokenSummary(user: User): HTMLElement {
  const access = claimsOf(user.access_token);
  const id = user.id_token ? claimsOf(user.id_token) : undefined;
  const shown = {
    access_token: { token_use: access.token_use, scope: access.scope, client_id: access.client_id, username: access.username, "cognito:groups": access["cognito:groups"] },
    ...(id ? { id_token: { token_use: id.token_use, aud: id.aud, email: id.email, "cognito:groups": id["cognito:groups"] } } : {}),
  };
  return element("pre", { "data-testid": "tokens" }, JSON.stringify(shown, null, 2));
}

async function notesSection(config: WebConfig, user: User): Promise<HTMLElement> {
  const section = element("section", {}, element("h2", {}, "Your notes"));
  const list = element("ul", { "data-testid": "notes" });
  const message = element("p", { "data-testid": "message" });
  const refresh = async () => {
    const answer = await api(config, user.access_token, "GET", "/notes");
    list.replaceChildren();
    if (answer.status !== 200) {
      message.textContent = `GET /notes answered ${answer.status}`;
      return;
    }
    for (const note of (answer.body as { items: Array<{ id: string; title: string }> }).items) {
      list.append(
        element(
          "li",
          {},
          note.title,
          button("Delete", `delete-${note.title}`, async () => {
            const deleted = await api(config, user.access_token, "DELETE", `/notes/${encodeURIComponent(note.id)}`);
            await refresh();
            message.textContent = `DELETE answered ${deleted.status}`;
          }),
        ),
      );
    }
  };
  const title = element("input", { "data-testid": "title", placeholder: "A note's title", maxlength: "200" });
  section.append(
    list,
    element("p", {}, title, button("Add", "add", async () => {
      const created = await api(config, user.access_token, "POST", "/notes", { title: title.value, body: "" });
      message.textContent = created.status === 201 ? "" : `POST /notes answered ${created.status}: ${JSON.stringify(created.body)}`;
      title.value = "";
      await refresh();
    })),
    element("p", {}, button("Send the ID token instead", "send-id-token", async () => {
      const answer = await api(config, user.id_token ?? "", "GET", "/notes");
      message.className = "error";
      message.textContent = `GET /notes with the ID token: ${answer.status}. API Gateway takes only an access token holding one of a method's scopes; an ID token is refused on every scoped method.`;
    })),
    message,
  );
  await refresh();
  return section;
}

async function main(): Promise<void> {
  const config = (await (await fetch("/config.json")).json()) as WebConfig;
  const manager = new UserManager({
    authority: config.issuer,
    client_id: config.clientId,
    redirect_uri: `${location.origin}/callback`,
    post_logout_redirect_uri: `${location.origin}/`,
    response_type: "code",
    scope: config.scopes.join(" "),
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
  if (location.pathname === "/callback") {
    await manager.signinRedirectCallback();
    history.replaceState(null, "", "/");
  }
  const user = await manager.getUser();
  if (!user || user.expired) {
    app.replaceChildren(element("p", {}, "Not signed in."), button("Sign in", "sign-in", () => manager.signinRedirect()));
    return;
  }
  const signOut = button("Sign out", "sign-out", async () => {
    await manager.removeUser();
    location.assign(`${config.logoutEndpoint}?${new URLSearchParams({ client_id: config.clientId, logout_uri: `${location.origin}/` })}`);
  });
  app.replaceChildren(element("p", { "data-testid": "signed-in" }, `Signed in as ${String(claimsOf(user.access_token).username)}. `, signOut), tokenSummary(user), await notesSection(config, user));
}

main().catch((error: unknown) => {
  app.replaceChildren(element("p", { class: "error", "data-testid": "error" }, String(error)));
});

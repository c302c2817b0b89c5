import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as v8 from "node:v8";
import { LocalGateway, localClientId } from "../../local/gateway/local-gateway";
import { LOCAL_DATA_DIR, synthesizeLocalStack } from "../../local/stack/local-stack";

jest.setTimeout(120_000);

/** Objects of a class alive in this process, from a heap snapshot. */
function liveObjects(className: string): number {
  const file = path.join(os.tmpdir(), `long-run-${process.pid}.heapsnapshot`);
  v8.writeHeapSnapshot(file);
  try {
    const snapshot = JSON.parse(fs.readFileSync(file, "utf8")) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
    const fields = snapshot.snapshot.meta.node_fields;
    const [typeAt, nameAt] = [fields.indexOf("type"), fields.indexOf("name")];
    const objectType = snapshot.snapshot.meta.node_types[0].indexOf("object");
    let count = 0;
    for (let index = 0; index < snapshot.nodes.length; index += fields.length) {
      if (snapshot.nodes[index + typeAt] === objectType && snapshot.strings[snapshot.nodes[index + nameAt]!] === className) count++;
    }
    return count;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** A day of `npm run dev`, compressed: sustained calls, then idle. */
describe("the local gateway under sustained load", () => {
  const dataDir = path.join(LOCAL_DATA_DIR, `long-run-${process.pid}`);
  let gateway: LocalGateway;
  let token: string;

  beforeAll(async () => {
    const { model, terraform } = synthesizeLocalStack("dev", fs.mkdtempSync(path.join(os.tmpdir(), "long-run-")));
    gateway = new LocalGateway({ model, terraform, dataDir, port: 0, fresh: true, log: () => undefined, functionLimits: { maxProcesses: 2, idleSeconds: 2 } });
    await gateway.start();
    token = await gateway.issuer.sign({ clientId: localClientId("dev", "notes-dev-web"), username: "alice", scopes: ["https://notes.example.com/notes.read", "https://notes.example.com/notes.write"] });
  });
  afterAll(async () => {
    await gateway.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (method: string, route: string, body?: unknown) =>
    fetch(`${gateway.apiUrl}${route}`, { method, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }).then(async (response) => {
      await response.arrayBuffer();
      return response.status;
    });

  test("concurrent calls share at most the configured processes per function, and idle ones end", async () => {
    // WHEN 40 calls arrive at once
    const statuses = await Promise.all(Array.from({ length: 40 }, () => call("GET", "/notes?limit=2")));
    expect(statuses.every((status) => status === 200)).toBe(true);
    // THEN GET /notes ran on two processes at most (the other functions of earlier calls may still be warm)
    expect(gateway.functionProcesses).toBeLessThanOrEqual(2 * 2);
    // AND after the idle time nothing is left running
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(gateway.functionProcesses).toBe(0);
  });

  test("a client whose event loop stalls longer than Node's default keep-alive (5 s) reuses its connections without a reset", async () => {
    const health = () => fetch(`${gateway.apiUrl}/health`).then(async (response) => (await response.arrayBuffer(), response.status));
    // GIVEN kept-alive connections to the gateway, in this process (as every in-process test and the bench hold them)
    expect(await Promise.all(Array.from({ length: 8 }, health))).toEqual(Array(8).fill(200));
    // WHEN this process stalls for 6 s (a heap snapshot, a loaded machine) and then calls again at once
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 6_000);
    // THEN every call is answered: the server's keep-alive outlasts the stall, so the client, not the server, closes idle sockets
    expect(await Promise.all(Array.from({ length: 40 }, health))).toEqual(Array(40).fill(200));
  });

  // Last: the heap snapshot stops this process (and the gateway in it) for seconds, a minute on a loaded machine
  test("a page that stops before the end of the table leaves nothing behind: the store's iterators are closed", async () => {
    // GIVEN more notes than a page holds
    for (let index = 0; index < 5; index++) expect(await call("POST", "/notes", { title: `note ${index}` })).toBe(201);
    // WHEN 300 pages of two are read
    for (let index = 0; index < 300; index++) expect(await call("GET", "/notes?limit=2")).toBe(200);
    // THEN no query's iterator is still held (dynalite's leak: one per query, about 1.5 KB each, for the life of the process)
    expect(liveObjects("DefaultValueIterator")).toBeLessThan(10);
  });
});

import * as fs from "node:fs";
import * as path from "node:path";
import { zipSync } from "fflate";
import { FunctionRunner } from "../../local/runtime/function-runner";
import { LOCAL_DATA_DIR } from "../../local/stack/local-stack";

const folder = path.join(LOCAL_DATA_DIR, `runner-test-${process.pid}`);
const code = `exports.handler = async (event) => {
  if (event.sleep) await new Promise((resolve) => setTimeout(resolve, event.sleep));
  if (event.fail) throw new Error("boom");
  return { statusCode: 200, body: JSON.stringify({ greeting: process.env.GREETING, pid: process.pid }) };
};`;

let runner: FunctionRunner;

beforeAll(() => {
  fs.mkdirSync(folder, { recursive: true });
  const zipPath = path.join(folder, "fn.zip");
  fs.writeFileSync(zipPath, zipSync({ "index.js": Buffer.from(code) }));
  runner = new FunctionRunner({ name: "test-fn", zipPath, handler: "index.handler", timeoutSeconds: 1, environment: { GREETING: "hello" } }, path.join(folder, "extracted"), {});
});

afterAll(async () => {
  await runner.stop();
  fs.rmSync(folder, { recursive: true, force: true });
});

describe("FunctionRunner", () => {
  test("runs the zip's handler with the function's own environment", async () => {
    const outcome = await runner.invoke({});
    expect(outcome).toMatchObject({ ok: true, result: { statusCode: 200 } });
    expect(JSON.parse((outcome as { result: { body: string } }).result.body).greeting).toBe("hello");
  });

  test("reports a thrown error", async () => {
    expect(await runner.invoke({ fail: true })).toMatchObject({ ok: false, reason: "error", detail: expect.stringContaining("boom") });
  });

  test("enforces the timeout, then starts a fresh process", async () => {
    const first = await runner.invoke({});
    const outcome = await runner.invoke({ sleep: 3000 });
    expect(outcome).toEqual({ ok: false, reason: "timeout", detail: "Task timed out after 1.00 seconds" });
    const after = await runner.invoke({});
    const pid = (result: unknown) => JSON.parse((result as { result: { body: string } }).result.body).pid;
    expect(pid(after)).not.toBe(pid(first));
  });
});

describe("FunctionRunner: one invocation per process, as in Lambda", () => {
  test("a concurrent call gets its own process, and a timeout there spares the other call", async () => {
    // GIVEN one call that will time out and one that finishes in time, at the same moment
    const slow = runner.invoke({ sleep: 3000 });
    const quick = runner.invoke({ sleep: 200 });
    // WHEN both settle
    const [slowOutcome, quickOutcome] = await Promise.all([slow, quick]);
    // THEN only the slow one failed
    expect(slowOutcome).toMatchObject({ ok: false, reason: "timeout" });
    expect(quickOutcome).toMatchObject({ ok: true, result: { statusCode: 200 } });
  });

  test("a warm process is reused when it is idle", async () => {
    const pid = (outcome: unknown) => JSON.parse((outcome as { result: { body: string } }).result.body).pid;
    const first = await runner.invoke({});
    const second = await runner.invoke({});
    expect(pid(second)).toBe(pid(first));
  });
});

describe("FunctionRunner: a cap on processes, like reserved concurrency", () => {
  test("calls beyond the cap wait for a free process instead of starting more", async () => {
    // GIVEN a runner capped at two processes
    const capped = new FunctionRunner({ name: "capped-fn", zipPath: path.join(folder, "fn.zip"), handler: "index.handler", timeoutSeconds: 5, environment: {} }, path.join(folder, "capped"), {}, { maxProcesses: 2 });
    try {
      // WHEN five calls arrive at once
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => capped.invoke({ sleep: 200 })));
      // THEN all succeed, served by two processes
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      const pids = new Set(outcomes.map((outcome) => JSON.parse((outcome as { result: { body: string } }).result.body).pid));
      expect(pids.size).toBe(2);
      expect(capped.processes).toBe(2);
    } finally {
      await capped.stop();
    }
  });
});

describe("FunctionRunner: stopping", () => {
  test("stop resolves once every process, idle or busy, has exited: a stopped emulator leaves none behind", async () => {
    // GIVEN a runner with an idle process and one busy with a long call
    const stopping = new FunctionRunner(runner.function, path.join(folder, "stopping"), {});
    const pid = (outcome: unknown) => JSON.parse((outcome as { result: { body: string } }).result.body).pid as number;
    const pids = (await Promise.all([stopping.invoke({ sleep: 100 }), stopping.invoke({ sleep: 100 })])).map(pid);
    const busy = stopping.invoke({ sleep: 10_000 });
    expect(stopping.processes).toBe(2);
    // WHEN it is stopped
    await stopping.stop();
    // THEN no process of it is left, not even unreaped, and the busy call ends with an error
    expect(stopping.processes).toBe(0);
    for (const process_ of pids) expect(() => process.kill(process_, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
    expect(await busy).toMatchObject({ ok: false, reason: "error" });
  });
});

describe("FunctionRunner: idle processes are reclaimed, as Lambda reclaims execution environments", () => {
  test("a process idle for the idle time ends; the next call cold-starts a new one", async () => {
    // GIVEN a runner that keeps idle processes for one second, after a burst of three concurrent calls
    const reclaiming = new FunctionRunner({ name: "idle-fn", zipPath: path.join(folder, "fn.zip"), handler: "index.handler", timeoutSeconds: 5, environment: {} }, path.join(folder, "idle"), {}, { maxProcesses: 3, idleSeconds: 1 });
    try {
      await Promise.all(Array.from({ length: 3 }, () => reclaiming.invoke({ sleep: 100 })));
      expect(reclaiming.processes).toBe(3);
      // WHEN nothing calls it for longer than the idle time
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // THEN every process has ended, and a call still works
      expect(reclaiming.processes).toBe(0);
      expect(await reclaiming.invoke({})).toMatchObject({ ok: true });
      expect(reclaiming.processes).toBe(1);
    } finally {
      await reclaiming.stop();
    }
  });

  test("a process in use is not reclaimed, and its idle time starts again after each call", async () => {
    const reclaiming = new FunctionRunner({ name: "busy-fn", zipPath: path.join(folder, "fn.zip"), handler: "index.handler", timeoutSeconds: 5, environment: {} }, path.join(folder, "busy"), {}, { maxProcesses: 1, idleSeconds: 1 });
    try {
      const pid = (outcome: unknown) => JSON.parse((outcome as { result: { body: string } }).result.body).pid;
      const first = await reclaiming.invoke({});
      // a call of 1.2 s outlives the idle time; the process serving it stays
      const long = await reclaiming.invoke({ sleep: 1200 });
      await new Promise((resolve) => setTimeout(resolve, 600));
      const third = await reclaiming.invoke({});
      expect(new Set([pid(first), pid(long), pid(third)]).size).toBe(1);
    } finally {
      await reclaiming.stop();
    }
  });
});

import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { FakeGitHubServer } from "../helpers/fake-github-server.js";
import { QUEUE_NAME } from "../../src/jobs/bullmq-queue.js";

/**
 * Many instances (issue 12): two real Converge worker processes share one real Redis (BullMQ). GitHub is a loopback
 * HTTP fake both processes talk to. Proves one report per installation per week, and that killing the worker that
 * is in the middle of a report still leaves exactly one report (the other worker takes the stalled job over).
 * .ci/run installs redis-server; locally the test is skipped, saying so, only when redis-server is absent.
 */

const hasRedis = spawnSync("redis-server", ["--version"]).status === 0;
if (!hasRedis) {
  if (process.env.CI) throw new Error("redis-server is missing in CI: .ci/run must install it (apt-get install -y redis-server)");
  console.warn("SKIPPED test/jobs/multi-instance.test.ts: redis-server is not installed (apt-get install -y redis-server)");
}

const PORT = 6390 + (process.pid % 500);
const REDIS_URL = `redis://127.0.0.1:${PORT}`;
const NOW = "2026-12-01T10:00:00Z"; // Tuesday of 2026-W49: Monday's 07:00 run was missed, so start-up catches it up
const CONFIG = "delivery:\n  repository: office\n  schedule:\n    timeZone: Europe/Berlin\n  reconcile:\n    enabled: false\n";
const dir = mkdtempSync(join(tmpdir(), "converge-multi-"));
const keyPath = join(dir, "app.pem");

const workers: ChildProcess[] = [];
let github: FakeGitHubServer | undefined;

function startWorker(name: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx/esm", "test/helpers/delivery-worker-process.ts"], {
    env: { ...process.env, WORKER_NAME: name, REDIS_URL, FAKE_GITHUB_URL: github!.url, FAKE_NOW: NOW, PRIVATE_KEY_PATH: keyPath, CONVERGE_LOCK_MS: "1500" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  workers.push(child);
  let errors = "";
  child.stderr!.on("data", (d: Buffer) => (errors += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`worker ${name} exited (${code}) before it was ready: ${errors}`)));
  });
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopWorkers(): Promise<void> {
  await Promise.all(
    workers.splice(0).map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.exitCode !== null || w.signalCode !== null) return resolve();
          w.once("exit", () => resolve());
          w.kill("SIGTERM");
          setTimeout(() => w.kill("SIGKILL"), 5_000).unref();
        }),
    ),
  );
}

describe.skipIf(!hasRedis)("two worker processes on one Redis", () => {
  beforeAll(() => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    writeFileSync(keyPath, privateKey);
    execFileSync("redis-server", ["--port", String(PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "yes", "--dir", dir]);
    for (let i = 0; i < 50; i++) if (spawnSync("redis-cli", ["-p", String(PORT), "ping"]).stdout?.toString().includes("PONG")) return;
    throw new Error("redis-server did not start");
  });
  afterAll(() => {
    spawnSync("redis-cli", ["-p", String(PORT), "shutdown", "nosave"]);
  });
  afterEach(async () => {
    await stopWorkers();
    await github?.stop();
    spawnSync("redis-cli", ["-p", String(PORT), "flushall"]);
  });

  it("post exactly one report per installation for the week, with one job scheduler per installation", async () => {
    github = new FakeGitHubServer([{ id: 1, org: "acme" }, { id: 2, org: "globex" }], { acme: CONFIG, globex: CONFIG });
    await github.start();
    await Promise.all([startWorker("a"), startWorker("b")]);
    await until("both reports", () => github!.reportsOf("acme").length + github!.reportsOf("globex").length >= 2);
    // Let every job both instances queued finish (and any duplicate show up) before counting.
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAME, { connection, prefix: "converge" });
    try {
      for (let i = 0; i < 50; i++) {
        const counts = await queue.getJobCounts("active", "waiting", "delayed");
        if ((counts.active ?? 0) + (counts.waiting ?? 0) + (counts.delayed ?? 0) === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const completed = (await queue.getJobs(["completed"])).map((j) => j.id).sort();
      expect(completed).toEqual(["report-1-2026-W49", "report-2-2026-W49"]);
      const schedulers = (await queue.getJobSchedulers(0, -1)).map((s) => `${s.key} ${s.pattern} ${s.tz}`).sort();
      expect(schedulers).toEqual(["weekly-report:1 0 7 * * 1 Europe/Berlin", "weekly-report:2 0 7 * * 1 Europe/Berlin"]);
    } finally {
      await queue.close();
      connection.disconnect();
    }
    for (const org of ["acme", "globex"]) {
      const reports = github.reportsOf(org);
      expect(reports).toHaveLength(1);
      expect(reports[0]!.body.startsWith("<!-- converge:weekly-report week=2026-W49 -->")).toBe(true);
    }
    expect(github.calls.filter((c) => c.line === "POST /repos/acme/office/issues")).toHaveLength(1);
  }, 60_000);

  it("killing the worker in the middle of a report (issue created, not yet read back) still yields exactly one report", async () => {
    github = new FakeGitHubServer([{ id: 1, org: "acme" }], { acme: CONFIG });
    await github.start();
    let heldBy: string | undefined;
    github.hold = { match: /^GET \/repos\/acme\/office\/issues\/\d+$/, onHeld: (agent) => (heldBy = agent) };
    const [a, b] = await Promise.all([startWorker("a"), startWorker("b")]);
    await until("a worker mid-job", () => heldBy !== undefined);
    const victim = heldBy!.includes("converge-worker/a") ? a : b;
    const survivor = victim === a ? "b" : "a";
    victim.kill("SIGKILL");
    expect(github.reportsOf("acme")).toHaveLength(1); // created by the worker that died

    // The survivor takes the stalled job over after the lock expires, finds the week's issue and completes it.
    await until("the survivor to read the report back", () => github!.calls.some((c) => /^GET \/repos\/acme\/office\/issues\/\d+$/.test(c.line) && c.agent.includes(`converge-worker/${survivor}`)));
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAME, { connection, prefix: "converge" });
    try {
      let state = "";
      for (let i = 0; i < 100 && state !== "completed"; i++) {
        state = (await (await queue.getJob("report-1-2026-W49"))?.getState()) ?? "missing";
        if (state !== "completed") await new Promise((r) => setTimeout(r, 200));
      }
      expect(state).toBe("completed");
    } finally {
      await queue.close();
      connection.disconnect();
    }
    expect(github.reportsOf("acme")).toHaveLength(1);
    expect(github.calls.filter((c) => c.line === "POST /repos/acme/office/issues")).toHaveLength(1);
    expect(github.reportsOf("acme")[0]!.body.startsWith("<!-- converge:weekly-report week=2026-W49 -->")).toBe(true);
  }, 60_000);
});

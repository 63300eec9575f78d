import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerDelivery } from "../../src/jobs/runtime.js";
import { BullTriggers, type BullQueue } from "../../src/jobs/bullmq-queue.js";
import type { DeliveryJob } from "../../src/jobs/delivery-worker.js";
import { FakeGitHubServer } from "../helpers/fake-github-server.js";
import { hasRedis, requireRedisOrSkip, startRedis, stopRedis } from "../helpers/redis.js";
import { oneCycleSample } from "../helpers/sample.js";

/**
 * The Redis path's repeatable trigger (issue 12): a BullMQ job scheduler's ticks all ask for the same
 * `report-<installation>-<ISO week>` job, so however often the trigger fires in a week, one report is posted. The
 * trigger fires every second here (a 6-field pattern) instead of weekly; the rest is the production wiring.
 */

requireRedisOrSkip("test/jobs/bullmq-schedule.test.ts");
const PORT = 7390 + (process.pid % 500);
const dir = mkdtempSync(join(tmpdir(), "converge-bull-"));
const snapshot = oneCycleSample();

describe.skipIf(!hasRedis)("BullMQ job scheduler ticks", () => {
  let redisUrl = "";
  beforeAll(() => {
    redisUrl = startRedis(PORT, dir);
  });
  afterAll(() => stopRedis(PORT));

  it("fire many times in a week and post one report", async () => {
    const github = new FakeGitHubServer([{ id: 5, org: "acme" }], { acme: "delivery:\n  repository: office\n  schedule:\n    timeZone: Europe/Berlin\n" });
    await github.start();
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const Octokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } }));
    const probot = new Probot({ appId: 1001, privateKey, baseUrl: github.url, Octokit, logLevel: "fatal" });
    const now = new Date("2026-12-01T10:00:00Z");
    const runtime = registerDelivery(probot, { identity: async () => ({ appId: 1001, slug: "converge" }), now: () => now }, undefined, {
      redisUrl,
      snapshotSource: async () => ({ snapshot, stats: { requests: 0, points: 0, remaining: null } }),
    });
    const bull = runtime.queue as BullQueue<DeliveryJob>;
    try {
      await new BullTriggers(bull.queue).set("weekly-report:5", "* * * * * *", "Europe/Berlin", async () => {}, { installation: { id: 5, org: "acme" }, kind: "report" });
      const start = Date.now();
      let ticks = 0;
      while (Date.now() - start < 20_000) {
        ticks = (await bull.queue.getJobs(["completed"])).filter((j) => j.name === "tick").length;
        if (ticks >= 3 && github.reportsOf("acme").length > 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(ticks).toBeGreaterThanOrEqual(3);
      await new BullTriggers(bull.queue).remove("weekly-report:5");
      const reports = (await bull.queue.getJobs(["completed", "active", "waiting", "failed"])).filter((j) => j.name === "report").map((j) => j.id);
      expect(reports).toEqual(["report-5-2026-W49"]);
      expect(github.reportsOf("acme")).toHaveLength(1);
      expect(github.calls.filter((c) => c.line === "POST /repos/acme/office/issues")).toHaveLength(1);
    } finally {
      await runtime.close();
      await github.stop();
    }
  }, 40_000);
});

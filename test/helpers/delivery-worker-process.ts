/**
 * One Converge worker process for the multi-instance test (test/jobs/multi-instance.test.ts): a real Probot with the
 * production delivery wiring (BullMQ queue on REDIS_URL, job schedulers, start-up catch-up), GitHub at FAKE_GITHUB_URL.
 * Test-only inputs: the clock (FAKE_NOW) and the snapshot (one cycle of the sample's generator; the org-wide fetch is issue 11's).
 * Prints "ready" once its scheduler has started; SIGTERM closes it.
 */
import { readFileSync } from "node:fs";
import { Probot, ProbotOctokit } from "probot";
import { registerDelivery } from "../../src/jobs/runtime.js";
import { oneCycleSample } from "./sample.js";

const env = process.env;
const snapshot = oneCycleSample();
const Octokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  userAgent: `converge-worker/${env.WORKER_NAME}`,
  retry: { enabled: false },
  throttle: { enabled: false },
}));
const probot = new Probot({ appId: 1001, privateKey: readFileSync(env.PRIVATE_KEY_PATH!, "utf8"), baseUrl: env.FAKE_GITHUB_URL!, Octokit, logLevel: "warn" });
const now = new Date(env.FAKE_NOW!);
const runtime = registerDelivery(
  probot,
  { identity: async () => ({ appId: 1001, slug: "converge" }), now: () => now },
  undefined,
  {
    scheduler: true,
    redisUrl: env.REDIS_URL,
    lockDurationMs: Number(env.CONVERGE_LOCK_MS ?? 1500),
    snapshotSource: async () => ({ snapshot, stats: { requests: 0, points: 0, remaining: null } }),
  },
);
await runtime.started;
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void runtime.close().then(() => process.exit(0));
});

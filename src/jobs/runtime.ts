import type { ApplicationFunctionOptions, Probot } from "probot";
import type { AppDeps } from "../handlers/deps.js";
import type { Octokit } from "../github/octokit.js";
import { fetchPortfolioSnapshot } from "../github/snapshot/index.js";
import { loadOrgConfig } from "../github/org-config.js";
import { lastPostedWeek } from "../github/report-post.js";
import { listInstallations } from "../github/installations.js";
import { sweepInstallation } from "../github/sweep.js";
import { registerReportCommand } from "../handlers/report-command.js";
import { createDeliveryProcessor, type DeliveryJob, type WorkerDeps } from "./delivery-worker.js";
import { InProcessQueue, type JobQueue, type Processor, type QueueJob } from "./queue.js";
import { BullQueue, BullTriggers, type TickJob } from "./bullmq-queue.js";
import { CronerTriggers, Scheduler, tick, type SchedulerDeps } from "./scheduler.js";
import { reportTarget, type SnapshotSource } from "./report-job.js";
import { healthHandler } from "./health.js";

/**
 * Wires the weekly delivery into the app (issue 12): the job queue (in-process, or BullMQ when REDIS_URL is set),
 * the `/converge report` command, `/health` when Probot serves HTTP (`addHandler`), and the scheduler when asked for:
 * the default export starts it under `probot run` (CONVERGE_SCHEDULER=off turns it off, e.g. for a webhook-only
 * replica); an app made with createApp() in tests never schedules anything.
 */

export type RuntimeJob = DeliveryJob | TickJob;

export interface DeliveryOverrides {
  /** Replace the queue (tests): receives the processor the queue must run. */
  queue?: (processor: Processor<RuntimeJob>) => JobQueue<RuntimeJob>;
  snapshotSource?: SnapshotSource;
  sweep?: WorkerDeps["sweep"];
  /**
   * true: start the scheduler (worker processes); "with-server": only when Probot runs a server (the default export,
   * i.e. `probot run`), unless CONVERGE_SCHEDULER=off; absent or false: never (tests, the Actions adapter).
   */
  scheduler?: boolean | "with-server";
  redisUrl?: string | undefined;
  lockDurationMs?: number;
}

export interface DeliveryRuntime {
  queue: JobQueue<RuntimeJob>;
  processor: Processor<RuntimeJob>;
  scheduler: Scheduler | undefined;
  /** Resolves when the scheduler's start-up (triggers and catch-up) is done. */
  started: Promise<void>;
  close(): Promise<void>;
}

const REFRESH_MS = 6 * 3600_000;

export function registerDelivery(app: Probot, deps: AppDeps, options: Partial<ApplicationFunctionOptions> | undefined, overrides: DeliveryOverrides = {}): DeliveryRuntime {
  // Bound: pino's methods need their logger as `this`.
  const log = {
    info: (obj: object, msg: string) => app.log.info(obj, msg),
    warn: (obj: object, msg: string) => app.log.warn(obj, msg),
    error: (obj: object, msg: string) => app.log.error(obj, msg),
  };
  const auth = async (installationId: number) => (await app.auth(installationId)) as Octokit;
  const processor = createDeliveryProcessor({
    auth,
    identity: deps.identity,
    now: deps.now,
    snapshotSource: overrides.snapshotSource ?? fetchPortfolioSnapshot,
    log,
    sweep:
      overrides.sweep ??
      (async (octokit, job) => {
        await sweepInstallation(octokit, job.org, job.since, { identity: deps.identity, now: deps.now, log });
      }),
  });

  const scheduleDeps: SchedulerDeps = {
    installations: () => listInstallations(app),
    config: async (installation) => {
      const loaded = await loadOrgConfig(await auth(installation.id), installation.org);
      if (loaded.ok) return loaded.config;
      app.log.warn({ org: installation.org, problems: loaded.problems }, "org config invalid; no delivery schedule");
      return undefined;
    },
    lastPostedWeek: async (installation, config) => lastPostedWeek(await auth(installation.id), reportTarget(installation.org, config), await deps.identity()),
    enqueue: (id, job) => queue.add(id, job),
    now: deps.now,
    log,
  };

  const run: Processor<RuntimeJob> = async (job) => {
    const data = job.data;
    if (data.kind === "tick") {
      await tick(scheduleDeps, { id: data.installationId, org: data.org }, data.what);
      return;
    }
    await processor(job as QueueJob<DeliveryJob>);
  };

  const redisUrl = "redisUrl" in overrides ? overrides.redisUrl : process.env.REDIS_URL;
  const lockDurationMs = overrides.lockDurationMs ?? (process.env.CONVERGE_LOCK_MS ? Number(process.env.CONVERGE_LOCK_MS) : undefined);
  const bull = !overrides.queue && redisUrl ? new BullQueue<DeliveryJob>(redisUrl, run, log, lockDurationMs ? { lockDurationMs } : {}) : undefined;
  const queue: JobQueue<RuntimeJob> = overrides.queue ? overrides.queue(run) : (bull ?? new InProcessQueue<RuntimeJob>(run, log));
  registerReportCommand(app, deps, queue);

  let server = false;
  if (typeof options?.addHandler === "function") {
    try {
      options.addHandler(healthHandler({ queue: bull ? "redis" : "in-process" }));
      server = true;
    } catch {
      // Probot without a server (tests, the GitHub Actions adapter): no HTTP routes, no scheduler.
    }
  }
  const wantScheduler = overrides.scheduler === true || (overrides.scheduler === "with-server" && server && process.env.CONVERGE_SCHEDULER !== "off");
  let scheduler: Scheduler | undefined;
  let refresh: ReturnType<typeof setInterval> | undefined;
  let started = Promise.resolve();
  if (wantScheduler) {
    scheduler = new Scheduler(scheduleDeps, bull ? new BullTriggers(bull.queue) : new CronerTriggers());
    // GitHub may be unreachable at boot: try again a minute later, five times, so the catch-up is not lost.
    const attempt = (n: number): Promise<void> =>
      scheduler!.start().catch((error: unknown) => {
        app.log.error({ err: error, attempt: n }, n < 5 ? "delivery scheduler could not start; trying again in a minute" : "delivery scheduler could not start; the 6-hourly refresh sets the triggers");
        if (n < 5) setTimeout(() => void attempt(n + 1), 60_000).unref();
      });
    started = attempt(1);
    refresh = setInterval(() => void scheduler!.refresh().catch((error: unknown) => app.log.warn({ err: error }, "delivery schedule refresh failed")), REFRESH_MS);
    refresh.unref();
  }
  return {
    queue,
    processor: run,
    scheduler,
    started,
    async close() {
      if (refresh) clearInterval(refresh);
      await scheduler?.stop();
      await queue.close();
    },
  };
}

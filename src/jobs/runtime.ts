import type { ApplicationFunctionOptions, Probot } from "probot";
import type { AppDeps } from "../handlers/deps.js";
import type { Octokit } from "../github/octokit.js";
import { fetchPortfolioSnapshot } from "../github/snapshot/index.js";
import { registerReportCommand } from "../handlers/report-command.js";
import { createDeliveryProcessor, type DeliveryJob, type WorkerDeps } from "./delivery-worker.js";
import { InProcessQueue, type JobQueue } from "./queue.js";
import type { SnapshotSource } from "./report-job.js";

/**
 * Wires the weekly delivery into the app (issue 12): the job queue (in-process, or BullMQ when REDIS_URL is set),
 * the `/converge report` command, and, when the app runs as a server, the scheduler and `/health`.
 */

export interface DeliveryOverrides {
  /** Replace the queue (tests): receives the processor the queue must run. */
  queue?: (processor: ReturnType<typeof createDeliveryProcessor>) => JobQueue<DeliveryJob>;
  snapshotSource?: SnapshotSource;
  sweep?: WorkerDeps["sweep"];
}

export interface DeliveryRuntime {
  queue: JobQueue<DeliveryJob>;
  processor: ReturnType<typeof createDeliveryProcessor>;
}

export function registerDelivery(app: Probot, deps: AppDeps, _options: Partial<ApplicationFunctionOptions> | undefined, overrides: DeliveryOverrides = {}): DeliveryRuntime {
  const processor = createDeliveryProcessor({
    auth: async (installationId) => (await app.auth(installationId)) as Octokit,
    identity: deps.identity,
    now: deps.now,
    snapshotSource: overrides.snapshotSource ?? fetchPortfolioSnapshot,
    log: app.log,
    ...(overrides.sweep ? { sweep: overrides.sweep } : {}),
  });
  const queue = overrides.queue ? overrides.queue(processor) : new InProcessQueue<DeliveryJob>(processor, app.log);
  registerReportCommand(app, deps, queue);
  return { queue, processor };
}

import { Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { Installation, TickKind, Triggers } from "./scheduler.js";
import { DEFAULT_RETRY, isRetryable, type JobQueue, type Processor, type QueueLog } from "./queue.js";

/**
 * The delivery queue on Redis for many instances (REDIS_URL; issue 12): BullMQ jobs whose ids name the work, so the
 * week's report is one job however many instances add it; a worker that dies mid-job loses its lock and the job is
 * picked up by another (BullMQ's stalled-job check); failures retry with exponential backoff; an error a retry
 * cannot fix ends the job at once (UnrecoverableError). No locking of our own.
 */

export const QUEUE_NAME = "converge-delivery";

/** A scheduled trigger's job: the worker turns it into the week's report (or the day's sweep) job. */
export interface TickJob {
  kind: "tick";
  what: TickKind;
  installationId: number;
  org: string;
}

export interface BullOptions {
  /** How long a worker's lock on a job lasts without renewal; a dead worker's job is retried after it. */
  lockDurationMs?: number;
  prefix?: string;
  attempts?: number;
  backoffMs?: number;
}

export class BullQueue<T extends { kind: string }> implements JobQueue<T | TickJob> {
  readonly queue: Queue;
  private readonly worker: Worker;
  private readonly connections: Redis[] = [];
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(url: string, processor: Processor<T | TickJob>, log: QueueLog, options: BullOptions = {}) {
    const connect = () => {
      // BullMQ's workers block on Redis: maxRetriesPerRequest must be null for them.
      const connection = new Redis(url, { maxRetriesPerRequest: null });
      connection.on("error", (error) => log.warn({ err: error }, "redis connection error"));
      this.connections.push(connection);
      return connection;
    };
    const prefix = options.prefix ?? "converge";
    this.attempts = options.attempts ?? DEFAULT_RETRY.attempts;
    this.backoffMs = options.backoffMs ?? DEFAULT_RETRY.backoffMs(1);
    this.queue = new Queue(QUEUE_NAME, { connection: connect(), prefix });
    const lockDuration = options.lockDurationMs ?? 30_000;
    this.worker = new Worker(
      QUEUE_NAME,
      async (job: Job) => {
        try {
          await processor({ id: job.id ?? job.name, data: job.data as T | TickJob, attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1 });
        } catch (error) {
          if (!isRetryable(error)) throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
          throw error;
        }
      },
      { connection: connect(), prefix, concurrency: 1, lockDuration, stalledInterval: lockDuration, maxStalledCount: 2 },
    );
    this.worker.on("failed", (job, error) => log.error({ err: error, job: job?.id, attempts: job?.attemptsMade }, "job failed"));
    this.worker.on("error", (error) => log.error({ err: error }, "queue worker error"));
  }

  async add(id: string, data: T | TickJob): Promise<boolean> {
    // A job with this id (waiting, active, done within two weeks, or failed within a day) makes the add a no-op in Redis.
    const before = await this.queue.getJob(id);
    if (before) return false;
    await this.queue.add(data.kind, data, {
      jobId: id,
      attempts: this.attempts,
      backoff: { type: "exponential", delay: this.backoffMs },
      removeOnComplete: { age: 14 * 24 * 3600 },
      removeOnFail: { age: 24 * 3600 },
    });
    return true;
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
    for (const connection of this.connections) connection.disconnect();
  }
}

/** Repeatable triggers in Redis (`upsertJobScheduler` is idempotent per key: every instance may set the same one). */
export class BullTriggers implements Triggers {
  constructor(private readonly queue: Queue) {}

  async set(key: string, pattern: string, timeZone: string, _fire: () => Promise<void>, meta: { installation: Installation; kind: TickKind }): Promise<void> {
    const data: TickJob = { kind: "tick", what: meta.kind, installationId: meta.installation.id, org: meta.installation.org };
    await this.queue.upsertJobScheduler(key, { pattern, tz: timeZone }, { name: "tick", data, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }

  async remove(key: string): Promise<void> {
    await this.queue.removeJobScheduler(key);
  }

  async keys(): Promise<string[]> {
    const schedulers = await this.queue.getJobSchedulers(0, -1);
    return schedulers.map((s) => s.key).filter((k): k is string => typeof k === "string");
  }

  async stop(): Promise<void> {
    // The schedulers live in Redis for the other instances; nothing to stop here.
  }
}

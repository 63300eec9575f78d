/**
 * The job queue the webhook handlers and the scheduler hand work to (issue 12): a report never runs inside a webhook
 * handler (GitHub stops waiting after 10 s). Two implementations with one contract:
 * - in-process (default, one instance, no extra services): this file;
 * - BullMQ on Redis when REDIS_URL is set (many instances): ./bullmq-queue.ts.
 * A job id names the work ("report-<installation>-<week>"; BullMQ ids may not contain ":"), so adding the same work
 * twice runs it once.
 */

export interface QueueJob<T> {
  id: string;
  data: T;
  /** 1 for the first run. */
  attempt: number;
  maxAttempts: number;
}

export type Processor<T> = (job: QueueJob<T>) => Promise<void>;

export interface JobQueue<T> {
  /** Queue `data` under `id`; false when a job with that id is already queued, running or done. */
  add(id: string, data: T): Promise<boolean>;
  close(): Promise<void>;
}

export interface RetryPolicy {
  attempts: number;
  /** Delay before attempt n+1 after attempt n failed. */
  backoffMs: (attempt: number) => number;
}

/** Three attempts, 30 s then 60 s apart: long enough for a GitHub hiccup or a secondary rate limit to pass. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, backoffMs: (attempt) => 30_000 * 2 ** (attempt - 1) };

export interface QueueLog {
  warn: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
}

/** Errors a retry cannot fix (a missing permission or setting) say so, and the queue gives up at once. */
export function isRetryable(error: unknown): boolean {
  const flag = (error as { retryable?: unknown } | null)?.retryable;
  return flag === undefined ? true : flag === true;
}

/**
 * Jobs run one after another in this process. Ids of finished jobs are remembered for a day (a bounded set), so a
 * redelivered webhook or a second timer tick does not run finished work again.
 */
export class InProcessQueue<T> implements JobQueue<T> {
  private readonly known = new Map<string, number>();
  private tail: Promise<void> = Promise.resolve();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private pending = 0;
  private idle: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly processor: Processor<T>,
    private readonly log: QueueLog,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly clock: () => number = Date.now,
    private readonly rememberMs = 24 * 3600_000,
  ) {}

  async add(id: string, data: T): Promise<boolean> {
    if (this.closed) throw new Error("the job queue is closed");
    const now = this.clock();
    for (const [known, at] of this.known) if (now - at > this.rememberMs) this.known.delete(known);
    if (this.known.has(id)) return false;
    this.known.set(id, now);
    this.pending++;
    this.schedule({ id, data, attempt: 1, maxAttempts: this.retry.attempts }, 0);
    return true;
  }

  /** Resolves when every queued job (with its retries) has finished: for tests and a graceful shutdown. */
  drain(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.tail;
  }

  private schedule(job: QueueJob<T>, delay: number): void {
    const run = () => {
      this.tail = this.tail.then(() => this.run(job));
    };
    if (delay <= 0) return run();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, delay);
    this.timers.add(timer);
  }

  private async run(job: QueueJob<T>): Promise<void> {
    if (this.closed) return this.finish();
    try {
      await this.processor(job);
    } catch (error) {
      if (isRetryable(error) && job.attempt < job.maxAttempts) {
        const delay = this.retry.backoffMs(job.attempt);
        this.log.warn({ err: error, job: job.id, attempt: job.attempt, retryInMs: delay }, "job failed; retrying");
        this.schedule({ ...job, attempt: job.attempt + 1 }, delay);
        return;
      }
      this.log.error({ err: error, job: job.id, attempt: job.attempt }, "job failed; giving up");
      // Forget it, so that a later request or the next start-up may try the same work again.
      this.known.delete(job.id);
    }
    this.finish();
  }

  private finish(): void {
    this.pending--;
    if (this.pending === 0) for (const resolve of this.idle.splice(0)) resolve();
  }
}

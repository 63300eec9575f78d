/**
 * GitHub's secondary rate limits (content creation ~80/min, 500/h; github-facts.md) answer 403 or 429. Probot's
 * throttling plugin retries primary limits but only logs secondary ones, so the report's writes honour them here:
 * wait `retry-after` seconds when given; else until `x-ratelimit-reset` when `x-ratelimit-remaining` is 0; else at
 * least a minute (GitHub's documented guidance), then retry, a bounded number of times.
 */

export interface RetryOptions {
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  attempts?: number;
  /** Never wait longer than this for one retry; a longer wait fails the job, which the queue retries later. */
  maxWaitMs?: number;
  log?: { warn: (obj: object, msg: string) => void };
}

interface ErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

/** Milliseconds to wait before retrying, or null when the error is not a rate limit. */
export function rateLimitWait(error: unknown, now: number): number | null {
  const e = error as ErrorLike;
  if (e?.status !== 403 && e?.status !== 429) return null;
  const headers = e.response?.headers ?? {};
  const retryAfter = headers["retry-after"];
  if (retryAfter !== undefined && /^\d+$/.test(String(retryAfter))) return Number(retryAfter) * 1000;
  if (String(headers["x-ratelimit-remaining"]) === "0" && headers["x-ratelimit-reset"] !== undefined) {
    return Math.max(0, Number(headers["x-ratelimit-reset"]) * 1000 - now) + 1000;
  }
  if (e.status === 429 || /secondary rate limit/i.test(e.message ?? "")) return 60_000;
  return null; // a plain 403: a missing permission, not worth retrying
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRateLimitRetry<T>(what: string, call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 4;
  const sleep = options.sleep ?? defaultSleep;
  const maxWait = options.maxWaitMs ?? 15 * 60_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const wait = rateLimitWait(error, (options.now ?? Date.now)());
      if (wait === null || attempt >= attempts || wait > maxWait) throw error;
      options.log?.warn({ what, waitMs: wait, attempt }, "GitHub rate limit: waiting before retrying");
      await sleep(wait);
    }
  }
}

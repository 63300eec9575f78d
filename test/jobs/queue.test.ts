import { afterEach, describe, expect, it, vi } from "vitest";
import { InProcessQueue } from "../../src/jobs/queue.js";
import { DeliveryError } from "../../src/github/delivery-errors.js";

/** The in-process job queue: one run per job id, retries with backoff, no retry for what a retry cannot fix. */

const log = { warn: vi.fn(), error: vi.fn() };
afterEach(() => {
  vi.useRealTimers();
  log.warn.mockClear();
  log.error.mockClear();
});

describe("InProcessQueue", () => {
  it("runs a job id once however often it is added", async () => {
    const runs: string[] = [];
    const queue = new InProcessQueue<{ n: number }>(async (job) => void runs.push(`${job.id}#${job.data.n}`), log);
    expect(await queue.add("report-1-2026-W49", { n: 1 })).toBe(true);
    expect(await queue.add("report-1-2026-W49", { n: 2 })).toBe(false);
    expect(await queue.add("report-2-2026-W49", { n: 3 })).toBe(true);
    await queue.drain();
    expect(await queue.add("report-1-2026-W49", { n: 4 })).toBe(false); // done: still remembered
    await queue.drain();
    expect(runs).toEqual(["report-1-2026-W49#1", "report-2-2026-W49#3"]);
  });

  it("retries a failing job after the backoff, then gives up and forgets it so it may be asked again", async () => {
    vi.useFakeTimers();
    const attempts: number[] = [];
    const queue = new InProcessQueue<object>(
      async (job) => {
        attempts.push(job.attempt);
        throw new Error("502 Bad Gateway");
      },
      log,
      { attempts: 3, backoffMs: (n) => 1_000 * 2 ** (n - 1) },
    );
    await queue.add("job", {});
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toEqual([1]);
    await vi.advanceTimersByTimeAsync(999);
    expect(attempts).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(2_000);
    await queue.drain();
    expect(attempts).toEqual([1, 2, 3]);
    expect(log.error).toHaveBeenCalledOnce();
    expect(await queue.add("job", {})).toBe(true);
    await queue.close();
  });

  it("does not retry an error a retry cannot fix (a missing permission or setting)", async () => {
    let runs = 0;
    const queue = new InProcessQueue<object>(async () => {
      runs++;
      throw new DeliveryError("set delivery.repository");
    }, log);
    await queue.add("job", {});
    await queue.drain();
    expect(runs).toBe(1);
    expect(log.warn).not.toHaveBeenCalled();
  });
});

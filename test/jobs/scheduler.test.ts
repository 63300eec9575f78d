import { afterEach, describe, expect, it, vi } from "vitest";
import { validateConfig } from "../../src/config/validate.js";
import type { ConvergeConfig } from "../../src/config/schema.js";
import { CronerTriggers, Scheduler, sweepKey, weeklyKey, type Installation, type SchedulerDeps } from "../../src/jobs/scheduler.js";
import { InProcessQueue } from "../../src/jobs/queue.js";
import type { DeliveryJob } from "../../src/jobs/delivery-worker.js";

/** The in-process scheduler with fake timers (croner reads the faked clock): zones, DST changes, catch-up. */

const ACME: Installation = { id: 42, org: "acme" };

function config(delivery: Record<string, unknown>): ConvergeConfig {
  const result = validateConfig({ delivery: { repository: "office", ...delivery } });
  if (!result.ok) throw new Error(result.problems.join("\n"));
  return result.config;
}

interface Harness {
  scheduler: Scheduler;
  triggers: CronerTriggers;
  enqueued: Array<{ id: string; at: string; job: DeliveryJob }>;
  deps: SchedulerDeps;
}

function harness(configs: Map<number, ConvergeConfig | undefined>, posted: string | undefined = undefined, enqueue?: SchedulerDeps["enqueue"]): Harness {
  const enqueued: Harness["enqueued"] = [];
  const deps: SchedulerDeps = {
    installations: async () => [...configs.keys()].map((id) => (id === ACME.id ? ACME : { id, org: `org${id}` })),
    config: async (i) => configs.get(i.id),
    lastPostedWeek: async () => posted,
    enqueue:
      enqueue ??
      (async (id, job) => {
        enqueued.push({ id, at: new Date().toISOString(), job });
        return true;
      }),
    now: () => new Date(),
    log: { info: () => {}, warn: () => {} },
  };
  const triggers = new CronerTriggers();
  return { scheduler: new Scheduler(deps, triggers), triggers, enqueued, deps };
}

const DAY = 24 * 3600_000;
let running: Harness | undefined;

async function startAt(iso: string, configs: Map<number, ConvergeConfig | undefined>, posted?: string): Promise<Harness> {
  vi.useFakeTimers({ now: new Date(iso) });
  running = harness(configs, posted);
  await running.scheduler.start();
  return running;
}

/**
 * Let `ms` pass. croner re-checks at least every 30 s, so days of fake time would be tens of thousands of wake-ups:
 * instead the clock jumps to 45 s before each trigger's next run and the timers then run for real (fake) 90 s. The
 * fire times asserted are those the timers fired at, not the jump targets.
 */
async function pass(h: Harness, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const keys = await h.triggers.keys();
    const next = Math.min(...keys.map((k) => h.triggers.nextRun(k)?.getTime() ?? Infinity));
    if (!Number.isFinite(next) || next > until) break;
    if (next - 45_000 > Date.now()) vi.setSystemTime(new Date(next - 45_000));
    await vi.advanceTimersByTimeAsync(90_000);
  }
  if (until > Date.now()) vi.setSystemTime(new Date(until));
}

afterEach(async () => {
  await running?.scheduler.stop();
  running = undefined;
  vi.useRealTimers();
});

describe("the weekly schedule", () => {
  it("defaults to Monday 07:00 in the office zone and enqueues that ISO week's report once", async () => {
    const h = await startAt("2026-11-29T12:00:00Z", new Map([[42, config({ schedule: { timeZone: "Europe/Berlin" }, reconcile: { enabled: false } })]]), "2026-W48");
    await pass(h, 7 * DAY);
    expect(h.enqueued.map((e) => [e.id, e.at])).toEqual([["report-42-2026-W49", "2026-11-30T06:00:00.000Z"]]);
    expect(h.enqueued[0]!.job).toEqual({ kind: "report", installationId: 42, org: "acme" });
  });

  it("follows Europe/Berlin across the spring and autumn DST changes (07:00 local is 06:00 then 05:00 UTC, and back)", async () => {
    const h = await startAt("2027-03-22T08:00:00Z", new Map([[42, config({ schedule: { timeZone: "Europe/Berlin" }, reconcile: { enabled: false } })]]), "2027-W12");
    await pass(h, 8 * DAY);
    expect(h.enqueued.map((e) => e.at)).toEqual(["2027-03-29T05:00:00.000Z"]);
    h.enqueued.length = 0;
    await vi.setSystemTime(new Date("2027-10-24T00:00:00Z"));
    await h.scheduler.refresh();
    // setSystemTime does not move timers that are already set: re-arm them at the new clock.
    await h.triggers.stop();
    await h.scheduler.refresh();
    await pass(h, 9 * DAY);
    expect(h.enqueued.map((e) => [e.id, e.at])).toEqual([
      ["report-42-2027-W43", "2027-10-25T05:00:00.000Z"],
      ["report-42-2027-W44", "2027-11-01T06:00:00.000Z"],
    ]);
  });

  it("a 02:30 Sunday run fires at 03:00 on the spring-forward day and once on the fall-back day", async () => {
    const sunday = config({ schedule: { timeZone: "Europe/Berlin", weekday: "sunday", time: "02:30" }, reconcile: { enabled: false } });
    const h = await startAt("2027-03-27T12:00:00Z", new Map([[42, sunday]]), "2027-W12");
    await pass(h, DAY);
    expect(h.enqueued.map((e) => e.at)).toEqual(["2027-03-28T01:00:00.000Z"]); // 03:00 CEST: 02:30 does not exist
    await h.scheduler.stop();
    vi.setSystemTime(new Date("2027-10-30T12:00:00Z"));
    h.enqueued.length = 0;
    await h.scheduler.refresh();
    await pass(h, DAY);
    expect(h.enqueued).toHaveLength(1); // 02:30 happens twice that night; one report
    expect(["2027-10-31T00:30:00.000Z", "2027-10-31T01:30:00.000Z"]).toContain(h.enqueued[0]!.at);
  });

  it("keeps each installation in its own zone (Tuesday 09:30 New York, across the US change on 2027-03-14)", async () => {
    const ny = config({ schedule: { timeZone: "America/New_York", weekday: "tuesday", time: "09:30" }, reconcile: { enabled: false } });
    const berlin = config({ schedule: { timeZone: "Europe/Berlin" }, reconcile: { enabled: false } });
    const h = await startAt("2027-03-08T00:00:00Z", new Map([[42, berlin], [7, ny]]), "2027-W10");
    await pass(h, 9 * DAY);
    expect(h.enqueued.map((e) => [e.id, e.at])).toEqual([
      ["report-42-2027-W10", "2027-03-08T06:00:00.000Z"],
      ["report-7-2027-W10", "2027-03-09T14:30:00.000Z"], // EST, UTC-5
      ["report-42-2027-W11", "2027-03-15T06:00:00.000Z"],
      ["report-7-2027-W11", "2027-03-16T13:30:00.000Z"], // EDT, UTC-4
    ]);
  });

  it("a daily reconciliation sweep at reconcile.time in the office zone, looking back lookbackHours", async () => {
    const h = await startAt("2026-12-01T00:00:00Z", new Map([[42, config({ schedule: { enabled: false, timeZone: "Europe/Berlin" } })]]));
    await pass(h, 2 * DAY);
    expect(h.enqueued.map((e) => [e.id, e.at])).toEqual([
      ["sweep-42-2026-12-01", "2026-12-01T02:00:00.000Z"],
      ["sweep-42-2026-12-02", "2026-12-02T02:00:00.000Z"],
    ]);
    expect(h.enqueued[0]!.job).toEqual({ kind: "sweep", installationId: 42, org: "acme", since: "2026-11-30T00:00:00.000Z" });
    expect(await h.triggers.keys()).toEqual([sweepKey(42)]);
  });

  it("no weekly trigger without delivery.repository or with the schedule off, and a refresh removes stale triggers", async () => {
    const configs = new Map<number, ConvergeConfig | undefined>([[42, config({ reconcile: { enabled: false } })]]);
    const h = await startAt("2026-11-29T12:00:00Z", configs, "2026-W48");
    expect(await h.triggers.keys()).toEqual([weeklyKey(42)]);
    configs.set(42, config({ schedule: { enabled: false }, reconcile: { enabled: false } }));
    await h.scheduler.refresh();
    expect(await h.triggers.keys()).toEqual([]);
    const noRepo = validateConfig({});
    if (!noRepo.ok) throw new Error("defaults invalid");
    configs.set(42, noRepo.config);
    configs.set(9, undefined); // unreadable config: skipped
    await h.scheduler.refresh();
    expect(await h.triggers.keys()).toEqual([sweepKey(42)]);
  });
});

describe("catch-up at start-up", () => {
  const berlin = () => new Map([[42, config({ schedule: { timeZone: "Europe/Berlin" }, reconcile: { enabled: false } })]]);

  it("enqueues this week's report once when the Monday run was missed (last posted: last week)", async () => {
    const h = await startAt("2026-12-01T09:00:00Z", berlin(), "2026-W48"); // Tuesday
    expect(h.enqueued.map((e) => [e.id, e.at])).toEqual([["report-42-2026-W49", "2026-12-01T09:00:00.000Z"]]);
  });

  it("enqueues it when no report was ever posted", async () => {
    const h = await startAt("2026-12-01T09:00:00Z", berlin(), undefined);
    expect(h.enqueued.map((e) => e.id)).toEqual(["report-42-2026-W49"]);
  });

  it("does nothing when this week's report is on GitHub already", async () => {
    const h = await startAt("2026-12-01T09:00:00Z", berlin(), "2026-W49");
    expect(h.enqueued).toEqual([]);
  });

  it("does nothing before this week's run is due (Monday 06:59 Berlin; last week's is posted)", async () => {
    const h = await startAt("2026-11-30T05:59:00Z", berlin(), "2026-W48");
    expect(h.enqueued).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.enqueued.map((e) => e.id)).toEqual(["report-42-2026-W49"]);
  });

  it("does not post a past week late (a Sunday 20:00 run missed, started on Monday)", async () => {
    const sunday = new Map([[42, config({ schedule: { timeZone: "Europe/Berlin", weekday: "sunday", time: "20:00" }, reconcile: { enabled: false } })]]);
    const h = await startAt("2026-11-30T09:00:00Z", sunday, "2026-W47");
    expect(h.enqueued).toEqual([]);
  });

  it("a catch-up and the week's timer ask for the same job id, which the queue runs once", async () => {
    vi.useFakeTimers({ now: new Date("2026-11-30T05:59:30Z") });
    const processed: string[] = [];
    const queue = new InProcessQueue<DeliveryJob>(async (job) => void processed.push(job.id), { warn: () => {}, error: () => {} });
    const h = harness(berlin(), "2026-W48", (id, job) => queue.add(id, job));
    running = h;
    await h.scheduler.start();
    await vi.advanceTimersByTimeAsync(60_000); // the Monday 07:00 timer fires
    await h.scheduler.catchUp(ACME, berlin().get(42)!); // a second instance's start-up, or a restart, asks again
    await queue.drain();
    expect(processed).toEqual(["report-42-2026-W49"]);
  });
});

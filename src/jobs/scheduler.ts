import { Cron } from "croner";
import type { ConvergeConfig } from "../config/schema.js";
import { dailyCron, isoWeekIn, localDay, missedWeek, weeklyCron } from "../domain/delivery/week.js";
import { reportJobId, type DeliveryJob } from "./delivery-worker.js";

/**
 * When reports and sweeps run (issue 12), per installation, from the org config: `delivery.schedule` (weekday, time,
 * IANA zone; default Monday 07:00) and `delivery.reconcile` (daily). Two triggers, one contract:
 * - in-process (one instance): croner timers in this process; a run missed while the process was down is caught up
 *   once at start-up, decided from the week of the newest report Converge posted (read from GitHub: no database);
 * - BullMQ (REDIS_URL): a repeatable job per installation (`upsertJobScheduler`, idempotent across instances).
 * Either way a trigger only enqueues; the job id `report-<installation>-<ISO week>` makes the week's report one job
 * however many instances, timers and catch-ups ask for it.
 */

export interface Installation {
  id: number;
  org: string;
}

export type TickKind = "report" | "sweep";

export interface SchedulerDeps {
  installations: () => Promise<Installation[]>;
  /** The org-wide config of an installation; undefined when unreadable or invalid (logged by the caller). */
  config: (installation: Installation) => Promise<ConvergeConfig | undefined>;
  /** The ISO week of the newest report Converge posted for the installation (GitHub is the record). */
  lastPostedWeek: (installation: Installation, config: ConvergeConfig) => Promise<string | undefined>;
  enqueue: (id: string, job: DeliveryJob) => Promise<boolean>;
  now: () => Date;
  log: { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void };
}

/** How a schedule is kept: croner here, BullMQ's job schedulers in ./bullmq-queue.ts. */
export interface Triggers {
  /** Create or replace the trigger `key`; `fire` runs at each match of `pattern` in `timeZone`. */
  set(key: string, pattern: string, timeZone: string, fire: () => Promise<void>, meta: { installation: Installation; kind: TickKind }): Promise<void>;
  remove(key: string): Promise<void>;
  keys(): Promise<string[]>;
  stop(): Promise<void>;
}

export function weeklyKey(installationId: number): string {
  return `weekly-report:${installationId}`;
}

export function sweepKey(installationId: number): string {
  return `reconcile:${installationId}`;
}

/** A trigger fired: enqueue the week's report (or the day's sweep) under an id that names that week (day). */
export async function tick(deps: Pick<SchedulerDeps, "config" | "enqueue" | "now" | "log">, installation: Installation, kind: TickKind): Promise<boolean> {
  const config = await deps.config(installation);
  if (!config) return false;
  const now = deps.now();
  const zone = config.delivery.schedule.timeZone;
  if (kind === "report") {
    return deps.enqueue(reportJobId(installation.id, isoWeekIn(now, zone)), { kind: "report", installationId: installation.id, org: installation.org });
  }
  const since = new Date(now.getTime() - config.delivery.reconcile.lookbackHours * 3600_000).toISOString();
  return deps.enqueue(`sweep-${installation.id}-${localDay(now, zone)}`, { kind: "sweep", installationId: installation.id, org: installation.org, since });
}

export class Scheduler {
  constructor(
    private readonly deps: SchedulerDeps,
    private readonly triggers: Triggers,
  ) {}

  /** Set every installation's triggers, then catch up runs missed while no instance was running. */
  async start(): Promise<void> {
    const configured = await this.refresh();
    for (const { installation, config } of configured) await this.catchUp(installation, config);
  }

  /** (Re)read installations and configs and make the triggers match; returns the installations with a weekly report. */
  async refresh(): Promise<Array<{ installation: Installation; config: ConvergeConfig }>> {
    const wanted = new Set<string>();
    const configured: Array<{ installation: Installation; config: ConvergeConfig }> = [];
    for (const installation of await this.deps.installations()) {
      const config = await this.deps.config(installation).catch((error: unknown) => {
        this.deps.log.warn({ err: error, org: installation.org }, "could not read the org config; no schedule for this installation");
        return undefined;
      });
      if (!config) continue;
      const { schedule, reconcile, repository } = config.delivery;
      if (schedule.enabled && repository) {
        const key = weeklyKey(installation.id);
        wanted.add(key);
        await this.triggers.set(key, weeklyCron(schedule), schedule.timeZone, () => this.fire(installation, "report"), { installation, kind: "report" });
        configured.push({ installation, config });
      }
      if (reconcile.enabled) {
        const key = sweepKey(installation.id);
        wanted.add(key);
        await this.triggers.set(key, dailyCron(reconcile.time), schedule.timeZone, () => this.fire(installation, "sweep"), { installation, kind: "sweep" });
      }
    }
    for (const key of await this.triggers.keys()) if (!wanted.has(key)) await this.triggers.remove(key);
    this.deps.log.info({ installations: configured.length, triggers: wanted.size }, "delivery schedule refreshed");
    return configured;
  }

  /**
   * The last scheduled run before now is due when no report for its week was posted, and only while that week is
   * still the current one (a report is about its own week; an older week is not re-posted late).
   */
  async catchUp(installation: Installation, config: ConvergeConfig): Promise<boolean> {
    const { schedule } = config.delivery;
    const now = this.deps.now();
    const last = new Cron(weeklyCron(schedule), { timezone: schedule.timeZone, paused: true }).previousRuns(1, now)[0] ?? null;
    const posted = await this.deps.lastPostedWeek(installation, config);
    const due = missedWeek(last, schedule.timeZone, posted);
    if (!due || due !== isoWeekIn(now, schedule.timeZone)) return false;
    this.deps.log.info({ org: installation.org, week: due, lastPostedWeek: posted ?? null }, "catching up a missed weekly report");
    return this.deps.enqueue(reportJobId(installation.id, due), { kind: "report", installationId: installation.id, org: installation.org });
  }

  stop(): Promise<void> {
    return this.triggers.stop();
  }

  private async fire(installation: Installation, kind: TickKind): Promise<void> {
    try {
      await tick(this.deps, installation, kind);
    } catch (error) {
      this.deps.log.warn({ err: error, org: installation.org, kind }, "scheduled trigger could not enqueue its job");
    }
  }
}

/** In-process triggers: one croner timer per key. */
export class CronerTriggers implements Triggers {
  private readonly jobs = new Map<string, { cron: Cron; pattern: string; zone: string }>();

  async set(key: string, pattern: string, timeZone: string, fire: () => Promise<void>): Promise<void> {
    const existing = this.jobs.get(key);
    if (existing && existing.pattern === pattern && existing.zone === timeZone) return;
    existing?.cron.stop();
    // protect: a run still going when the next is due (a stuck GitHub call) is skipped, not doubled.
    const cron = new Cron(pattern, { timezone: timeZone, protect: true, name: key }, () => fire());
    this.jobs.set(key, { cron, pattern, zone: timeZone });
  }

  async remove(key: string): Promise<void> {
    this.jobs.get(key)?.cron.stop();
    this.jobs.delete(key);
  }

  async keys(): Promise<string[]> {
    return [...this.jobs.keys()];
  }

  /** Next run of a key (for logs and tests). */
  nextRun(key: string): Date | null {
    return this.jobs.get(key)?.cron.nextRun() ?? null;
  }

  async stop(): Promise<void> {
    for (const { cron } of this.jobs.values()) cron.stop();
    this.jobs.clear();
  }
}

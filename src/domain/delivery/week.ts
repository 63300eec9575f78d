import { isoWeek } from "../report/format.js";

/**
 * Calendar facts of the weekly delivery, in the office's IANA time zone. A report belongs to the ISO week of its
 * scheduled local day, so a Monday 07:00 Europe/Berlin report is filed under that Monday's week even though it is
 * still Sunday in UTC.
 */

/** The local calendar day (YYYY-MM-DD) of `instant` in `timeZone`. */
export function localDay(instant: Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(instant);
}

/** The ISO week ("2026-W49") `instant` falls in, on the office's calendar. */
export function isoWeekIn(instant: Date, timeZone: string): string {
  return isoWeek(localDay(instant, timeZone));
}

/** ISO week strings ("YYYY-Www", zero-padded) order as text. */
export function compareWeeks(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const WEEK_PATTERN = /^\d{4}-W\d{2}$/;

const CRON_WEEKDAY: Record<string, number> = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };

/** Five-field cron pattern for a weekly run ("0 7 * * 1" = Mondays 07:00); croner and BullMQ both read it. */
export function weeklyCron(schedule: { weekday: string; time: string }): string {
  const [hour, minute] = schedule.time.split(":").map(Number);
  const day = CRON_WEEKDAY[schedule.weekday];
  if (day === undefined || hour === undefined || minute === undefined) throw new Error(`invalid schedule ${schedule.weekday} ${schedule.time}`);
  return `${minute} ${hour} * * ${day}`;
}

/** Five-field cron pattern for a daily run at `time`. */
export function dailyCron(time: string): string {
  const [hour, minute] = time.split(":").map(Number);
  return `${minute} ${hour} * * *`;
}

/**
 * Catch-up decision at start-up: the last scheduled run before `now` is due when no report for its week has been
 * posted yet. `lastPostedWeek` comes from GitHub (the newest report Converge posted), so no database is needed.
 */
export function missedWeek(lastScheduledRun: Date | null, timeZone: string, lastPostedWeek: string | undefined): string | null {
  if (!lastScheduledRun) return null;
  const due = isoWeekIn(lastScheduledRun, timeZone);
  if (lastPostedWeek !== undefined && compareWeeks(lastPostedWeek, due) >= 0) return null;
  return due;
}

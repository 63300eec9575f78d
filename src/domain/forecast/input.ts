import { parseIsoMs } from "../values/dates.js";

/**
 * What the forecast reads from a portfolio snapshot: a structural subset of `PortfolioSnapshot`
 * (src/domain/snapshot/schema.ts), so a parsed snapshot is passed as is and tests can build small inputs by hand.
 * The forecast reads it through its timeline (timeline.ts), always as known at one instant: a forecast "as of" a past
 * week cannot use anything that happened after it (the backtest depends on this).
 */

export interface ForecastStory {
  id: string;
  squad: string;
  openedAt: string;
  closedAt: string | null;
}

export interface ForecastGateEvent {
  gate: string;
  action: "passed" | "reverted";
  at: string;
}

export interface ForecastUseCase {
  id: string;
  title: string;
  /** 1 = highest. */
  priority: number;
  /** Owning squad: unsplit work is estimated for it. */
  squad: string;
  /** Deployment deadline, a calendar day (YYYY-MM-DD), met when deployed by the end of that day (UTC). */
  deadline: string;
  filedAt: string;
  state?: "open" | "closed";
  closedAt?: string | null;
  acceptanceCriteria: readonly string[];
  stories: readonly ForecastStory[];
  splitAt?: string;
  gates: readonly ForecastGateEvent[];
  deployedAt?: string;
}

export interface ForecastInput {
  squads: ReadonlyArray<{ id: string; name: string }>;
  useCases: readonly ForecastUseCase[];
  governance: { pipeline: ReadonlyArray<{ id: string }> };
}

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/** Epoch ms of an ISO date-time; throws on garbage so a bad date never silently becomes NaN arithmetic. */
export function ms(iso: string): number {
  const t = parseIsoMs(iso);
  if (Number.isNaN(t)) throw new RangeError(`not a date: "${iso}"`);
  return t;
}

/** End of a calendar day (UTC): a deadline is met by anything up to and including that day. */
export function endOfDay(day: string): number {
  return ms(`${day}T00:00:00Z`) + DAY_MS - 1;
}

/** The last instant of the (UTC) day that instant t falls in: endOfDay(isoDay(t)) without formatting a date. */
export function endOfDayAt(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS + DAY_MS - 1;
}

export function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export { compareIds } from "../snapshot/id-order.js";

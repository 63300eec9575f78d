import { z } from "zod";
import type { SquadForecast, UseCaseForecast } from "./portfolio.js";

/**
 * Week-on-week: the compact summary a report embeds (hidden) and hands back next week, and the explanation of why a
 * use case's forecast moved: scope added or removed, a squad's throughput changing, a gate passed or slipped back.
 */

export const FORECAST_SUMMARY_VERSION = 1;

export const forecastSummarySchema = z.object({
  version: z.literal(FORECAST_SUMMARY_VERSION),
  asOf: z.string(),
  squads: z.record(z.string(), z.object({ meanThroughput: z.number() })),
  useCases: z.record(
    z.string(),
    z.object({
      pOnTime: z.number(),
      p85Date: z.string().nullable(),
      status: z.string(),
      scopeStories: z.number(),
      remainingStories: z.number(),
      estimated: z.boolean(),
      gatesRemaining: z.array(z.string()),
      squads: z.array(z.string()),
    }),
  ),
});

export type ForecastSummary = z.infer<typeof forecastSummarySchema>;

export function summarizeForecast(asOf: string, squads: SquadForecast[], useCases: UseCaseForecast[]): ForecastSummary {
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  return {
    version: FORECAST_SUMMARY_VERSION,
    asOf,
    squads: Object.fromEntries(squads.map((s) => [s.id, { meanThroughput: round(s.meanThroughput) }])),
    useCases: Object.fromEntries(
      useCases.map((f) => [
        f.id,
        {
          pOnTime: round(f.pOnTime),
          p85Date: f.p85Date,
          status: f.status,
          scopeStories: f.scopeStories,
          remainingStories: f.remainingStories,
          estimated: f.estimated,
          gatesRemaining: [...f.gatesRemaining],
          squads: [...f.squads],
        },
      ]),
    ),
  };
}

/** Read last week's summary from wherever the report kept it; anything unreadable is treated as "no previous". */
export function parseForecastSummary(value: unknown): ForecastSummary | undefined {
  const result = forecastSummarySchema.safeParse(value);
  return result.success ? result.data : undefined;
}

export type MovementDriver = "scope-added" | "scope-removed" | "split" | "throughput-down" | "throughput-up" | "gate-slipped" | "gate-passed" | "time-passed";

export interface ForecastMovement {
  /** pOnTime now − last week (positive = better). */
  pOnTimeDelta: number;
  /** Days the P85 date moved (positive = later); null when either week had no P85 date. */
  p85ShiftDays: number | null;
  previousStatus: string;
  drivers: MovementDriver[];
  /** One short sentence per driver, e.g. "scope +4 stories (12 → 16)". */
  reasons: string[];
}

/** A squad's mean weekly throughput must change by at least this share to be named as a cause. */
const THROUGHPUT_CHANGE = 0.1;

/** Why `now` differs from last week's entry for the same use case; undefined when last week did not have it. */
export function explainMovement(now: UseCaseForecast, previous: ForecastSummary, squads: SquadForecast[]): ForecastMovement | undefined {
  const before = previous.useCases[now.id];
  if (!before) return undefined;
  const drivers: MovementDriver[] = [];
  const reasons: string[] = [];

  if (before.estimated && !now.estimated) {
    drivers.push("split");
    reasons.push(`split into ${now.scopeStories} stories (was an estimate)`);
  } else if (now.scopeStories !== before.scopeStories) {
    const delta = now.scopeStories - before.scopeStories;
    drivers.push(delta > 0 ? "scope-added" : "scope-removed");
    reasons.push(`scope ${delta > 0 ? "+" : "−"}${Math.abs(delta)} ${Math.abs(delta) === 1 ? "story" : "stories"} (${before.scopeStories} → ${now.scopeStories})`);
  }

  // Which way the forecast moved: the P85 date first (later = worse), else P(on time). A throughput change that
  // points the other way cannot be why it moved (throughput up is never the reason a date slipped), so it is not
  // named as a driver; the other causes (scope, gates, the week's progress) are.
  const p85ShiftDays =
    now.p85Date !== null && before.p85Date !== null ? Math.round((Date.parse(now.p85Date) - Date.parse(before.p85Date)) / 86_400_000) : null;
  const pOnTimeDelta = now.pOnTime - before.pOnTime;
  let direction = 0; // > 0 worse, < 0 better
  if (p85ShiftDays !== null && p85ShiftDays !== 0) direction = Math.sign(p85ShiftDays);
  else if (now.p85Date === null && before.p85Date !== null) direction = 1;
  else if (now.p85Date !== null && before.p85Date === null) direction = -1;
  else if (pOnTimeDelta !== 0) direction = pOnTimeDelta < 0 ? 1 : -1;
  const contrary: string[] = [];

  for (const squad of squads.filter((s) => now.squads.includes(s.id) || s.id === now.squad)) {
    const old = previous.squads[squad.id]?.meanThroughput;
    if (old === undefined) continue;
    const change = old === 0 ? (squad.meanThroughput > 0 ? 1 : 0) : (squad.meanThroughput - old) / old;
    if (Math.abs(change) >= THROUGHPUT_CHANGE) {
      const reason = `${squad.name} throughput ${old.toFixed(1)} → ${squad.meanThroughput.toFixed(1)} stories/week`;
      if ((change > 0 && direction > 0) || (change < 0 && direction < 0)) {
        contrary.push(`${squad.name} ${old.toFixed(1)} → ${squad.meanThroughput.toFixed(1)} stories/week`);
        continue;
      }
      drivers.push(change < 0 ? "throughput-down" : "throughput-up");
      reasons.push(reason);
    }
  }

  const slipped = now.gatesRemaining.filter((g) => !before.gatesRemaining.includes(g));
  const passed = before.gatesRemaining.filter((g) => !now.gatesRemaining.includes(g));
  if (slipped.length > 0) {
    drivers.push("gate-slipped");
    reasons.push(`gate${slipped.length > 1 ? "s" : ""} ${slipped.join(", ")} reverted`);
  }
  if (passed.length > 0) {
    drivers.push("gate-passed");
    reasons.push(`gate${passed.length > 1 ? "s" : ""} ${passed.join(", ")} passed`);
  }

  if (drivers.length === 0) {
    const closed = before.remainingStories - now.remainingStories;
    const week = `a week passed with ${closed} ${closed === 1 ? "story" : "stories"} closed`;
    drivers.push("time-passed");
    if (contrary.length === 0) reasons.push(`no change in scope, throughput or gates: ${week}`);
    else if (direction > 0) reasons.push(`no change in scope or gates: ${week}, and higher throughput (${contrary.join(", ")}) did not offset it`);
    else reasons.push(`no change in scope or gates: ${week}, despite lower throughput (${contrary.join(", ")})`);
  }

  return { pOnTimeDelta, p85ShiftDays, previousStatus: before.status, drivers, reasons };
}

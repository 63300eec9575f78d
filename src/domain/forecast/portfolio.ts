import type { z } from "zod";
import { forecastSection, type ForecastConfig } from "../../config/sections/forecast.js";
import { isDeployed, isFiled } from "./history.js";
import { compareIds, DAY_MS, isoDay, ms, type ForecastInput } from "./input.js";
import { timelineOf } from "./timeline.js";
import { explainMovement, summarizeForecast, type ForecastMovement, type ForecastSummary } from "./movement.js";
import { WorkMode, type SquadDrawCache } from "./joint.js";
import { completionDistributions, mean, NO_NOTES, planPortfolio, type SquadForecast } from "./plan.js";

export type { SquadForecast } from "./plan.js";

export type ForecastStatus = "on_track" | "at_risk" | "off_track" | "overdue";

export const STATUS_LABELS: Record<ForecastStatus, string> = {
  on_track: "On track",
  at_risk: "At risk",
  off_track: "Off track",
  overdue: "Overdue",
};


export interface UseCaseForecast {
  id: string;
  title: string;
  priority: number;
  /** Owning squad. */
  squad: string;
  /** Squads with work left on it (a joint simulation when more than one). Shared between use cases: never mutated. */
  squads: readonly string[];
  deadline: string;
  status: ForecastStatus;
  /** P(deployed by the end of the deadline day); 0 when overdue. */
  pOnTime: number;
  /** Weeks from `now` (nearest rank); null when not done within `maxWeeks` at that rank. */
  p50Weeks: number | null;
  p85Weeks: number | null;
  p50Date: string | null;
  p85Date: string | null;
  overdue: boolean;
  /** Open stories known now (0 when not split yet). */
  remainingStories: number;
  /** Mean simulated remaining stories per trial, including estimates and expected scope growth. */
  expectedStories: number;
  /** Stories known now, open and closed: the scope (for "scope added/removed" since last week). */
  scopeStories: number;
  /** Not split into stories yet: remaining work is an estimate from its acceptance criteria. */
  estimated: boolean;
  /** Shared between use cases with the same gates left: never mutated. */
  gatesRemaining: readonly string[];
  /** Mean days the remaining gates add beyond the work. */
  expectedGateDays: number;
  lowConfidence: boolean;
  /** Why confidence is low (empty when it is not; then shared). */
  confidenceNotes: readonly string[];
  /** Short reasons for the forecast, for the at-risk table ("12 stories left at ~3.1/week", "2 gates left"). */
  why: string[];
  /** Change since the previous week's summary, when one was given and had this use case. */
  movement?: ForecastMovement;
}

export interface DeployedUseCase {
  id: string;
  title: string;
  deadline: string;
  deployedAt: string;
  late: boolean;
}

export interface ProgramForecast {
  inFlight: number;
  /** Expected share of in-flight use cases that will miss their deadline (mean of 1 − P(on time)). */
  expectedMissShare: number;
  missTarget: number;
  /** expectedMissShare > missTarget. */
  overTarget: boolean;
  statusCounts: Record<ForecastStatus, number>;
  deployed: number;
  deployedLate: number;
  /** Share of deployed use cases that deployed after their deadline; null when none deployed yet. */
  realizedMissRate: number | null;
}

export interface PortfolioForecast {
  asOf: string;
  seed: string | number;
  trials: number;
  windowWeeks: number;
  squads: SquadForecast[];
  /** In-flight use cases, in the order the report should list them: worst status first, then priority, deadline, id. */
  useCases: UseCaseForecast[];
  deployed: DeployedUseCase[];
  program: ProgramForecast;
  /** Compact per-use-case figures to embed in this week's report and pass back as `previous` next week. */
  summary: ForecastSummary;
}

export interface PortfolioForecastOptions {
  /** The instant the forecast is made (ISO date-time or day). Nothing after it is used. */
  now: string;
  /** The `forecast` config section (parsed or raw; defaults fill the rest). */
  config?: ForecastConfig | z.input<typeof forecastSection>;
  seed?: string | number;
  /** Last week's `summary`, to explain why forecasts moved. */
  previous?: ForecastSummary;
  /**
   * Simulate at most this many weeks (default: `maxWeeks`). Results for weeks up to it are exactly those of the full
   * simulation; anything later counts as "not done within the cap" (null P50/P85, and P(on time) only meaningful for
   * deadlines within it). The backtest sets it: it only scores dates that have passed by its present.
   */
  horizonWeeks?: number;
  /** Squads' draws shared between runs with the same seed (the backtest's replays); results are unchanged. */
  drawCache?: SquadDrawCache;
}

export const DEFAULT_SEED = "converge";



/**
 * Forecast every in-flight use case of a portfolio (issue 4). Pure: (input, now, config, seed) → the same result.
 * See index.ts for the model in one paragraph and ADR 0031 for the choices behind it.
 */
export function forecastPortfolio(snapshot: ForecastInput, options: PortfolioForecastOptions): PortfolioForecast {
  const config = forecastSection.parse(options.config ?? {});
  const seed = options.seed ?? DEFAULT_SEED;
  const now = ms(options.now.length === 10 ? `${options.now}T00:00:00Z` : options.now);
  const maxPeriods = Math.max(1, Math.min(config.maxWeeks, Math.floor(options.horizonWeeks ?? config.maxWeeks)));

  const planned = planPortfolio(snapshot, now, config, seed, maxPeriods);
  const { ids, squads, orgMean, parts, plans, queues } = planned;
  const { partStart, partIds, mode } = planned.model.useCases;
  // Only P50, P85 and P(on time) are read from each distribution below.
  const { distribution: completion, meanWork } = completionDistributions(planned, config, options.drawCache, true);
  const timeline = timelineOf(snapshot);


  // Per use case results.
  for (let j = 0; j < parts.count; j++) squads[parts.squad[j]!]!.openStories += parts.open[j]!;
  // Dates of weeks from now: a few dozen distinct ones for thousands of use cases.
  const dayDates = new Map<number, string>();
  const dayDate = (d: number | null) => {
    if (d === null) return null;
    let day = dayDates.get(d);
    if (day === undefined) dayDates.set(d, (day = isoDay(now + d * DAY_MS)));
    return day;
  };
  const rates: Array<string | undefined> = []; // each squad's "~x.y" throughput text for the reasons, made once
  const squadLists: Array<readonly string[] | undefined> = []; // [squad id], shared by the squad's use cases
  const useCases: UseCaseForecast[] = Array.from({ length: plans.count }, (_, i) => {
    const u = timeline.useCases[plans.index[i]!]!;
    const overdue = plans.overdue[i] === 1;
    const distribution = completion(i);
    const pOnTime = overdue ? 0 : distribution.probabilityByDay(plans.deadlineDay[i]!);
    const p50Days = distribution.percentileDay(0.5);
    const p85Days = distribution.percentileDay(0.85);
    // Squads with work on it, ascending (one part, one squad: most use cases).
    const from = partStart[i]!;
    const to = partStart[i + 1]!;
    let workSquads: number[];
    if (to - from === 1) workSquads = [parts.squad[partIds[from]!]!];
    else {
      const distinct = new Set<number>();
      for (let j = from; j < to; j++) distinct.add(parts.squad[partIds[j]!]!);
      workSquads = [...distinct].sort((a, b) => a - b);
    }
    const gatesLeft = planned.gatesLeft(i);
    const notes = plans.notes[i]!;
    let confidenceNotes: readonly string[] = NO_NOTES; // most use cases have none: no list each
    if (notes.length > 0 || gatesLeft.note !== null || workSquads.some((s) => squads[s]!.lowConfidence)) {
      const lowSquads = workSquads.filter((s) => squads[s]!.lowConfidence);
      confidenceNotes = [...lowSquads.map((s) => squads[s]!.reason as string), ...notes, ...(gatesLeft.note === null ? [] : [gatesLeft.note])];
    }
    const forecast: UseCaseForecast = {
      id: u.id,
      title: u.title,
      priority: u.priority,
      squad: u.squad,
      squads: workSquads.length === 1 ? (squadLists[workSquads[0]!] ??= Object.freeze([ids[workSquads[0]!]!])) : workSquads.map((s) => ids[s]!),
      deadline: u.deadline,
      status: overdue ? "overdue" : statusFor(pOnTime, config),
      pOnTime,
      p50Weeks: p50Days === null ? null : p50Days / 7,
      p85Weeks: p85Days === null ? null : p85Days / 7,
      p50Date: dayDate(p50Days),
      p85Date: dayDate(p85Days),
      overdue,
      remainingStories: plans.openStories[i]!,
      expectedStories: meanWork[i]!,
      scopeStories: plans.scopeStories[i]!,
      estimated: mode[i] === WorkMode.Estimated,
      gatesRemaining: gatesLeft.gates,
      expectedGateDays: gatesLeft.gateTime.mean,
      lowConfidence: confidenceNotes.length > 0,
      confidenceNotes,
      why: [],
    };
    forecast.why = explainForecast(forecast, i, u.acceptanceCriteria.length, workSquads);
    return forecast;
  });

  function explainForecast(f: UseCaseForecast, plan: number, criteria: number, workSquads: number[]): string[] {
    const why: string[] = [];
    if (f.estimated) why.push(`not split yet: ~${Math.round(f.expectedStories)} stories estimated from ${criteria} acceptance criteria`);
    else if (f.remainingStories > 0 || f.expectedStories > 0) {
      const growthShare = f.expectedStories - f.remainingStories;
      why.push(`${f.remainingStories} ${plural(f.remainingStories, "story", "stories")} left${growthShare >= 0.5 ? ` (+~${Math.round(growthShare)} expected scope growth)` : ""}`);
    }
    for (const s of workSquads) {
      const squad = squads[s]!;
      const queue = queues[s]!;
      // The work the queue puts first: open stories of split use cases, and the expected stories of use cases not
      // split yet (they have none open, but the simulation works their estimate first all the same).
      let ahead = 0;
      let estimatedAhead = 0;
      for (const p of queue) {
        const before = parts.plan[p]!;
        if (before === plan) break;
        if (mode[before] === WorkMode.Estimated) estimatedAhead += meanWork[before]!;
        else ahead += parts.open[p]!;
      }
      const rate = (rates[s] ??= squad.lowConfidence ? `org-wide ~${orgMean.toFixed(1)}` : `~${squad.meanThroughput.toFixed(1)}`);
      why.push(`${squad.name}: ${rate} stories/week${queueAhead(ahead, Math.round(estimatedAhead))}`);
    }
    if (f.gatesRemaining.length > 0) {
      why.push(`${f.gatesRemaining.length} ${plural(f.gatesRemaining.length, "gate", "gates")} left (${f.gatesRemaining.join(", ")}, ~${Math.round(f.expectedGateDays)} days beyond the work)`);
    }
    if (workSquads.length > 1) why.push(`needs ${workSquads.length} squads to finish (joint forecast)`);
    // Kept for the whole report (thousands of use cases): each reason flattened (V8 keeps a template literal as a
    // tree of its pieces until its characters are first read; flat, the reasons take less than half the memory)
    // and the list at its exact size (one grown by push keeps room for 17).
    for (let k = 0; k < why.length; k++) why[k]!.charCodeAt(0);
    return why.slice();
  }

  const deployed: DeployedUseCase[] = [];
  for (const i of timeline.byId) {
    if (!isFiled(timeline, i, now) || !isDeployed(timeline, i, now)) continue;
    const u = timeline.useCases[i]!;
    deployed.push({ id: u.id, title: u.title, deadline: u.deadline, deployedAt: u.deployedAt as string, late: timeline.deployed[i]! > timeline.deadlineEnd[i]! });
  }

  const statusCounts: Record<ForecastStatus, number> = { on_track: 0, at_risk: 0, off_track: 0, overdue: 0 };
  for (const f of useCases) statusCounts[f.status]++;
  const expectedMissShare = useCases.length === 0 ? 0 : mean(useCases.map((f) => 1 - f.pOnTime));
  const deployedLate = deployed.filter((d) => d.late).length;
  const program: ProgramForecast = {
    inFlight: useCases.length,
    expectedMissShare,
    missTarget: config.missTarget,
    overTarget: expectedMissShare > config.missTarget,
    statusCounts,
    deployed: deployed.length,
    deployedLate,
    realizedMissRate: deployed.length === 0 ? null : deployedLate / deployed.length,
  };

  const inIdOrder = useCases.slice(); // the summary lists use cases in id order (sorted for the report below)
  if (options.previous) {
    for (const f of useCases) {
      const movement = explainMovement(f, options.previous, squads);
      if (movement) f.movement = movement;
    }
  }

  const severity: Record<ForecastStatus, number> = { overdue: 0, off_track: 1, at_risk: 2, on_track: 3 };
  // Then by id: the list is in id order already and the sort is stable, so ties keep it (no id comparisons).
  useCases.sort((a, b) => severity[a.status] - severity[b.status] || a.priority - b.priority || compareIds(a.deadline, b.deadline));

  const result = { asOf: isoDateTime(now), seed, trials: config.trials, windowWeeks: config.throughputWindowWeeks, squads, useCases, deployed, program } as PortfolioForecast;
  // Made when first read: the weekly report keeps its own summary and never reads this one (7,000 entries of garbage).
  let summary: ForecastSummary | undefined;
  Object.defineProperty(result, "summary", { enumerable: true, get: () => (summary ??= summarizeForecast(result.asOf, squads, inIdOrder)) });
  return result;
}

export function statusFor(pOnTime: number, config: Pick<ForecastConfig, "onTrackProbability" | "atRiskProbability">): ForecastStatus {
  if (pOnTime >= config.onTrackProbability) return "on_track";
  if (pOnTime >= config.atRiskProbability) return "at_risk";
  return "off_track";
}

/**
 * ", 8 higher-priority stories first" for the reasons; with use cases not split yet ahead, their estimate counts too
 * and says so (", ~23 higher-priority stories first (~15 not split yet)"), or the forecast would
 * sit weeks beyond what the visible queue explains. "" when nothing is ahead.
 */
function queueAhead(open: number, estimated: number): string {
  if (estimated === 0) return open > 0 ? `, ${open} higher-priority ${plural(open, "story", "stories")} first` : "";
  const total = open + estimated;
  const share = open === 0 ? "estimated: not split yet" : `~${estimated} not split yet`;
  return `, ~${total} higher-priority ${plural(total, "story", "stories")} first (${share})`;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

function isoDateTime(t: number): string {
  return new Date(t).toISOString();
}

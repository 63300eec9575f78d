import type { z } from "zod";
import { forecastSection, type ForecastConfig } from "../../config/sections/forecast.js";
import { isCancelled, isDeployed } from "./history.js";
import { DAY_MS, endOfDayAt, ms, WEEK_MS, type ForecastInput } from "./input.js";
import { timelineOf } from "./timeline.js";
import { SquadDrawCache } from "./joint.js";
import { completionDistributions, planPortfolio } from "./plan.js";
import { DEFAULT_SEED } from "./portfolio.js";

/**
 * Backtest (issue 4): replay the forecast as of each of the last `backtestWeeks` weeks — each replay sees only what
 * was known then (`forecastPortfolio` cuts its input at its `now`) — and score it against what happened by `now`.
 *
 * - Coverage at P50, P70, P85 and P95: share of forecasts whose use case deployed by that percentile's date. A
 *   well-calibrated Pq date holds q of the time (ADR 0038).
 * - Brier score of P(on time): mean of (p − outcome)², outcome 1 when deployed by the deadline. Compared with the
 *   forecaster that always says the sample's base rate (the usual Brier skill reference): skill = 1 − ours / theirs.
 *
 * Only forecasts whose date has passed by now count (the deadline for the Brier score, the P85 date for coverage), so
 * early successes are not scored before late failures could be (right-censoring). Forecasts made when the use case
 * was already overdue are left out of the Brier score (their outcome was known).
 * The same use case is scored once per replayed week, so scores lean towards long-running use cases (ADR 0032).
 */

export interface WeekCalibration {
  asOf: string;
  inFlight: number;
  /** Forecasts whose deadline has passed by now (so their outcome is known either way). */
  resolved: number;
  brier: number | null;
  p85Resolved: number;
  p85Covered: number;
}

/** The percentiles whose dates the backtest scores (the report's P50 and P85, and two around them). */
export const SCORED_PERCENTILES = [0.5, 0.7, 0.85, 0.95] as const;

/**
 * How often a percentile's date held: forecasts whose Pq date has passed by now, and how many deployed by it; the
 * distinct use cases behind them, and a 95% interval for the coverage (see coverageInterval).
 */
export interface PercentileCoverage {
  percentile: number;
  resolved: number;
  covered: number;
  coverage: number | null;
  /** Distinct use cases among the resolved forecasts (one use case is scored once per replayed week). */
  useCases: number;
  /** 95% interval of the coverage, one observation per use case (null when nothing resolved). */
  interval: CoverageInterval | null;
}

export interface CoverageInterval {
  low: number;
  high: number;
}

/**
 * A 95% interval for a coverage share (ADR 0133): the Wilson score interval with one observation per distinct use case.
 * A use case's weekly forecasts share one outcome (its deployment date) and mostly one history, so they are far from
 * independent: counting each as an observation would claim a precision the backtest does not have (on the bundled
 * sample, 33 scored P85 dates come from 7 use cases). Counting each use case once is the cautious end (as if its
 * forecasts were fully correlated); the share itself is still over all forecasts. Wilson rather than the normal
 * approximation: it stays inside [0, 1] and is not empty at 0% or 100%, which small portfolios reach.
 */
export function coverageInterval(coverage: number, useCases: number): CoverageInterval | null {
  if (useCases <= 0 || !(coverage >= 0 && coverage <= 1)) return null;
  const z = 1.959963984540054;
  const n = useCases;
  const z2 = z * z;
  const centre = (coverage + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((coverage * (1 - coverage)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Whether the interval tells a miscalibration apart from sampling noise: "too cautious" holds more often than q. */
export function coverageVerdict(q: PercentileCoverage): "calibrated" | "too cautious" | "too optimistic" | null {
  if (q.interval === null) return null;
  if (q.interval.low > q.percentile) return "too cautious";
  if (q.interval.high < q.percentile) return "too optimistic";
  return "calibrated";
}

/**
 * One bin of the reliability diagram of P(on time): the resolved forecasts whose P(on time) fell in [from, to) (the
 * last bin includes 1), their mean forecast and the share that was on time. Calibrated: observed ≈ meanForecast.
 */
export interface ReliabilityBin {
  from: number;
  to: number;
  forecasts: number;
  meanForecast: number | null;
  observed: number | null;
}

/** Bins of the reliability diagram: five of width 0.2 (a few dozen forecasts per bin on a small portfolio). */
export const RELIABILITY_BINS = 5;

export interface Calibration {
  asOf: string;
  weeks: number;
  /** Weeks between replays (1: every week). */
  everyWeeks: number;
  /** Forecasts (use case × replayed week) whose deadline has passed by now. */
  resolved: number;
  brier: number | null;
  /** Share of resolved forecasts that were on time: the reference forecaster always says this. */
  baseRate: number | null;
  baseBrier: number | null;
  /** 1 − brier / baseBrier: > 0 beats the base rate; null when either is missing or the base rate is 0 or 1. */
  skill: number | null;
  p85: { resolved: number; covered: number; coverage: number | null };
  /** Coverage of each of SCORED_PERCENTILES (P85's is `p85` again). */
  coverage: PercentileCoverage[];
  reliability: ReliabilityBin[];
  perWeek: WeekCalibration[];
}

export interface BacktestOptions {
  /** The present: outcomes are read as of this instant; replays are 1…weeks weeks before it. */
  now: string;
  config?: ForecastConfig | z.input<typeof forecastSection>;
  seed?: string | number;
}

export function backtestPortfolio(snapshot: ForecastInput, options: BacktestOptions): Calibration {
  const config = forecastSection.parse(options.config ?? {});
  const now = ms(options.now.length === 10 ? `${options.now}T00:00:00Z` : options.now);
  // Outcomes as known now (the replays read the same timeline, each only up to its own instant).
  const timeline = timelineOf(snapshot);
  // Every scored P(on time) and its outcome (1 on time, 0 late), as two lists of numbers (no object each).
  const scoredP: number[] = [];
  const scoredOnTime: number[] = [];
  const perWeek: WeekCalibration[] = [];
  const qResolved = new Int32Array(SCORED_PERCENTILES.length);
  const qCovered = new Int32Array(SCORED_PERCENTILES.length);
  // Per percentile, the timeline indices of the use cases scored (to count them once each).
  const qUseCases = SCORED_PERCENTILES.map(() => new Set<number>());
  const lowest = SCORED_PERCENTILES[0];

  // Every replay draws the same squad streams (same seeds): generated once, read back by the others.
  const drawCache = new SquadDrawCache();
  const replayConfig = { ...config, trials: config.backtestTrials };
  const seed = options.seed ?? DEFAULT_SEED;
  for (let k = config.backtestWeeks; k >= 1; k -= config.backtestEveryWeeks) {
    const then = new Date(now - k * WEEK_MS).toISOString();
    // Only dates that have passed by now are scored: a deadline or P85 date at most k weeks after `then`. Weeks
    // beyond k cannot change any scored figure (a trial's draws up to week k do not depend on later ones), so the
    // replay simulates k weeks only; a P85 beyond them comes back null, and would not have been scored either.
    // Only the scored figures are computed (no reasons, summaries or report ordering): the plan and each use case's
    // completion distribution, exactly as forecastPortfolio computes them.
    const replayAt = ms(then);
    const planned = planPortfolio(snapshot, replayAt, replayConfig, seed, Math.max(1, Math.min(config.maxWeeks, k)));
    const { distribution, workDoneBy } = completionDistributions(planned, replayConfig, drawCache);
    const plans = planned.plans;
    const week: WeekCalibration = { asOf: then, inFlight: plans.count, resolved: 0, brier: null, p85Resolved: 0, p85Covered: 0 };
    let squared = 0;
    for (let i = 0; i < plans.count; i++) {
      const index = plans.index[i]!;
      if (isCancelled(timeline, index, now)) continue; // no outcome to score
      const deployedAt = isDeployed(timeline, index, now) ? timeline.deployed[index]! : undefined;
      const deadline = timeline.deadlineEnd[index]!;
      const brier = plans.overdue[i] === 0 && deadline <= now;
      // A percentile's date is scored only if it has passed by now, i.e. within the replay's k weeks; completion is
      // never earlier than the work, so a use case whose work is not 50% done by week k (the lowest percentile
      // scored) cannot be scored (its distribution is not built). The margin keeps this on the safe side of the
      // percentile's own rounding.
      if (!brier && workDoneBy(i, k) < lowest * (1 - 1e-6)) continue;
      const d = distribution(i);
      // Scored only once its deadline has passed, whatever happened: scoring early deployments before late ones
      // could be known would bias the sample towards "on time" (right-censoring). Already overdue when forecast:
      // the outcome was known then, so scoring it would flatter the Brier score.
      if (brier) {
        const pOnTime = d.probabilityByDay(plans.deadlineDay[i]!);
        const onTime = deployedAt !== undefined && deployedAt <= deadline;
        scoredP.push(pOnTime);
        scoredOnTime.push(onTime ? 1 : 0);
        squared += (pOnTime - (onTime ? 1 : 0)) ** 2;
        week.resolved++;
      }
      // Likewise each percentile's date is scored once it has passed (null = beyond the simulation's cap: never
      // scored).
      for (let q = 0; q < SCORED_PERCENTILES.length; q++) {
        const days = d.percentileDay(SCORED_PERCENTILES[q]!);
        if (days === null) break; // later percentiles are later still
        const end = endOfDayAt(replayAt + days * DAY_MS);
        if (end > now) break;
        const covered = deployedAt !== undefined && deployedAt <= end;
        qResolved[q]!++;
        qUseCases[q]!.add(index);
        if (covered) qCovered[q]!++;
        if (SCORED_PERCENTILES[q] === 0.85) {
          week.p85Resolved++;
          if (covered) week.p85Covered++;
        }
      }
    }
    week.brier = week.resolved === 0 ? null : squared / week.resolved;
    perWeek.push(week);
  }

  const resolved = scoredP.length;
  let squaredSum = 0;
  let onTimeCount = 0;
  for (let k = 0; k < resolved; k++) {
    squaredSum += (scoredP[k]! - scoredOnTime[k]!) ** 2;
    onTimeCount += scoredOnTime[k]!;
  }
  const brier = resolved === 0 ? null : squaredSum / resolved;
  const baseRate = resolved === 0 ? null : onTimeCount / resolved;
  let baseSquaredSum = 0;
  for (let k = 0; k < resolved && baseRate !== null; k++) baseSquaredSum += (baseRate - scoredOnTime[k]!) ** 2;
  const baseBrier = baseRate === null ? null : baseSquaredSum / resolved;
  const skill = brier === null || baseBrier === null || baseBrier === 0 ? null : 1 - brier / baseBrier;
  const reliability: ReliabilityBin[] = Array.from({ length: RELIABILITY_BINS }, (_, b) => ({ from: b / RELIABILITY_BINS, to: (b + 1) / RELIABILITY_BINS, forecasts: 0, meanForecast: null, observed: null }));
  const binSum = new Float64Array(RELIABILITY_BINS);
  const binOnTime = new Float64Array(RELIABILITY_BINS);
  for (let k = 0; k < resolved; k++) {
    const b = Math.min(RELIABILITY_BINS - 1, Math.floor(scoredP[k]! * RELIABILITY_BINS));
    reliability[b]!.forecasts++;
    binSum[b] = binSum[b]! + scoredP[k]!;
    binOnTime[b] = binOnTime[b]! + scoredOnTime[k]!;
  }
  for (let b = 0; b < RELIABILITY_BINS; b++) {
    const bin = reliability[b]!;
    if (bin.forecasts === 0) continue;
    bin.meanForecast = binSum[b]! / bin.forecasts;
    bin.observed = binOnTime[b]! / bin.forecasts;
  }
  const coverage: PercentileCoverage[] = SCORED_PERCENTILES.map((percentile, q) => percentileCoverage(percentile, qResolved[q]!, qCovered[q]!, qUseCases[q]!.size));
  return {
    asOf: new Date(now).toISOString(),
    weeks: config.backtestWeeks,
    everyWeeks: config.backtestEveryWeeks,
    resolved,
    brier,
    baseRate,
    baseBrier,
    skill,
    p85: p85Of(coverage),
    coverage,
    reliability,
    perWeek,
  };
}

/** The P85 row of the coverage, as `Calibration.p85` repeats it. */
function p85Of(coverage: readonly PercentileCoverage[]): Calibration["p85"] {
  const q = coverage.find((x) => x.percentile === 0.85) ?? { resolved: 0, covered: 0, coverage: null };
  return { resolved: q.resolved, covered: q.covered, coverage: q.coverage };
}

function percentileCoverage(percentile: number, resolved: number, covered: number, useCases: number): PercentileCoverage {
  const coverage = resolved === 0 ? null : covered / resolved;
  return { percentile, resolved, covered, coverage, useCases, interval: coverage === null ? null : coverageInterval(coverage, useCases) };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
/** "57–99%" */
const range = (i: CoverageInterval) => `${Math.round(i.low * 100)}–${Math.round(i.high * 100)}%`;

/** "12 weeks", "1 week", "12 weeks (a forecast replayed every 2 weeks)" (the stride only when it skipped weeks). */
function span(c: Calibration): string {
  const weeks = c.weeks === 1 ? "1 week" : `${c.weeks} weeks`;
  return c.everyWeeks > 1 && c.weeks > c.everyWeeks ? `${weeks} (a forecast replayed every ${c.everyWeeks} weeks)` : weeks;
}

/** The one calibration line the weekly report prints. */
export function calibrationLine(c: Calibration): string {
  if (c.resolved === 0 && c.p85.resolved === 0) {
    return `Backtest over the last ${span(c)}: no forecast has resolved yet (nothing deployed or past its deadline), so calibration is unknown.`;
  }
  const parts: string[] = [];
  const p85 = c.coverage.find((q) => q.percentile === 0.85);
  if (c.p85.coverage !== null) {
    const verdict = p85 === undefined ? null : coverageVerdict(p85);
    const evidence =
      p85 === undefined || p85.interval === null
        ? "well calibrated: about 85%"
        : `from ${p85.useCases} use case${p85.useCases === 1 ? "" : "s"}, 95% interval ${range(p85.interval)}: ${verdict === "calibrated" ? "consistent with 85%" : `${verdict}, well calibrated is about 85%`}`;
    parts.push(`the P85 date held for ${pct(c.p85.coverage)} of ${c.p85.resolved} resolved forecasts (${evidence})`);
  }
  if (c.baseRate === 0 || c.baseRate === 1) {
    parts.push(`all ${c.resolved} resolved forecasts were ${c.baseRate === 1 ? "on time" : "late"}, so the Brier score (${c.brier?.toFixed(3)}) has no base rate to beat`);
  } else if (c.brier !== null && c.baseBrier !== null && c.baseRate !== null) {
    const skill = c.skill === null ? "" : `, skill ${c.skill >= 0 ? "+" : "−"}${pct(Math.abs(c.skill))}`;
    parts.push(`Brier score of P(on time) ${c.brier.toFixed(3)} vs ${c.baseBrier.toFixed(3)} for always saying the ${pct(c.baseRate)} base rate (lower is better${skill})`);
  }
  return `Backtest over the last ${span(c)}: ${parts.join("; ")}.`;
}

/**
 * The backtest as a plain-text table (the CLI's output): coverage per percentile against its target, then the Brier
 * score of P(on time) against the base rate, and the reliability bins. Figures in whole percent, Brier to 3 decimals.
 */
export function calibrationTable(c: Calibration): string {
  const lines = [`Backtest over the last ${span(c)}, as of ${c.asOf.slice(0, 10)}`, ""];
  const cell = (x: number | null) => (x === null ? "–" : pct(x));
  lines.push("percentile  target  held   resolved  covered  use cases  95% interval  verdict");
  for (const q of c.coverage) {
    const interval = q.interval === null ? "–" : range(q.interval);
    lines.push(
      `P${String(Math.round(q.percentile * 100)).padEnd(10)}${pct(q.percentile).padEnd(8)}${cell(q.coverage).padEnd(7)}${String(q.resolved).padEnd(10)}${String(q.covered).padEnd(9)}${String(q.useCases).padEnd(11)}${interval.padEnd(14)}${coverageVerdict(q) ?? "–"}`,
    );
  }
  lines.push("(95% interval: Wilson, one observation per use case, as its weekly forecasts share one outcome)");
  lines.push("");
  if (c.brier === null || c.baseBrier === null || c.baseRate === null) lines.push("Brier score of P(on time): no forecast whose deadline has passed yet.");
  else {
    const skill = c.skill === null ? "no skill claimed (every outcome the same)" : `skill ${c.skill >= 0 ? "+" : "−"}${Math.abs(c.skill).toFixed(2)}`;
    lines.push(`Brier score of P(on time) ${c.brier.toFixed(3)} over ${c.resolved} forecasts vs ${c.baseBrier.toFixed(3)} for the ${pct(c.baseRate)} base rate: ${skill}`);
  }
  lines.push("", "P(on time)  forecasts  mean forecast  on time");
  for (const b of c.reliability) {
    const label = `${Math.round(b.from * 100)}–${Math.round(b.to * 100)}%`;
    lines.push(`${label.padEnd(12)}${String(b.forecasts).padEnd(11)}${cell(b.meanForecast).padEnd(15)}${cell(b.observed)}`);
  }
  return lines.join("\n");
}

/**
 * Several backtests as one (issue 13: a generated portfolio is one realisation of its process, so calibration is read
 * over several seeds): counts added up, the Brier score averaged over all resolved forecasts, and each portfolio's
 * forecasts compared with that portfolio's own base rate (the stricter reference: a pooled base rate would also
 * credit the forecast for telling the portfolios apart). Per-week rows are left out.
 */
export function poolCalibrations(calibrations: readonly Calibration[]): Calibration {
  if (calibrations.length === 0) throw new RangeError("poolCalibrations: nothing to pool");
  const first = calibrations[0]!;
  let resolved = 0;
  let squared = 0;
  let baseSquared = 0;
  let onTime = 0;
  for (const c of calibrations) {
    if (c.resolved === 0 || c.brier === null || c.baseBrier === null || c.baseRate === null) continue;
    resolved += c.resolved;
    squared += c.brier * c.resolved;
    baseSquared += c.baseBrier * c.resolved;
    onTime += c.baseRate * c.resolved;
  }
  // The portfolios' use cases are distinct: their counts add up.
  const coverage = first.coverage.map((q, k) => {
    let r = 0;
    let covered = 0;
    let useCases = 0;
    for (const c of calibrations) {
      r += c.coverage[k]!.resolved;
      covered += c.coverage[k]!.covered;
      useCases += c.coverage[k]!.useCases;
    }
    return percentileCoverage(q.percentile, r, covered, useCases);
  });
  const reliability = first.reliability.map((b, k) => {
    let forecasts = 0;
    let forecastSum = 0;
    let observedSum = 0;
    for (const c of calibrations) {
      const x = c.reliability[k]!;
      if (x.forecasts === 0) continue;
      forecasts += x.forecasts;
      forecastSum += x.meanForecast! * x.forecasts;
      observedSum += x.observed! * x.forecasts;
    }
    return { from: b.from, to: b.to, forecasts, meanForecast: forecasts === 0 ? null : forecastSum / forecasts, observed: forecasts === 0 ? null : observedSum / forecasts };
  });
  const brier = resolved === 0 ? null : squared / resolved;
  const baseBrier = resolved === 0 ? null : baseSquared / resolved;
  return {
    asOf: first.asOf,
    weeks: first.weeks,
    everyWeeks: first.everyWeeks,
    resolved,
    brier,
    baseRate: resolved === 0 ? null : onTime / resolved,
    baseBrier,
    skill: brier === null || baseBrier === null || baseBrier === 0 ? null : 1 - brier / baseBrier,
    p85: p85Of(coverage),
    coverage,
    reliability,
    perWeek: [],
  };
}

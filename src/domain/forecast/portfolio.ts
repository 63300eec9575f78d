import type { z } from "zod";
import { forecastSection, type ForecastConfig } from "../../config/sections/forecast.js";
import { deriveSeed } from "../random.js";
import { PeriodDistribution } from "./distribution.js";
import {
  gateOverheadDays,
  growthFactors,
  initialStories,
  isDeployed,
  isInFlight,
  remainingGates,
  squadIds,
  storiesPerCriterion,
  weeklyThroughput,
} from "./history.js";
import { asOf, compareIds, endOfDay, isoDay, ms, WEEK_MS, type CutViews, type ForecastInput, type ForecastUseCase } from "./input.js";
import { explainMovement, summarizeForecast, type ForecastMovement, type ForecastSummary } from "./movement.js";
import { simulateJoint, WorkMode, type JointPart, type SquadDrawCache } from "./joint.js";
import { ThroughputSampler } from "./simulate.js";
import { SumOfDraws } from "./sum-of-draws.js";
import { exactCounts, forecastExactly } from "./exact.js";

export type ForecastStatus = "on_track" | "at_risk" | "off_track" | "overdue";

export const STATUS_LABELS: Record<ForecastStatus, string> = {
  on_track: "On track",
  at_risk: "At risk",
  off_track: "Off track",
  overdue: "Overdue",
};

export interface SquadForecast {
  id: string;
  name: string;
  /** Stories closed per week over the window, oldest first, zero weeks included. */
  weeklyThroughput: number[];
  nonZeroWeeks: number;
  meanThroughput: number;
  /** Open stories (known, not estimated) across its in-flight use cases. */
  openStories: number;
  /** Fewer non-zero weeks than `minNonZeroWeeks`: this squad's trials draw from the org-wide distribution. */
  lowConfidence: boolean;
  reason?: string;
}

export interface UseCaseForecast {
  id: string;
  title: string;
  priority: number;
  /** Owning squad. */
  squad: string;
  /** Squads with work left on it (a joint simulation when more than one). */
  squads: string[];
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
  gatesRemaining: string[];
  /** Mean days the remaining gates add beyond the work. */
  expectedGateDays: number;
  lowConfidence: boolean;
  /** Why confidence is low (empty when it is not). */
  confidenceNotes: string[];
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
  /** Input views shared with other cuts of the same snapshot (the backtest's replays), see `CutViews`. */
  cutViews?: CutViews;
}

export const DEFAULT_SEED = "converge";

/** Below this many samples a squad's own stories-per-criterion history is too thin; the org-wide one is used. */
const MIN_OWN_RATIO_SAMPLES = 3;

/** One squad's part of one use case: the open stories it holds and the scope it started with. */
interface Part extends JointPart {
  useCase: number;
}

/** What a use case needs drawn in each trial, prepared once. */
interface Plan {
  useCase: ForecastUseCase;
  parts: number[];
  /** Not split: the owning squad's part is estimated from `criteria` × stories per criterion. */
  estimated: boolean;
  criteria: number;
  ratios: Float64Array;
  /** Gates left (pipeline order), and the days they add: the convolution of their histories (shared by plans). */
  gates: string[];
  gateTime: SumOfDraws;
  deadlinePeriod: number;
  overdue: boolean;
  notes: string[];
}

/**
 * Forecast every in-flight use case of a portfolio (issue 4). Pure: (input, now, config, seed) → the same result.
 * See index.ts for the model in one paragraph and ADR 0031 for the choices behind it.
 */
export function forecastPortfolio(snapshot: ForecastInput, options: PortfolioForecastOptions): PortfolioForecast {
  const config = forecastSection.parse(options.config ?? {});
  const seed = options.seed ?? DEFAULT_SEED;
  const now = ms(options.now.length === 10 ? `${options.now}T00:00:00Z` : options.now);
  const input = asOf(snapshot, now, options.cutViews);
  const maxPeriods = Math.max(1, Math.min(config.maxWeeks, Math.floor(options.horizonWeeks ?? config.maxWeeks)));
  const pipeline = input.governance.pipeline;

  // Squads: own throughput, or the org-wide pool when the squad's history is too thin (flagged, never hidden).
  const ids = squadIds(input);
  const squadIndex = new Map(ids.map((id, i) => [id, i]));
  const names = new Map(input.squads.map((s) => [s.id, s.name]));
  const weekly = weeklyThroughput(input, now, config.throughputWindowWeeks);
  const pooled = ids.flatMap((id) => weekly.get(id) ?? []);
  const orgSampler = new ThroughputSampler(pooled.length > 0 ? pooled : [0]);
  const orgMean = mean(orgSampler.values);
  const squads: SquadForecast[] = ids.map((id) => {
    const history = weekly.get(id) ?? [];
    const nonZeroWeeks = history.filter((v) => v > 0).length;
    const lowConfidence = nonZeroWeeks < config.minNonZeroWeeks;
    const squad: SquadForecast = {
      id,
      name: names.get(id) ?? id,
      weeklyThroughput: history,
      nonZeroWeeks,
      meanThroughput: mean(history),
      openStories: 0,
      lowConfidence,
    };
    if (lowConfidence) {
      squad.reason = `${squad.name} closed stories in only ${nonZeroWeeks} of the last ${config.throughputWindowWeeks} weeks (fewer than ${config.minNonZeroWeeks}): using the org-wide throughput distribution`;
    }
    return squad;
  });
  const samplers = squads.map((s) => (s.lowConfidence ? orgSampler : new ThroughputSampler(s.weeklyThroughput)));

  // History the draws come from.
  // Sample arrays are built once and shared by every plan that draws from them (never copied per use case).
  const ratios = storiesPerCriterion(input);
  const ownRatios = new Map([...ratios.bySquad].map(([id, r]) => [id, Float64Array.from(r)]));
  const orgRatios = Float64Array.from(ratios.org);
  const defaultRatios = Float64Array.of(config.defaultStoriesPerCriterion);
  const growth = Float64Array.from(growthFactors(input));
  const gateDays = new Map([...gateOverheadDays(input)].map(([gate, days]) => [gate, Float64Array.from(days)]));
  const noSamples = new Float64Array(0);
  const gateTimes = new Map<string, SumOfDraws>();
  const gateTimeFor = (gates: string[]): SumOfDraws => {
    const key = JSON.stringify(gates);
    let table = gateTimes.get(key);
    if (!table) gateTimes.set(key, (table = new SumOfDraws(gates.map((g) => gateDays.get(g) ?? noSamples))));
    return table;
  };

  // Parts and plans, use cases in id order (asOf sorted them) so streams never depend on input order.
  const inFlight = input.useCases.filter(isInFlight);
  const parts: Part[] = [];
  const plans: Plan[] = inFlight.map((u, i) => planUseCase(u, i));

  function planUseCase(u: ForecastUseCase, i: number): Plan {
    const notes: string[] = [];
    const owner = squadIndex.get(u.squad) as number;
    const estimated = u.stories.length === 0;
    const partIds: number[] = [];
    let ratioSamples = noSamples;
    if (estimated) {
      const own = ownRatios.get(u.squad) ?? noSamples;
      if (own.length >= MIN_OWN_RATIO_SAMPLES) ratioSamples = own;
      else if (orgRatios.length > 0) ratioSamples = orgRatios;
      else {
        ratioSamples = defaultRatios;
        notes.push(`no deployed use case to learn stories per criterion from: assumed ${config.defaultStoriesPerCriterion}`);
      }
      if (u.acceptanceCriteria.length === 0) notes.push("no acceptance criteria: estimated as if it had one");
      partIds.push(parts.push({ useCase: i, squad: owner, open: 0, initial: 0, current: 0 }) - 1);
    } else {
      for (const id of [...new Set(u.stories.map((s) => s.squad))].sort(compareIds)) {
        const mine = u.stories.filter((s) => s.squad === id);
        const open = mine.filter((s) => s.closedAt === null).length;
        const initial = initialStories(u, id);
        // Scope grows while work is in progress; a part with nothing open is finished and never waits in a queue.
        if (open === 0) continue;
        partIds.push(parts.push({ useCase: i, squad: squadIndex.get(id) as number, open, initial, current: mine.length }) - 1);
      }
    }
    const gates = remainingGates(u, pipeline);
    const gateTime = gateTimeFor(gates);
    const missing = gates.filter((g) => (gateDays.get(g) ?? noSamples).length === 0);
    if (missing.length > 0) notes.push(`no history for gate${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: counted as no extra time`);
    const deadlineEnd = endOfDay(u.deadline);
    return {
      useCase: u,
      parts: partIds,
      estimated,
      criteria: Math.max(1, u.acceptanceCriteria.length),
      ratios: ratioSamples,
      gates,
      gateTime,
      deadlinePeriod: Math.floor((deadlineEnd - now) / WEEK_MS),
      overdue: now > deadlineEnd,
      notes,
    };
  }

  // Each squad's queue: its parts ordered by the use case's priority, then deadline, then id.
  const queues: number[][] = ids.map(() => []);
  for (let p = 0; p < parts.length; p++) queues[parts[p]!.squad]!.push(p);
  const order = (p: number) => plans[parts[p]!.useCase]!.useCase;
  for (const queue of queues) {
    queue.sort((a, b) => {
      const ua = order(a);
      const ub = order(b);
      return ua.priority - ub.priority || compareIds(ua.deadline, ub.deadline) || compareIds(ua.id, ub.id);
    });
  }

  // The work, jointly across squads; gate time is added per use case afterwards (it is independent of the work).
  const model = {
    squads: ids.map((id, s) => ({ seed: deriveSeed(seed, "squad", id), sampler: samplers[s]!, queue: queues[s]! })),
    parts,
    useCases: plans.map((plan) => ({
      seed: deriveSeed(seed, "use-case", plan.useCase.id),
      mode: plan.estimated ? WorkMode.Estimated : growth.length > 0 && plan.parts.length > 0 ? WorkMode.Grows : WorkMode.Fixed,
      parts: plan.parts,
      criteria: plan.criteria,
      ratios: plan.ratios,
    })),
    growth,
    maxPeriods,
  };
  let workCounts: (i: number) => ArrayLike<number>;
  let meanWork: Float64Array;
  if (config.method === "exact") {
    const exact = forecastExactly(model);
    workCounts = (i) => exactCounts(exact.done[i]!, maxPeriods);
    meanWork = exact.meanWork;
  } else {
    const simulated = simulateJoint({ ...model, trials: config.trials, drawCache: options.drawCache });
    workCounts = (i) => simulated.histograms[i]!;
    meanWork = simulated.meanWork;
  }

  // Per use case results.
  for (const part of parts) squads[part.squad]!.openStories += part.open;
  const weekDate = (k: number | null) => (k === null ? null : isoDay(now + k * WEEK_MS));
  const useCases: UseCaseForecast[] = plans.map((plan, i) => {
    const u = plan.useCase;
    // Gate time is independent of the work, so completion = work done ⊕ gate time (an exact convolution).
    const work = workCounts(i) as Uint32Array | Float64Array;
    const distribution = new PeriodDistribution(plan.gateTime.isZero ? work : plan.gateTime.delay(work, maxPeriods), maxPeriods);
    const pOnTime = plan.overdue ? 0 : distribution.probabilityByDeadline(plan.deadlinePeriod);
    const p50Weeks = distribution.percentile(0.5);
    const p85Weeks = distribution.percentile(0.85);
    const workSquads = [...new Set(plan.parts.map((p) => parts[p]!.squad))].sort((a, b) => a - b);
    const lowSquads = workSquads.filter((s) => squads[s]!.lowConfidence);
    const confidenceNotes = [...lowSquads.map((s) => squads[s]!.reason as string), ...plan.notes];
    const gatesRemaining = [...plan.gates];
    const forecast: UseCaseForecast = {
      id: u.id,
      title: u.title,
      priority: u.priority,
      squad: u.squad,
      squads: workSquads.map((s) => ids[s]!),
      deadline: u.deadline,
      status: plan.overdue ? "overdue" : statusFor(pOnTime, config),
      pOnTime,
      p50Weeks,
      p85Weeks,
      p50Date: weekDate(p50Weeks),
      p85Date: weekDate(p85Weeks),
      overdue: plan.overdue,
      remainingStories: u.stories.filter((s) => s.closedAt === null).length,
      expectedStories: meanWork[i]!,
      scopeStories: u.stories.length,
      estimated: plan.estimated,
      gatesRemaining,
      expectedGateDays: plan.gateTime.mean,
      lowConfidence: confidenceNotes.length > 0,
      confidenceNotes,
      why: [],
    };
    forecast.why = explainForecast(forecast, plan, workSquads);
    return forecast;
  });

  function explainForecast(f: UseCaseForecast, plan: Plan, workSquads: number[]): string[] {
    const why: string[] = [];
    if (f.estimated) why.push(`not split yet: ~${Math.round(f.expectedStories)} stories estimated from ${plan.useCase.acceptanceCriteria.length} acceptance criteria`);
    else if (f.remainingStories > 0 || f.expectedStories > 0) {
      const growthShare = f.expectedStories - f.remainingStories;
      why.push(`${f.remainingStories} ${plural(f.remainingStories, "story", "stories")} left${growthShare >= 0.5 ? ` (+~${Math.round(growthShare)} expected scope growth)` : ""}`);
    }
    for (const s of workSquads) {
      const squad = squads[s]!;
      const queue = queues[s]!;
      let ahead = 0;
      for (const p of queue) {
        if (plans[parts[p]!.useCase] === plan) break;
        ahead += parts[p]!.open;
      }
      const rate = squad.lowConfidence ? `org-wide ~${orgMean.toFixed(1)}` : `~${squad.meanThroughput.toFixed(1)}`;
      why.push(`${squad.name}: ${rate} stories/week${ahead > 0 ? `, ${ahead} higher-priority ${plural(ahead, "story", "stories")} first` : ""}`);
    }
    if (f.gatesRemaining.length > 0) {
      why.push(`${f.gatesRemaining.length} ${plural(f.gatesRemaining.length, "gate", "gates")} left (${f.gatesRemaining.join(", ")}, ~${Math.round(f.expectedGateDays)} days beyond the work)`);
    }
    if (workSquads.length > 1) why.push(`needs ${workSquads.length} squads to finish (joint forecast)`);
    return why;
  }

  const deployed: DeployedUseCase[] = input.useCases.filter(isDeployed).map((u) => ({
    id: u.id,
    title: u.title,
    deadline: u.deadline,
    deployedAt: u.deployedAt as string,
    late: ms(u.deployedAt as string) > endOfDay(u.deadline),
  }));

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

  const summary = summarizeForecast(isoDateTime(now), squads, useCases);
  if (options.previous) {
    for (const f of useCases) {
      const movement = explainMovement(f, options.previous, squads);
      if (movement) f.movement = movement;
    }
  }

  const severity: Record<ForecastStatus, number> = { overdue: 0, off_track: 1, at_risk: 2, on_track: 3 };
  useCases.sort((a, b) => severity[a.status] - severity[b.status] || a.priority - b.priority || compareIds(a.deadline, b.deadline) || compareIds(a.id, b.id));

  return { asOf: isoDateTime(now), seed, trials: config.trials, windowWeeks: config.throughputWindowWeeks, squads, useCases, deployed, program, summary };
}

export function statusFor(pOnTime: number, config: Pick<ForecastConfig, "onTrackProbability" | "atRiskProbability">): ForecastStatus {
  if (pOnTime >= config.onTrackProbability) return "on_track";
  if (pOnTime >= config.atRiskProbability) return "at_risk";
  return "off_track";
}

function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

function isoDateTime(t: number): string {
  return new Date(t).toISOString();
}

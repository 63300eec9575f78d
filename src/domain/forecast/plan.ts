import type { ForecastConfig } from "../../config/sections/forecast.js";
import { deriveSeed } from "../random.js";
import { PeriodDistribution } from "./distribution.js";
import { deployedScope, gateElapsedDays, gateTimeSamples, type GateTimeSamples, gatePasses, gatesLeftKey, isInFlight, pipelineLookup, sharesBySquad, SquadShares, squadsKnown, weeklyThroughput } from "./history.js";
import { DAY_MS, WEEK_MS, type ForecastInput } from "./input.js";
import { CompletionDays, gateCdfOf } from "./completion-days.js";
import { timelineOf } from "./timeline.js";
import { simulateJoint, WorkMode, type JointModel, type PartColumns, type SquadDrawCache } from "./joint.js";
import { Float64List, Int32List } from "../number-list.js";
import { ThroughputSampler } from "./simulate.js";
import { SumOfDraws } from "./sum-of-draws.js";
import { forecastExactly, type EarlyStop } from "./exact.js";

/**
 * A portfolio as the forecast sees it at one instant: squads with the throughput they draw from, every in-flight use
 * case's parts (one per squad holding open stories, or one estimated part), each squad's queue, and the history the
 * work and gate time are drawn from. `forecastPortfolio` turns it into the report's figures; the backtest reads only
 * the completion distributions it scores.
 */

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
  reason?: string | undefined;
}

/** Below this many samples a squad's own stories-per-criterion history is too thin; the org-wide one is used. */
const MIN_OWN_RATIO_SAMPLES = 3;

/** Shared empty lists: no history to draw from; nothing lowering confidence. */
export const NO_NOTES: readonly string[] = Object.freeze([]);
const noSamples = new Float64Array(0);
const noParts = new Int32Array(0);

/**
 * The parts: one per squad holding open stories of an in-flight use case, or one estimated part (the queue model's
 * part columns), and the plan each belongs to. A plan's parts are consecutive.
 */
export interface PlanParts extends PartColumns {
  plan: Int32Array;
}

/**
 * The in-flight use cases as the forecast plans them, in id order, a column per field (plan p < count): a backtest
 * plans seven thousand use cases in each of its replays, and an object each was most of what it left for the garbage
 * collector to move. What is drawn for plan p (mode, parts, criteria, ratios) is the queue model's use case p.
 */
export interface Plans {
  count: number;
  /** Its index in the snapshot's list (and the timeline's). */
  index: Int32Array;
  /** Stories known at the forecast's instant: open then, and all of them (the scope). */
  openStories: Int32Array;
  scopeStories: Int32Array;
  /** Whole weeks from the forecast's instant to the end of the deadline day. */
  deadlinePeriod: Float64Array;
  /** Whole days from the forecast's instant to the end of the deadline day (P(on time) is read there: ADR 0130). */
  deadlineDay: Float64Array;
  overdue: Uint8Array;
  /** Why confidence in its work is lower (shared and empty when there is nothing to say); see also GatesLeft.note. */
  notes: ReadonlyArray<readonly string[]>;
}

/**
 * The gates a use case has left (pipeline order), the days they add (the convolution of their histories, shared by
 * plans with the same gates left), and a note when one has no history.
 */
export interface GatesLeft {
  /** Shared by every plan with these gates left (frozen). */
  gates: readonly string[];
  gateTime: SumOfDraws;
  note: string | null;
}

export interface PortfolioPlan {
  /** The instant of the forecast (epoch ms) and the weeks simulated. */
  now: number;
  maxPeriods: number;
  /** Squad ids, sorted; `squads[i]` and `queues[i]` belong to `ids[i]`. */
  ids: string[];
  /** Made when first read. */
  readonly squads: SquadForecast[];
  /** Mean weekly throughput of the org-wide pool (low-confidence squads draw from it). */
  orgMean: number;
  parts: PlanParts;
  /** In-flight use cases in id order. */
  plans: Plans;
  /** Part ids per squad, in the order the squad works them. */
  queues: number[][];
  model: Omit<JointModel, "trials"> & { parts: PlanParts };
  /** Plan p's gates left, made when first asked for (a backtest replay asks only for the use cases it scores). */
  gatesLeft(p: number): GatesLeft;
}

/** Squad id → name, made once per squad list (the backtest plans six times). */
const namesByList = new WeakMap<ForecastInput["squads"], Map<string, string>>();

function squadNames(squads: ForecastInput["squads"]): Map<string, string> {
  let names = namesByList.get(squads);
  if (!names) namesByList.set(squads, (names = new Map(squads.map((s) => [s.id, s.name]))));
  return names;
}

/** Plan the forecast of `input` as known at `now` (nothing after it is read: see timeline.ts). */
export function planPortfolio(input: ForecastInput, now: number, config: ForecastConfig, seed: string | number, maxPeriods: number): PortfolioPlan {
  const t = timelineOf(input);
  const pipeline = input.governance.pipeline;
  const lookup = pipelineLookup(t, pipeline);
  const { slotOf, position } = lookup;

  // Squads: own throughput, or the org-wide pool when the squad's history is too thin (flagged, never hidden).
  const known = squadsKnown(t, now);
  const ids = known.ids;
  const names = squadNames(input.squads);
  const window = config.throughputWindowWeeks;
  // Every squad's weeks end to end (squad s at s × window …): the org-wide pool, and each squad's own history as a
  // view of it. A backtest replay plans thousands of squads: no list or object per squad that it does not read.
  const pooled = weeklyThroughput(t, now, window, known.local, ids.length);
  const orgSampler = new ThroughputSampler(pooled.length > 0 ? pooled : [0]);
  const orgMean = mean(orgSampler.values);
  const nonZeroWeeks = new Int32Array(ids.length);
  const samplers = ids.map((_, s) => {
    const history = pooled.subarray(s * window, (s + 1) * window);
    for (let w = 0; w < window; w++) if (history[w]! > 0) nonZeroWeeks[s]!++;
    return nonZeroWeeks[s]! < config.minNonZeroWeeks ? orgSampler : ThroughputSampler.ofCounts(history, nonZeroWeeks[s]!);
  });
  // The squads as the forecast reports them, made when first read (the backtest's replays never read them).
  let squads: SquadForecast[] | undefined;
  const squadForecasts = (): SquadForecast[] =>
    (squads ??= ids.map((id, s) => {
      const history = Array.from(pooled.subarray(s * window, (s + 1) * window));
      const lowConfidence = nonZeroWeeks[s]! < config.minNonZeroWeeks;
      const name = names.get(id) ?? id;
      return {
        id,
        name,
        weeklyThroughput: history,
        nonZeroWeeks: nonZeroWeeks[s]!,
        meanThroughput: mean(history),
        openStories: 0,
        lowConfidence,
        // Always present (undefined when confident): one object shape for every squad, which keeps the code that
        // reads squads optimised.
        reason: lowConfidence
          ? `${name} closed stories in only ${nonZeroWeeks[s]} of the last ${window} weeks (fewer than ${config.minNonZeroWeeks}): using the org-wide throughput distribution`
          : undefined,
      };
    }));

  // History the draws come from.
  // Sample arrays are built once and shared by every plan that draws from them (never copied per use case).
  const scope = deployedScope(t, now);
  // A squad's own ratios as a typed array, made when an estimated use case of that squad first needs them (most squads
  // have none to estimate, and the backtest plans every squad six times).
  const ownRatios = new Map<number, Float64Array>();
  const ownRatiosOf = (squad: number): Float64Array => {
    let own = ownRatios.get(squad);
    if (!own) ownRatios.set(squad, (own = scope.bySquad.has(squad) ? Float64Array.from(scope.bySquad.get(squad)!) : noSamples));
    return own;
  };
  const orgRatios = Float64Array.from(scope.org);
  const defaultRatios = Float64Array.of(config.defaultStoriesPerCriterion);
  const growth = Float64Array.from(scope.growth);
  let gateDays: GateTimeSamples | null = null; // gate histories as known at now, made with the first gates left
  // Gates left, keyed by which pipeline positions are not passed and whether the work has started (split): use cases
  // with the same key (there are only a few combinations) share their names, gate time (a convolution of the gates'
  // histories) and note.
  const gatesLeftByKey = new Map<string, GatesLeft>();
  const passedAt = new Float64Array(pipeline.length);
  // Which gates are left, as a key: bit g (or character g, for a pipeline too long for the bits) set when the g-th
  // gate is not passed.
  const keyOf = (i: number): number | string => {
    const bits = gatesLeftKey(t, i, now, lookup);
    if (bits >= 0) return bits;
    gatePasses(t, i, now, slotOf, passedAt);
    let key = "";
    for (let g = 0; g < pipeline.length; g++) key += Number.isNaN(passedAt[position[g]!]!) ? "1" : "0";
    return key;
  };
  // The gate it waits on now has been open for a while: its rest is drawn from the spans longer than that (as a list
  // per gate and wait, shared; null when no span was that long). The rest is counted in calendar days of the forecast
  // (ADR 0133): entered x days before the start of now's day, a span s ends on day ⌊s − x⌋ after now's, so the sample
  // kept is s − x − ½ (its rounding is that day), for the spans longer than the wait so far, x + φ days (φ: the part
  // of now's day gone by). x is kept to the half day, so that use cases share their gate time. Counting from the
  // last whole day waited and from the start of now's day, as before, made every waiting gate up to a day and a half
  // longer than it was.
  const dayPart = (now - Math.floor(now / DAY_MS) * DAY_MS) / DAY_MS;
  const residuals = new Map<string, Float64Array | null>();
  const residualOf = (samples: Float64Array, g: number, halfDays: number, estimated: boolean): Float64Array | null => {
    const key = `${estimated ? "e" : "s"}${g}:${halfDays}`;
    let rest = residuals.get(key);
    if (rest === undefined) {
      const entered = halfDays / 2;
      const waited = entered + dayPart;
      const shift = -entered - 0.5;
      let n = 0;
      for (let x = 0; x < samples.length; x++) if (samples[x]! > waited) n++;
      if (n === 0) rest = null;
      else {
        rest = new Float64Array(n);
        for (let x = 0, k = 0; x < samples.length; x++) if (samples[x]! > waited) rest[k++] = samples[x]! + shift;
      }
      residuals.set(key, rest);
    }
    return rest;
  };
  const gatesLeftOf = (i: number, estimated: boolean): GatesLeft => {
    const key = keyOf(i);
    const current = typeof key === "number" ? (key === 0 ? -1 : 31 - Math.clz32(key & -key)) : key.indexOf("1");
    // The gate it is in now: entered this many half days before the start of now's day (negative: today); null: not
    // in it yet (its work is still going).
    const elapsedDays = current < 0 ? -1 : gateElapsedDays(t, i, now, lookup, current, passedAt, estimated);
    const elapsed = elapsedDays < 0 ? null : Math.round((elapsedDays - dayPart) * 2);
    const cacheKey = `${estimated ? "e" : "s"}${key}:${elapsed}`;
    let entry = gatesLeftByKey.get(cacheKey);
    if (!entry) {
      gateDays ??= gateTimeSamples(t, now, lookup);
      // Split: only what lies after the work delays it. Not split: the part before the work too (ADR 0130).
      const days = estimated ? gateDays.outsideWork : gateDays.afterWork;
      const left = pipeline.flatMap((_, g) => ((typeof key === "number" ? key & (1 << g) : key[g] === "1") ? [g] : []));
      const missing = left.filter((g) => days[g]!.length === 0).map((g) => pipeline[g]!.id);
      const notes: string[] = [];
      if (missing.length > 0) notes.push(`no history for gate${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: counted as no extra time`);
      const lists = left.map((g) => days[g]!);
      if (elapsed !== null && current >= 0 && days[current]!.length > 0) {
        const rest = residualOf(days[current]!, current, elapsed, estimated);
        if (rest === null) notes.push(`${pipeline[current]!.id} has been waited on for ${Math.floor(elapsedDays)} days, longer than any past use case: its rest drawn as if it had just started`);
        else lists[0] = rest;
      }
      entry = {
        gates: Object.freeze(left.map((g) => pipeline[g]!.id)),
        gateTime: new SumOfDraws(lists),
        note: notes.length === 0 ? null : notes.join("; "),
      };
      gatesLeftByKey.set(cacheKey, entry);
    }
    return entry;
  };

  // Parts and plans, use cases in id order so streams never depend on input order. Columns: a plan's figures are
  // written at its position (at most one per use case); parts grow as they come.
  const capacity = t.byId.length;
  const plans = {
    count: 0,
    index: new Int32Array(capacity),
    openStories: new Int32Array(capacity),
    scopeStories: new Int32Array(capacity),
    deadlinePeriod: new Float64Array(capacity),
    deadlineDay: new Float64Array(capacity),
    overdue: new Uint8Array(capacity),
    notes: [] as Array<readonly string[]>,
  };
  const seeded = config.method === "monte-carlo";
  const useCases = {
    count: 0,
    // Only the Monte Carlo draws: the exact method needs no seeds (deriving 10,000 of them is measurable, and reading
    // the use case's id is a cache miss each).
    seed: [] as string[],
    mode: new Uint8Array(capacity),
    partStart: new Int32Array(capacity + 1),
    partIds: noParts,
    criteria: new Float64Array(capacity),
    ratios: [] as Float64Array[],
  };
  const partPlan = new Int32List(capacity);
  const partSquad = new Int32List(capacity);
  const partOpen = new Float64List(capacity);
  const partInitial = new Float64List(capacity);
  const partCurrent = new Float64List(capacity);
  const addPart = (p: number, squad: number, open: number, initial: number, current: number) => {
    partPlan.push(p);
    partSquad.push(squad);
    partOpen.push(open);
    partInitial.push(initial);
    partCurrent.push(current);
  };
  const shares = new SquadShares(); // each use case's stories per squad (reused)
  for (let k = 0; k < t.byId.length; k++) {
    const i = t.byId[k]!;
    if (isInFlight(t, i, now)) planUseCase(i, plans.count++);
  }
  useCases.count = plans.count;

  function planUseCase(index: number, p: number): void {
    let notes: string[] | null = null; // most plans have none: no array each
    const owner = t.owner[index]!;
    sharesBySquad(t, index, now, shares);
    const estimated = shares.count === 0;
    let ratioSamples: Float64Array = noSamples;
    let openStories = 0;
    let scopeStories = 0;
    if (estimated) {
      const own = ownRatiosOf(owner);
      if (own.length >= MIN_OWN_RATIO_SAMPLES) ratioSamples = own;
      else if (orgRatios.length > 0) ratioSamples = orgRatios;
      else {
        ratioSamples = defaultRatios;
        (notes ??= []).push(`no deployed use case to learn stories per criterion from: assumed ${config.defaultStoriesPerCriterion}`);
      }
      if (t.criteria[index] === 0) (notes ??= []).push("no acceptance criteria: estimated as if it had one");
      addPart(p, known.local[owner]!, 0, 0, 0);
    } else {
      for (let k = 0; k < shares.count; k++) {
        const open = shares.open[k]!;
        openStories += open;
        scopeStories += shares.current[k]!;
        // Scope grows while work is in progress; a part with nothing open is finished and never waits in a queue.
        if (open === 0) continue;
        addPart(p, known.local[shares.squad[k]!]!, open, shares.initial[k]!, shares.current[k]!);
      }
    }
    const deadlineEnd = t.deadlineEnd[index]!;
    const hasParts = partPlan.length > useCases.partStart[p]!;
    useCases.partStart[p + 1] = partPlan.length;
    if (seeded) useCases.seed.push(deriveSeed(seed, "use-case", t.useCases[index]!.id));
    useCases.mode[p] = estimated ? WorkMode.Estimated : growth.length > 0 && hasParts ? WorkMode.Grows : WorkMode.Fixed;
    useCases.criteria[p] = Math.max(1, t.criteria[index]!);
    useCases.ratios.push(ratioSamples);
    plans.index[p] = index;
    plans.openStories[p] = openStories;
    plans.scopeStories[p] = scopeStories;
    plans.deadlinePeriod[p] = Math.floor((deadlineEnd - now) / WEEK_MS);
    plans.deadlineDay[p] = Math.floor((deadlineEnd - now) / DAY_MS);
    plans.overdue[p] = now > deadlineEnd ? 1 : 0;
    plans.notes.push(notes ?? NO_NOTES);
  }
  // A plan's parts are consecutive: part ids in plan order are 0, 1, 2, …
  const partCount = partPlan.length;
  useCases.partIds = Int32Array.from({ length: partCount }, (_, j) => j);
  const parts: PlanParts = {
    count: partCount,
    plan: partPlan.values,
    squad: partSquad.values,
    open: partOpen.values,
    initial: partInitial.values,
    current: partCurrent.values,
  };

  // Each squad's queue: its parts ordered by the use case's priority, then deadline, then id.
  // (Each queue made at its exact size: a list grown by push keeps room for 17, and there are thousands per replay.)
  const queueLength = new Int32Array(ids.length);
  for (let p = 0; p < parts.count; p++) queueLength[parts.squad[p]!]!++;
  const queues: number[][] = Array.from(queueLength, (n) => new Array<number>(n));
  queueLength.fill(0);
  for (let p = 0; p < parts.count; p++) {
    const s = parts.squad[p]!;
    queues[s]![queueLength[s]!++] = p;
  }
  // From the timeline's arrays (not the use-case objects): deadline days compare as their last instants do, and ids
  // as their ranks in id order (equal ids keep plan order, as a stable sort by id would).
  const byQueueOrder = (a: number, b: number) => {
    const i = plans.index[parts.plan[a]!]!;
    const j = plans.index[parts.plan[b]!]!;
    return t.priority[i]! - t.priority[j]! || t.deadlineEnd[i]! - t.deadlineEnd[j]! || t.rank[i]! - t.rank[j]!;
  };
  for (const queue of queues) {
    if (queue.length <= 32) insertionSort(queue, byQueueOrder);
    else queue.sort(byQueueOrder); // both stable: the same order
  }

  // The work, jointly across squads; gate time is added per use case afterwards (it is independent of the work).
  const model = {
    squads: ids.map((id, s) => ({ seed: seeded ? deriveSeed(seed, "squad", id) : "", sampler: samplers[s]!, queue: queues[s]! })),
    parts,
    useCases,
    growth,
    maxPeriods,
  };
  return {
    now,
    maxPeriods,
    ids,
    get squads() {
      return squadForecasts();
    },
    orgMean,
    parts,
    plans,
    queues,
    model,
    gatesLeft: (p) => gatesLeftOf(plans.index[p]!, useCases.mode[p] === WorkMode.Estimated),
  };
}

/**
 * Each in-flight use case's completion distribution in days (work, then the gate time it has left: independent of the
 * work, so an exact convolution; CompletionDays), by the configured method (ADR 0033), and its expected work. A
 * distribution is read at once: it lives in reused arrays until the next call.
 *
 * `reportedOnly`: the caller reads only P50, P85 and P(done by the deadline) (the forecast). The exact method then
 * stops a use case's work (split across squads too, on the joint probability: exact.ts) as soon as those are known
 * (ADR 0037): not before the week after its deadline's, and once P(work done by t − lag) × P(gate time ≤ 7·lag days) ≥ 0.85, which makes P(done by day 7t) ≥ 0.85 (the gate
 * time only delays). Every weight up to that week is the full computation's, and the lumped tail (week t + 1) lies
 * wholly after day 7t, so every day up to it reads exactly; the distribution's later weeks are lumped (so
 * are `workDoneBy`'s: read only those figures then).
 */
export function completionDistributions(
  plan: PortfolioPlan,
  config: ForecastConfig,
  drawCache?: SquadDrawCache,
  reportedOnly = false,
): {
  distribution: (i: number) => CompletionDays;
  workDoneBy: (i: number, k: number) => number;
  meanWork: Float64Array;
} {
  const { model, maxPeriods } = plan;

  // Work done per period 0…n−1 (trial counts or exact weights) and the share not done within maxPeriods. Both callers
  // read each result at once (a few figures), so the exact weights are written into a reused array: a result is valid
  // until the next call.
  let work: (i: number) => { counts: Uint32Array | Float64Array; unfinished: number };
  let meanWork: Float64Array;
  if (config.method === "exact") {
    const exact = forecastExactly(model, reportedOnly ? earlyStop(plan) : undefined);
    const countsBuffer = new Float64Array(maxPeriods + 2);
    work = (i) => {
      const { length, unfinished } = exact.countsInto(i, countsBuffer);
      return { counts: countsBuffer.subarray(0, length), unfinished };
    };
    meanWork = exact.meanWork;
  } else {
    const simulated = simulateJoint({ ...model, trials: config.trials, drawCache: drawCache });
    work = (i) => {
      const histogram = simulated.histograms[i]!;
      return { counts: histogram.subarray(0, maxPeriods + 1), unfinished: histogram[maxPeriods + 1]! };
    };
    meanWork = simulated.meanWork;
  }

  // Share of the work done by week k (before gate time, which can only make it later).
  const workDoneBy = (i: number, k: number) => {
    const { counts, unfinished } = work(i);
    return new PeriodDistribution(counts, maxPeriods, unfinished).probabilityByDeadline(k);
  };
  // Completion in days: the work's week, spread over its days, plus the gate time left (ADR 0130). Read at once too.
  const distribution = (i: number) => {
    const { counts, unfinished } = work(i);
    return new CompletionDays(counts, unfinished, gateCdfOf(plan.gatesLeft(i).gateTime), 7 * maxPeriods);
  };
  return { distribution, workDoneBy, meanWork };
}

/** When each plan's reported figures are known (see completionDistributions). */
function earlyStop(plan: PortfolioPlan): EarlyStop {
  const count = plan.plans.count;
  const stop: EarlyStop = { from: new Float64Array(count), lag: new Int32Array(count), level: new Float64Array(count) };
  for (let p = 0; p < count; p++) {
    // The gate time stays within `lag` weeks with probability ≥ 0.99: P(done by t) ≥ P(work done by t − lag) × that.
    const { weeks, probability } = plan.gatesLeft(p).gateTime.weeksCovering(0.99);
    stop.lag[p] = weeks;
    stop.level[p] = (P85_MARGIN * 0.85) / probability;
    stop.from[p] = Math.max(1, weeks, plan.plans.deadlinePeriod[p]! + 1); // every day of the deadline's week
  }
  return stop;
}

/**
 * Above 0.85 by far more than the percentile's own rounding (PeriodDistribution allows 1e−9 of the total) and any
 * float error in the weights, so the P85 found from the lumped distribution is the full one's.
 */
const P85_MARGIN = 1 + 1e-6;

/**
 * Stable in-place sort for the short lists a squad's queue is (a handful of parts): Array.prototype.sort allocates a
 * work area on every call, and the backtest sorts every squad's queue in every replay.
 */
function insertionSort<T>(items: T[], compare: (a: T, b: T) => number): void {
  for (let i = 1; i < items.length; i++) {
    const item = items[i]!;
    let j = i - 1;
    while (j >= 0 && compare(items[j]!, item) > 0) {
      items[j + 1] = items[j]!;
      j--;
    }
    items[j + 1] = item;
  }
}

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

import { Float64List } from "../number-list.js";
import { WorkMode, type QueueModel } from "./joint.js";

/**
 * The portfolio forecast computed exactly (ADR 0033): the answer the joint Monte Carlo (joint.ts) converges to as its
 * trials grow, without drawing anything.
 *
 * Why it is exact. In a squad's queue, part j is done in the first week t in which the squad's cumulative throughput
 * S_t covers C_j, the work of every part up to and including j. Throughput is never negative, so S_t only grows and
 * "done by week t" is the event S_t ≥ C_j. S_t (a sum of t independent draws from the past weeks) and C_j (a sum of
 * independent per-part work draws) are independent, so
 *
 *     P(part j done by week t) = Σ_c P(C_j = c) · P(S_t ≥ c)
 *
 * with S_t's distribution built week by week by convolution and C_j's part by part. Squads draw independently and
 * every part draws its own work, so a use case done when all its parts are done (one per squad) has
 * P(done by t) = Π_parts P(part done by t): the joint answer, not the latest of separate forecasts.
 *
 * Cost: per squad, O(weeks × total work × distinct throughput values) plus O(weeks × work support) per part, against
 * the Monte Carlo's trials × squad-weeks draws. Memory: a few arrays per squad, and a short distribution per use case.
 */

/**
 * Mass this close to 1 counts as certain: a part's CDF stops there and the week-by-week convolution ends (the rest is put
 * in the next week). Far below anything reported (P(on time) to 1e−4, percentiles at 0.5 and 0.85).
 */
const CERTAIN = 1 - 1e-9;

/**
 * All the mass on one value (shared: distributions are never mutated): a fixed amount of work, and "done at week 0"
 * for a use case with nothing left.
 */
const CERTAINLY = Float64Array.of(1);

/** The exact engine's answer for every use case of a queue model. */
export interface ExactResult {
  /**
   * Use case i's P(done in exactly week k) for k = 0…n−1 (before gate time); the rest of the mass (1 − Σ) is "not done
   * within maxPeriods" when n = maxPeriods + 1, and "done in week n" otherwise (a tail below 1e−9, or, with an
   * EarlyStop, what was left when its figures were known). Made when first asked for (a backtest replay needs only the
   * use cases it scores).
   */
  doneOf(i: number): Float64Array;
  /**
   * `exactCounts(doneOf(i), maxPeriods)` written into `into` (at least maxPeriods + 2 long): the counts are
   * into[0 … length). Nothing is allocated for a use case with one part (most of them).
   */
  countsInto(i: number, into: Float64Array): { length: number; unfinished: number };
  /** Every use case's `doneOf`. */
  readonly done: Float64Array[];
  /** Per use case: expected work (stories), estimates and growth included. */
  meanWork: Float64Array;
}

/** A discrete distribution on whole numbers: P(X = lo + i) = p[i]. */
interface IntPmf {
  lo: number;
  p: Float64Array;
}

/**
 * When a use case's reported figures are known before its distribution is certain, its part may stop early (the
 * weekly report reads only P50, P85 and P(done by the deadline)). Use case i's part stops at the first week t ≥
 * from[i] with P(done by t − lag[i]) ≥ level[i]; its weights up to t are exactly those of the full computation, the
 * rest goes in week t + 1. A use case with several parts stops on its joint P(done by t − lag): its part in the squad
 * computed last stops, the others run to certainty (forecastExactly); from[i] ≥ lag[i] (Infinity: never early).
 */
export interface EarlyStop {
  from: Float64Array;
  lag: Int32Array;
  level: Float64Array;
}

export function forecastExactly(model: QueueModel, early?: EarlyStop): ExactResult {
  const { squads, parts, useCases, growth, maxPeriods } = model;

  // Each part's work distribution (the Monte Carlo draws one per part per trial from the same lists).
  const tables = new Map<ArrayLike<number>, DistinctSamples>();
  const distinct = (samples: ArrayLike<number>) => {
    // Short lists (a squad's own stories-per-criterion ratios) are made directly, a scan, not cached.
    if (samples.length <= SHORT_LIST) return distinctSamples(samples);
    let table = tables.get(samples);
    if (!table) tables.set(samples, (table = distinctSamples(samples)));
    return table;
  };
  // Growth beyond the open stories depends only on (initial, current): parts share these distributions.
  const growthPmfs = new Map<number, IntPmf>();
  const growthPmf = (initial: number, current: number): IntPmf => {
    const key = initial * 0x10_0000 + current;
    let pmf = growthPmfs.get(key);
    if (!pmf) growthPmfs.set(key, (pmf = mappedPmf(distinct(growth), (f) => Math.max(0, Math.round(initial * f) - current))));
    return pmf;
  };
  // An estimate depends only on the ratios drawn from and the number of criteria.
  const estimates = new Map<ArrayLike<number>, Map<number, IntPmf>>();
  const estimatePmf = (ratios: ArrayLike<number>, criteria: number): IntPmf => {
    let byCriteria = estimates.get(ratios);
    if (!byCriteria) estimates.set(ratios, (byCriteria = new Map()));
    let pmf = byCriteria.get(criteria);
    if (!pmf) byCriteria.set(criteria, (pmf = mappedPmf(distinct(ratios), (r) => Math.max(1, Math.round(criteria * r)))));
    return pmf;
  };
  // Each part's work as lo + pmf: P(W = work.lo[p] + i) = work.pmf[p][i] (columns, not an object per part; the pmfs
  // themselves are shared).
  const work: PartWork = { lo: new Float64Array(parts.count), pmf: new Array<Float64Array>(parts.count) };
  const meanWork = new Float64Array(useCases.count);
  const { partStart, partIds } = useCases;
  for (let i = 0; i < useCases.count; i++) {
    const mode = useCases.mode[i]!;
    for (let j = partStart[i]!; j < partStart[i + 1]!; j++) {
      const id = partIds[j]!;
      let lo: number;
      let pmf: Float64Array;
      if (mode === WorkMode.Estimated) ({ lo, p: pmf } = estimatePmf(useCases.ratios[i]!, useCases.criteria[i]!));
      else if (mode === WorkMode.Grows) {
        const growth = growthPmf(parts.initial[id]!, parts.current[id]!);
        lo = growth.lo + parts.open[id]!;
        pmf = growth.p;
      } else {
        lo = parts.open[id]! + Math.max(0, parts.initial[id]! - parts.current[id]!);
        pmf = CERTAINLY;
      }
      work.lo[id] = lo;
      work.pmf[id] = pmf;
      meanWork[i] = meanWork[i]! + pmfMean(lo, pmf);
    }
  }

  // Per part: its use case's EarlyStop figures (from = Infinity: it runs to certainty). A use case split across
  // squads stops too, exactly (issue 13): its part in the squad computed last may stop once the joint P(done by
  // t − lag), its own CDF times the product of its other parts' (complete by then: their squads came first, and they
  // run to certainty), reaches the level. Its other parts' product is made just before that squad's queue runs.
  const stop: PartStop = {
    from: new Float64Array(parts.count).fill(Number.POSITIVE_INFINITY),
    lag: new Int32Array(parts.count),
    level: new Float64Array(parts.count),
    partners: new Array<Float64Array | undefined>(parts.count),
    early: new Uint8Array(parts.count),
  };
  // Squad position of each part (its queue's index in `squads`).
  const partSquadAt = new Int32Array(parts.count).fill(-1);
  squads.forEach((squad, k) => {
    for (const id of squad.queue) partSquadAt[id] = k;
  });
  const lastPartOf = new Int32Array(useCases.count).fill(-1); // a multi-part use case's part computed last
  if (early) {
    for (let i = 0; i < useCases.count; i++) {
      const count = partStart[i + 1]! - partStart[i]!;
      if (count === 0) continue;
      let id = partIds[partStart[i]!]!;
      if (count > 1) {
        for (let j = partStart[i]!; j < partStart[i + 1]!; j++) if (partSquadAt[partIds[j]!]! > partSquadAt[id]!) id = partIds[j]!;
        lastPartOf[i] = id;
      }
      stop.from[id] = early.from[i]!;
      stop.lag[id] = early.lag[i]!;
      stop.level[id] = early.level[i]!;
    }
  }
  // The use case of each part (for the partners' product).
  const useCaseOf = new Int32Array(parts.count).fill(-1);
  for (let i = 0; i < useCases.count; i++) for (let j = partStart[i]!; j < partStart[i + 1]!; j++) useCaseOf[partIds[j]!] = i;

  // Per part: P(done by week t), t = 0…length−1 (certain from there on, the cap reached, or stopped early), end to
  // end in one array (a typed array per part was a measurable share of a backtest replay).
  const cdfs: PartCdfs = { data: new Float64List(1024), start: new Int32Array(parts.count), length: new Int32Array(parts.count) };
  const scratch = new Scratch();
  const cdfOfPart = (p: number) => cdfs.data.values.subarray(cdfs.start[p]!, cdfs.start[p]! + cdfs.length[p]!);
  for (const squad of squads) {
    if (squad.queue.length === 0) continue;
    for (const id of squad.queue) {
      const i = useCaseOf[id]!;
      if (i < 0 || lastPartOf[i] !== id) continue;
      const others: Float64Array[] = [];
      for (let j = partStart[i]!; j < partStart[i + 1]!; j++) if (partIds[j] !== id) others.push(cdfOfPart(partIds[j]!));
      stop.partners[id] = productOf(others);
    }
    // A squad's own dozen weeks are made distinct into reused arrays (thousands of squads, every replay); the shared
    // org-wide pool is made once.
    const samples = squad.sampler.values;
    const throughput = samples.length <= SHORT_LIST ? distinctSamples(samples, scratch.throughput) : distinct(samples);
    queueCdfs(throughput, work, stop, maxPeriods, scratch, squad.queue, cdfs);
  }

  const made = new Array<Float64Array | undefined>(useCases.count);
  const doneOf = (i: number): Float64Array => {
    let done = made[i];
    if (done === undefined) {
      const from = partStart[i]!;
      const count = partStart[i + 1]! - from;
      // Nothing left: done at week 0, as in every trial. One part: its CDF as is. Several: the product (independent).
      if (count === 0) done = CERTAINLY;
      else if (count === 1) done = weekly(cdfs.data.values, cdfs.start[partIds[from]!]!, cdfs.length[partIds[from]!]!);
      else {
        const cdfsOf: Float64Array[] = [];
        let stoppedAt = Number.POSITIVE_INFINITY; // a part that stopped early: the product is known up to its end
        for (let j = from; j < from + count; j++) {
          const p = partIds[j]!;
          cdfsOf.push(cdfs.data.values.subarray(cdfs.start[p]!, cdfs.start[p]! + cdfs.length[p]!));
          if (stop.early[p] === 1) stoppedAt = Math.min(stoppedAt, cdfs.length[p]!);
        }
        const product = productOf(cdfsOf);
        const length = Math.min(product.length, stoppedAt);
        done = weekly(product, 0, length);
      }
      made[i] = done;
    }
    return done;
  };
  const countsInto = (i: number, into: Float64Array): { length: number; unfinished: number } => {
    const from = partStart[i]!;
    if (partStart[i + 1]! - from === 1) {
      const p = partIds[from]!;
      return withTail(into, weeklyInto(cdfs.data.values, cdfs.start[p]!, cdfs.length[p]!, into), maxPeriods);
    }
    const done = doneOf(i); // rare: made and kept
    into.set(done);
    return withTail(into, done.length, maxPeriods);
  };
  return {
    doneOf,
    countsInto,
    get done() {
      return Array.from({ length: useCases.count }, (_, i) => doneOf(i));
    },
    meanWork,
  };
}

/** A sample list as its distinct values and their shares (history lists hold thousands of repeats). */
interface DistinctSamples {
  values: Float64Array;
  shares: Float64Array;
}

/** `into`: arrays to reuse for a short list (the result then lives until their next use). */
function distinctSamples(samples: ArrayLike<number>, into?: { values: GrowingBuffer<Float64Array>; shares: GrowingBuffer<Float64Array> }): DistinctSamples {
  const n = samples.length;
  if (n === 0) throw new RangeError("nothing to draw the work from");
  if (n > SHORT_LIST) {
    const shares = new Map<number, number>();
    for (let i = 0; i < n; i++) shares.set(samples[i]!, (shares.get(samples[i]!) ?? 0) + 1 / n);
    return { values: Float64Array.from(shares.keys()), shares: Float64Array.from(shares.values()) };
  }
  // A squad's dozen weeks (thousands of squads, every forecast and replay): a scan, no Map. Same values, in the same
  // order of first appearance, and the same sums as the Map above.
  const values = into ? into.values.atLeast(n) : new Float64Array(n);
  const shares = into ? into.shares.atLeast(n).fill(0, 0, n) : new Float64Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = samples[i]!;
    let k = 0;
    while (k < count && values[k] !== v) k++;
    if (k === count) values[count++] = v;
    shares[k] = shares[k]! + 1 / n;
  }
  return { values: values.subarray(0, count), shares: shares.subarray(0, count) };
}

/** Sample lists up to this long are made distinct by a scan (a Map costs more than it saves). */
const SHORT_LIST = 64;

/** P(X = value(s)) for s drawn uniformly from the samples, on whole numbers. */
function mappedPmf(samples: DistinctSamples, value: (s: number) => number): IntPmf {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < samples.values.length; i++) {
    const v = value(samples.values[i]!);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const p = new Float64Array(hi - lo + 1);
  for (let i = 0; i < samples.values.length; i++) {
    const v = value(samples.values[i]!) - lo;
    p[v] = p[v]! + samples.shares[i]!;
  }
  return { lo, p };
}

/** Mean of lo + i for i distributed as pmf. */
function pmfMean(lo: number, pmf: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < pmf.length; i++) mean += pmf[i]! * (lo + i);
  return mean;
}

/** Every part's work distribution: P(W_p = lo[p] + i) = pmf[p][i]. */
interface PartWork {
  lo: Float64Array;
  pmf: Float64Array[];
}

/** P(every part done by week t) = Π P(part done by t), each CDF staying at its last value past its end. */
function productOf(cdfs: Float64Array[]): Float64Array {
  let length = 0;
  for (const cdf of cdfs) length = Math.max(length, cdf.length);
  const out = new Float64Array(length).fill(1);
  for (const cdf of cdfs) {
    for (let t = 0; t < length; t++) out[t] = out[t]! * cdf[Math.min(t, cdf.length - 1)]!;
  }
  return out;
}

/** P(done in week t) from P(done by week t) = cdf[start + t] (never negative where rounding made the CDF dip). */
function weekly(cdf: Float64Array, start: number, length: number): Float64Array {
  const out = new Float64Array(length);
  weeklyInto(cdf, start, length, out);
  return out;
}

/** `weekly` into out[0 … length); returns length. */
function weeklyInto(cdf: Float64Array, start: number, length: number, out: Float64Array): number {
  let previous = 0;
  for (let t = 0; t < length; t++) {
    const c = cdf[start + t]!;
    out[t] = Math.max(0, c - previous);
    previous = Math.max(previous, c);
  }
  return length;
}

/** Every part's CDF, end to end in `data`: part p's is data.values[start[p] … start[p] + length[p]). */
interface PartCdfs {
  data: Float64List;
  start: Int32Array;
  length: Int32Array;
}

/*
 * The week-by-week loop's steps are small functions of typed arrays and numbers: V8 optimises each on its own and keeps
 * it optimised. Written inline in queueCdfs they were deoptimised again and again (after garbage collections), and the
 * unoptimised float arithmetic allocated tens of MB per forecast.
 */

/**
 * next = dist + one week's throughput (values with shares probs), capped at M. dist is zero outside [low, high]; the
 * caller moves that window on by the smallest and largest value (early weeks touch only its start).
 */
function addOneWeek(dist: Float64Array, next: Float64Array, values: Float64Array, probs: Float64Array, low: number, high: number, M: number): void {
  next.fill(0, low, M + 1);
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    const q = probs[k]!;
    const limit = Math.min(M - v, high + 1); // s + v < M stays exact; the rest is absorbed in M
    for (let s = low; s < limit; s++) next[s + v] = next[s + v]! + dist[s]! * q;
    let tail = 0;
    for (let s = Math.max(low, M - v); s <= high; s++) tail += dist[s]!;
    next[M] = next[M]! + tail * q;
  }
}

/**
 * survival[c] = P(S ≥ c) for c = from…high (and 0 at high + 1), from S's distribution (zero outside [low, high]).
 * Only from the smallest work a part still open can need: below it nothing reads it this week. Above `high` it is 0,
 * which nothing needs to read (see expectation): early weeks of a long queue touch only the start of the array.
 */
function survivalOf(dist: Float64Array, survival: Float64Array, low: number, high: number, from: number): void {
  survival[high + 1] = 0;
  const stop = Math.max(low, from);
  for (let c = high; c >= stop; c--) survival[c] = survival[c + 1]! + dist[c]!;
  for (let c = stop - 1; c >= from; c--) survival[c] = survival[stop]!;
}

/**
 * Σ_i pmfs[offset + i] · survival[lo + i]: P(S ≥ C) for C distributed as pmfs[offset …] from value lo. Terms past
 * `high` are skipped: survival is 0 there, so each would add exactly 0 (the same float result, without reading them).
 */
function expectation(pmfs: Float64Array, offset: number, size: number, survival: Float64Array, lo: number, high: number): number {
  let p = 0;
  const base = lo - offset;
  const end = offset + Math.min(size, high - lo + 1);
  for (let i = offset; i < end; i++) p += pmfs[i]! * survival[base + i]!;
  return p;
}

/** Length of the distribution of X + Y (supports of xLength and yLength values), at most `room` (none if negative). */
function sumLength(xLength: number, yLength: number, room: number): number {
  return xLength === 0 || yLength === 0 ? 0 : Math.max(0, Math.min(xLength + yLength - 1, room));
}

/**
 * out[at …] = x[0 … xLength) convolved with y[from …], its first `limit` entries only: the distribution of X + Y
 * for independent X, Y, up to a cap. Each kept entry gets the same additions, in the same order, as without a limit.
 */
function convolveInto(x: Float64Array, xLength: number, y: Float64Array, from: number, out: Float64Array, at: number, limit: number): void {
  const yLength = y.length - from;
  const n = Math.min(xLength + yLength - 1, limit);
  if (yLength <= 0 || n <= 0) return;
  out.fill(0, at, at + n);
  for (let a = 0; a < Math.min(xLength, n); a++) {
    const pa = x[a]!;
    if (pa === 0) continue;
    const bEnd = Math.min(yLength, n - a);
    for (let b = 0; b < bEnd; b++) out[at + a + b] = out[at + a + b]! + pa * y[from + b]!;
  }
}

/**
 * One squad's queue: for each part (in queue order, with its work distribution), P(done by week t) for t = 0, 1, …
 * until it is certain (or it may stop early, see EarlyStop) or t = maxPeriods. S_t's distribution is kept only up to
 * M, the most work the queue can hold, with everything at or above M in the last slot (absorbing): no part needs
 * more. Part `parts[j]`'s CDF is appended to `out`.
 */
/** Per part: EarlyStop's figures, the product of its use case's other parts' CDFs (joint stop), and whether it stopped early. */
interface PartStop extends EarlyStop {
  partners: Array<Float64Array | undefined>;
  early: Uint8Array;
}

function queueCdfs(throughput: DistinctSamples, work: PartWork, stop: PartStop, maxPeriods: number, scratch: Scratch, parts: readonly number[], out: PartCdfs): void {
  // Throughput: distinct whole values and their shares of the past weeks (low-confidence squads share one table).
  const values = throughput.values;
  const probs = throughput.shares;
  let allZero = true;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`throughput must be whole stories per week, got ${v}`);
    if (v !== 0) allZero = false;
  }

  let minValue = Number.POSITIVE_INFINITY;
  let maxValue = 0;
  for (let k = 0; k < values.length; k++) {
    minValue = Math.min(minValue, values[k]!);
    maxValue = Math.max(maxValue, values[k]!);
  }

  // Cumulative work of each queue position. A part whose work is 0 in a trial is done at week 0 wherever it waits (as
  // in the Monte Carlo), so part j is done by week t with P(W_j = 0) plus P(W_j > 0 and S_t ≥ C_{j−1} + W_j): the
  // distribution scored for part j is C_{j−1} convolved with W_j's non-zero part. All of them live end to end in one
  // reused buffer (offset[j], lo[j], size[j]); the running total C_j ping-pongs between two more.
  //
  // S_t is kept up to M, the most work the queue can hold, everything at or above M in the last slot (absorbing):
  // no part needs more. Within the horizon S_t never exceeds maxPeriods × the largest weekly throughput (`reach`),
  // so when the queue holds more than that (a backtest replay simulates a few weeks only), M is reach + 1 and the
  // work distributions are cut there: what lies beyond can never be covered in time (its weight meets a zero chance),
  // and every figure within it is computed with the same additions as without the cut (S_t is never absorbed then).
  const n = parts.length;
  const zero = scratch.zero.atLeast(n);
  const lo = scratch.lo.atLeast(n);
  const offset = scratch.offset.atLeast(n);
  const size = scratch.size.atLeast(n);
  let M = 1;
  let totalLo = 0;
  let totalLength = 1;
  for (let j = 0; j < n; j++) {
    const wLo = work.lo[parts[j]!]!;
    const wP = work.pmf[parts[j]!]!;
    const skip = wLo === 0 ? 1 : 0; // the zero-work mass is not scored (done at week 0)
    zero[j] = skip === 1 ? wP[0]! : 0;
    lo[j] = totalLo + wLo + skip;
    const nonZero = wP.length - skip;
    if (nonZero > 0) M = Math.max(M, lo[j]! + totalLength + nonZero - 2);
    totalLo += wLo;
    totalLength += wP.length - 1;
  }
  M = Math.min(M, maxPeriods * maxValue + 1);
  // Sizes within the cap: part j's distribution covers lo[j] … lo[j] + size[j] − 1 ≤ M; the running total likewise.
  let needed = 0;
  let cappedLength = 1;
  totalLo = 0;
  for (let j = 0; j < n; j++) {
    const wLo = work.lo[parts[j]!]!;
    const wP = work.pmf[parts[j]!]!;
    size[j] = sumLength(cappedLength, wP.length - (wLo === 0 ? 1 : 0), M - lo[j]! + 1);
    offset[j] = needed;
    needed += size[j]!;
    totalLo += wLo;
    cappedLength = sumLength(cappedLength, wP.length, M - totalLo + 1);
  }
  const pmfs = scratch.pmfs.atLeast(needed);
  // Swaps by hand below: array destructuring goes through the iterator protocol, an allocation per swap.
  let total = scratch.total.atLeast(totalLength);
  let nextTotal = scratch.nextTotal.atLeast(totalLength);
  total[0] = 1;
  totalLo = 0;
  cappedLength = 1;
  for (let j = 0; j < n; j++) {
    const wLo = work.lo[parts[j]!]!;
    const wP = work.pmf[parts[j]!]!;
    const skip = wLo === 0 ? 1 : 0;
    convolveInto(total, cappedLength, wP, skip, pmfs, offset[j]!, size[j]!);
    totalLo += wLo;
    const nextLength = sumLength(cappedLength, wP.length, M - totalLo + 1);
    // With no zero-work mass to skip (work is at least one story in practice) the running total is the same
    // convolution: copied, not computed twice.
    if (skip === 0) for (let c = 0, from = offset[j]!; c < nextLength; c++) nextTotal[c] = pmfs[from + c]!; // (no subarray per part)
    else convolveInto(total, cappedLength, wP, 0, nextTotal, 0, nextLength);
    const swap = total;
    total = nextTotal;
    nextTotal = swap;
    cappedLength = nextLength;
  }

  const cdf = scratch.cdf.atLeast(n * (maxPeriods + 1)); // every slot read back is written first (or zeroed below)
  const length = scratch.length.atLeast(n).fill(maxPeriods + 1, 0, n);
  const open = scratch.open.atLeast(n).fill(1, 0, n);
  if (allZero) cdf.fill(0, 0, n * (maxPeriods + 1)); // never done (but for no work): no later week is computed
  for (let j = 0; j < n; j++) cdf[j * (maxPeriods + 1)] = zero[j]!; // done at week 0 only with no work at all
  let remaining = n;
  // Reused buffers may be longer than M + 1: every loop below stays within 0…M (survival within 0…M + 1).
  let dist = scratch.dist.atLeast(M + 1);
  let next = scratch.next.atLeast(M + 1);
  const survival = scratch.survival.atLeast(M + 2);
  dist.fill(0, 0, M + 1);
  next.fill(0, 0, M + 1);
  dist[0] = 1;
  let low = 0; // dist is zero outside [low, high]
  let high = 0;
  for (let t = 1; t <= maxPeriods && remaining > 0 && !allZero; t++) {
    // S_t = S_{t−1} + one drawn week, capped at M; then survival[c] = P(S_t ≥ c).
    addOneWeek(dist, next, values, probs, low, high, M);
    low = Math.min(M, low + minValue);
    high = Math.min(M, high + maxValue);
    const swap = dist;
    dist = next;
    next = swap;
    let from = M;
    for (let j = 0; j < n; j++) if (open[j] === 1 && lo[j]! < from) from = lo[j]!;
    survivalOf(dist, survival, low, high, Math.max(0, from));
    for (let j = 0; j < n; j++) {
      if (open[j] === 0) continue;
      const p = zero[j]! + expectation(pmfs, offset[j]!, size[j]!, survival, lo[j]!, high);
      cdf[j * (maxPeriods + 1) + t] = p;
      const id = parts[j]!;
      let stopNow = p >= CERTAIN;
      if (!stopNow && t >= stop.from[id]!) {
        const at = t - stop.lag[id]!;
        const partners = stop.partners[id];
        const joint = cdf[j * (maxPeriods + 1) + at]! * (partners === undefined ? 1 : partners[Math.min(at, partners.length - 1)]!);
        if (joint >= stop.level[id]!) {
          stopNow = true;
          stop.early[id] = 1;
        }
      }
      if (stopNow) {
        open[j] = 0;
        length[j] = t + 1;
        remaining--;
      }
    }
  }
  for (let j = 0; j < n; j++) {
    out.start[parts[j]!] = out.data.append(cdf, j * (maxPeriods + 1), length[j]!);
    out.length[parts[j]!] = length[j]!;
  }
}

/**
 * Working arrays queueCdfs reuses from one squad to the next (grown when a squad needs more): a portfolio has
 * thousands of squads, and fresh arrays for each were most of the forecast's garbage.
 */
class Scratch {
  /** A squad's throughput made distinct. */
  readonly throughput = { values: new GrowingBuffer(Float64Array), shares: new GrowingBuffer(Float64Array) };
  readonly cdf = new GrowingBuffer(Float64Array);
  readonly dist = new GrowingBuffer(Float64Array);
  readonly next = new GrowingBuffer(Float64Array);
  readonly survival = new GrowingBuffer(Float64Array);
  readonly pmfs = new GrowingBuffer(Float64Array);
  readonly total = new GrowingBuffer(Float64Array);
  readonly nextTotal = new GrowingBuffer(Float64Array);
  // Per queue position (a queue holds a handful of parts; thousands of queues per forecast).
  readonly zero = new GrowingBuffer(Float64Array);
  readonly lo = new GrowingBuffer(Int32Array);
  readonly offset = new GrowingBuffer(Int32Array);
  readonly size = new GrowingBuffer(Int32Array);
  readonly length = new GrowingBuffer(Int32Array);
  readonly open = new GrowingBuffer(Uint8Array);
}

/** One reused array, grown (doubling) when asked for more; its contents are whatever the last user left. */
class GrowingBuffer<T extends Float64Array | Int32Array | Uint8Array> {
  private array: T;

  constructor(private readonly kind: new (length: number) => T) {
    this.array = new kind(0);
  }

  atLeast(size: number): T {
    if (this.array.length < size) this.array = new this.kind(Math.max(size, 2 * this.array.length));
    return this.array;
  }
}

/**
 * A use case's `done` as counts for PeriodDistribution (weights summing to 1): periods 0…n−1, and the weight not done
 * within the cap. When the CDF stopped because it was certain, its tail (below 1e−9) is put in the next period.
 */
export function exactCounts(done: Float64Array, maxPeriods: number): { counts: Float64Array; unfinished: number } {
  const counts = done.length > maxPeriods ? done : new Float64Array(done.length + 1);
  if (counts !== done) counts.set(done);
  return { counts, unfinished: withTail(counts, done.length, maxPeriods).unfinished };
}

/**
 * The weight not done within the weights counts[0 … length) (1 − Σ, never negative): unfinished when they already
 * reach past the cap, else written as the next period's (counts must have room for it). Returns the counts' length
 * and the unfinished weight.
 */
function withTail(counts: Float64Array, length: number, maxPeriods: number): { length: number; unfinished: number } {
  let total = 0;
  for (let k = 0; k < length; k++) total += counts[k]!;
  const rest = Math.max(0, 1 - total);
  if (length > maxPeriods) return { length, unfinished: rest };
  counts[length] = rest;
  return { length: length + 1, unfinished: 0 };
}

import type { SumOfDraws } from "./sum-of-draws.js";

/**
 * A use case's completion in days from the forecast's instant (ADR 0130): its work finishes in whole week k of the
 * throughput model (`counts`, weeks 0…n−1, and the weight not done within the cap), somewhere within that week, and
 * its remaining gates add whole days after that. Work done in week k ≥ 1 is spread evenly over the week's days
 * 7k − 6 … 7k (a squad's last story of a use case closes on any day of the week it is covered); week 0 is "nothing
 * left" (day 0). Reading the dates at day resolution instead of rounding both the work and the gate time up to the
 * next week end is what keeps a P85 date from holding far more often than 85%.
 *
 * P(done by day D) = c₀·G(D) + Σ_{k≥1} c_k·H(D − 7(k − 1)), with G the gate time's CDF in days and H(x) = (1/7)
 * Σ_{j=1…7} G(x − j) its week-smoothed copy (made once per gate time and shared): n additions per question.
 *
 * The result of a reported-only forecast is exact up to the early stop's week t (the lumped tail sits in week t + 1,
 * whose days all lie after 7t): the stop guarantees P85 ≤ 7t and the deadline day within it (plan.ts).
 */
export class CompletionDays {
  readonly total: number;
  private readonly last: number;

  constructor(
    private readonly counts: ArrayLike<number>,
    readonly unfinished: number,
    private readonly gate: GateCdf,
    /** The last day the weights answer for (7 × the weeks simulated): a rank reached only later is null. */
    private readonly horizonDay = Number.POSITIVE_INFINITY,
  ) {
    let total = unfinished;
    let last = -1;
    for (let k = 0; k < counts.length; k++) {
      total += counts[k]!;
      if (counts[k]! > 0) last = k;
    }
    this.total = total;
    this.last = last;
  }

  /** Weight done by day `day` (inclusive), not normalised. */
  private doneBy(day: number): number {
    if (day < 0) return 0;
    const { counts, gate } = this;
    let done = counts.length > 0 ? counts[0]! * gate.cdf(day) : 0;
    const weeks = Math.min(this.last, Math.floor((day - 1) / 7) + 1); // later weeks' days all lie after `day`
    for (let k = 1; k <= weeks; k++) {
      const c = counts[k]!;
      if (c !== 0) done += c * gate.smoothed(day - 7 * (k - 1));
    }
    return done;
  }

  /** P(done by the end of day `day` after the instant). */
  probabilityByDay(day: number): number {
    return this.total === 0 ? 0 : this.doneBy(Math.floor(day)) / this.total;
  }

  /** Nearest rank in days: the first day by which the share done reaches q; null when that rank is never reached. */
  percentileDay(q: number): number | null {
    if (!(q > 0 && q <= 1)) throw new RangeError(`percentile: q must be in (0, 1], got ${q}`);
    if (this.total === 0 || this.last < 0) return null;
    // The same relative epsilon as PeriodDistribution.percentile (exact weights summing to 1).
    const rank = q * this.total * (1 - 1e-9);
    let high = Math.min(7 * this.last + this.gate.maxDay, this.horizonDay);
    if (high < 0 || this.doneBy(high) < rank) return null;
    let low = 0;
    if (this.doneBy(0) >= rank) return 0;
    while (high - low > 1) {
      const mid = (low + high) >>> 1;
      if (this.doneBy(mid) >= rank) high = mid;
      else low = mid;
    }
    return high;
  }

  /** Weeks of work weights held (shorter when the work stopped early: see plan.ts). */
  get weeks(): number {
    return this.counts.length;
  }

  get cannotFinish(): boolean {
    return this.unfinished === this.total && this.total > 0;
  }
}

/** A gate time's CDF in whole days, and its week-smoothed copy (see CompletionDays), made once per SumOfDraws. */
export class GateCdf {
  readonly maxDay: number;
  private readonly g: Float64Array;
  private readonly h: Float64Array;

  constructor(gate: SumOfDraws | null) {
    const maxDay = gate === null || gate.values.length === 0 ? 0 : gate.values[gate.values.length - 1]!;
    const g = new Float64Array(maxDay + 1);
    if (gate === null || gate.values.length === 0) g[0] = 1;
    else for (let x = 0; x < gate.values.length; x++) g[gate.values[x]!] = g[gate.values[x]!]! + gate.probabilities[x]!;
    for (let d = 1; d <= maxDay; d++) g[d] = g[d]! + g[d - 1]!;
    // h[x] = (1/7) Σ_{j=1…7} G(x − j) for x = 0 … maxDay + 7 (1 from there on).
    const h = new Float64Array(maxDay + 8);
    for (let x = 1; x < h.length; x++) {
      let sum = 0;
      for (let j = 1; j <= 7; j++) {
        const d = x - j;
        if (d >= 0) sum += d >= maxDay ? 1 : g[d]!;
      }
      h[x] = sum / 7;
    }
    g[maxDay] = 1; // (exact total, whatever the float sum)
    this.maxDay = maxDay + 7;
    this.g = g;
    this.h = h;
  }

  /** P(gate time ≤ day). */
  cdf(day: number): number {
    return day < 0 ? 0 : day >= this.g.length ? 1 : this.g[day]!;
  }

  smoothed(x: number): number {
    return x <= 0 ? 0 : x >= this.h.length ? 1 : this.h[x]!;
  }
}

const cdfs = new WeakMap<SumOfDraws, GateCdf>();
const NO_GATE = new GateCdf(null);

/** The GateCdf of a gate time (kept while it lives; plans share gate times between use cases). */
export function gateCdfOf(gate: SumOfDraws): GateCdf {
  if (gate.isZero) return NO_GATE;
  let cdf = cdfs.get(gate);
  if (!cdf) cdfs.set(gate, (cdf = new GateCdf(gate)));
  return cdf;
}

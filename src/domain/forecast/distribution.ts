/**
 * The result of a Monte Carlo forecast for one backlog: how many trials finished in each period.
 *
 * A histogram (counts per period) instead of a sorted array of trial results: filling it is O(trials), reading a
 * percentile is O(periods), and it is all a use case needs to keep, so hundreds of use cases × 10,000 trials stay
 * small. Trials that did not finish within the simulation's period cap are counted apart (`unfinished`): they are
 * "later than the cap", never silently dropped. Counts may be fractional weights (a histogram convolved with the
 * distribution of gate time); `trials` is then their total.
 */
export class PeriodDistribution {
  /** counts[k] = trials that finished in exactly k periods (k = 0 only when nothing was left to do); may end early. */
  readonly counts: Uint32Array | Float64Array;
  readonly trials: number;
  /** Trials that had not finished after `maxPeriods` periods. */
  readonly unfinished: number;

  /**
   * `counts` either in the histogram layout (maxPeriods + 2 slots, the last one "unfinished"), or — with `unfinished`
   * given — periods 0…n−1 only (n ≤ maxPeriods + 1, later periods empty): exact distributions are short.
   */
  constructor(
    counts: Uint32Array | Float64Array,
    readonly maxPeriods: number,
    unfinished?: number,
  ) {
    if (unfinished === undefined) {
      if (counts.length !== maxPeriods + 2) throw new RangeError(`histogram needs maxPeriods + 2 = ${maxPeriods + 2} slots, got ${counts.length}`);
      this.counts = counts.subarray(0, maxPeriods + 1);
      this.unfinished = counts[maxPeriods + 1]!;
    } else {
      if (counts.length > maxPeriods + 1) throw new RangeError(`at most maxPeriods + 1 = ${maxPeriods + 1} periods, got ${counts.length}`);
      this.counts = counts;
      this.unfinished = unfinished;
    }
    let total = this.unfinished;
    for (let k = 0; k < this.counts.length; k++) total += this.counts[k]!;
    this.trials = total;
  }

  /** An empty histogram with room for 0…maxPeriods plus one "unfinished" slot. */
  static emptyCounts(maxPeriods: number): Uint32Array {
    return new Uint32Array(maxPeriods + 2);
  }

  /**
   * Nearest-rank percentile: the first period at which the cumulative share of trials reaches q (0 < q ≤ 1).
   * `null` when that rank falls among unfinished trials (the backlog cannot be finished within the cap).
   */
  percentile(q: number): number | null {
    if (!(q > 0 && q <= 1)) throw new RangeError(`percentile: q must be in (0, 1], got ${q}`);
    if (this.trials === 0) return null;
    // The relative epsilon makes 0.85 × 10,000 rank 8,500 exactly, not 8,500.000000000001 (so 8,501), and absorbs
    // the rounding of exact probabilities (weights summing to 1, ADR 0033). 1e−9 is below one trial in a million.
    const rank = q * this.trials * (1 - 1e-9);
    let cumulative = 0;
    for (let k = 0; k < this.counts.length; k++) {
      cumulative += this.counts[k]!;
      if (cumulative >= rank) return k;
    }
    return null;
  }

  /** Share of trials finished within `by` periods (inclusive). */
  probabilityByDeadline(by: number): number {
    if (this.trials === 0) return 0;
    const last = Math.min(Math.floor(by), this.counts.length - 1);
    let done = 0;
    for (let k = 0; k <= last; k++) done += this.counts[k]!;
    return done / this.trials;
  }

  /** True when no trial finished at all (e.g. every past period had zero throughput). */
  get cannotFinish(): boolean {
    return this.unfinished === this.trials && this.trials > 0;
  }
}

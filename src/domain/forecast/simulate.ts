import { createRng, type Rng } from "../random.js";
import { PeriodDistribution } from "./distribution.js";

/** Default cap on simulated periods: 520 weeks (ten years). A backlog not done by then is reported "cannot finish". */
export const DEFAULT_MAX_PERIODS = 520;

/** Past throughput values to draw from, prepared once (typed array, all-zero check) for millions of draws. */
export class ThroughputSampler {
  readonly values: Float64Array;
  /** No past period delivered anything: drawing would never finish, so simulations short-circuit to "unfinished". */
  readonly allZero: boolean;

  /** `countsAllZero`: set only by `ofCounts` (the values are trusted counts, kept as they are). */
  constructor(values: readonly number[] | Float64Array, countsAllZero?: boolean) {
    if (values.length === 0) throw new RangeError("throughput history is empty: need at least one past period");
    if (countsAllZero !== undefined && values instanceof Float64Array) {
      this.values = values;
      this.allZero = countsAllZero;
      return;
    }
    // Index loops: this runs once per squad per forecast, on plain arrays and typed arrays alike.
    this.values = new Float64Array(values.length);
    let allZero = true;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`throughput values must be finite and ≥ 0, got ${v}`);
      this.values[i] = v;
      if (v !== 0) allZero = false;
    }
    this.allZero = allZero;
  }

  /**
   * A sampler over weekly counts its owner made and never changes (whole numbers ≥ 0, `nonZero` of them above 0):
   * kept as they are, a view of a larger array, neither copied nor checked (a backtest replay makes one per squad).
   */
  static ofCounts(counts: Float64Array, nonZero: number): ThroughputSampler {
    return new ThroughputSampler(counts, nonZero === 0);
  }

  draw(rng: Rng): number {
    return this.values[rng.nextInt(this.values.length)] as number;
  }
}

/**
 * One trial of one squad's ordered queue. `cumulative[i]` is the total work up to and including item i (non-decreasing).
 * Draws one past period's throughput per future period, in turn, until the last item is done or `maxPeriods` is hit;
 * writes into `out[i]` the period in which item i was done (the first simulated period is 1; an item with no work
 * left is done at 0; `maxPeriods + 1` means not done within the cap).
 *
 * This is the one place the throughput Monte Carlo step lives: the single-backlog core and the portfolio use it.
 */
export function runQueueTrial(
  rng: Rng,
  sampler: ThroughputSampler,
  cumulative: Float64Array,
  count: number,
  maxPeriods: number,
  out: Int32Array,
): void {
  let i = 0;
  while (i < count && (cumulative[i] as number) <= 0) out[i++] = 0;
  if (i < count && !sampler.allZero) {
    const values = sampler.values;
    const n = values.length;
    let done = 0;
    let period = 0;
    while (i < count && period < maxPeriods) {
      period++;
      done += values[rng.nextInt(n)] as number;
      while (i < count && (cumulative[i] as number) <= done) out[i++] = period;
    }
  }
  while (i < count) out[i++] = maxPeriods + 1;
}

export interface SimulateThroughputInput {
  /** Work done in each past period (e.g. stories closed per week), zero periods included. */
  throughput: readonly number[];
  /** Work left (e.g. open stories). */
  remaining: number;
  trials: number;
  seed: string | number;
  /** Periods after which a trial counts as "cannot finish" (default 520). */
  maxPeriods?: number;
}

export interface ThroughputForecast {
  /** periods[t] = periods trial t needed; `maxPeriods + 1` when it did not finish within the cap. */
  periods: Int32Array;
  distribution: PeriodDistribution;
}

/** The throughput Monte Carlo for one backlog (issue 4, "one trial"): per-trial period counts and their histogram. */
export function simulateThroughput(input: SimulateThroughputInput): ThroughputForecast {
  const { remaining, trials, seed } = input;
  const maxPeriods = input.maxPeriods ?? DEFAULT_MAX_PERIODS;
  if (!Number.isFinite(remaining) || remaining < 0) throw new RangeError(`remaining must be a finite number ≥ 0, got ${remaining}`);
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`trials must be a positive integer, got ${trials}`);
  if (!Number.isInteger(maxPeriods) || maxPeriods < 1) throw new RangeError(`maxPeriods must be a positive integer, got ${maxPeriods}`);
  const sampler = new ThroughputSampler(input.throughput);
  const rng = createRng(seed);
  const cumulative = Float64Array.of(remaining);
  const periods = new Int32Array(trials);
  const counts = PeriodDistribution.emptyCounts(maxPeriods);
  const out = new Int32Array(1);
  for (let t = 0; t < trials; t++) {
    rng.select(t); // one random stream per trial: see StreamRng (common random numbers)
    runQueueTrial(rng, sampler, cumulative, 1, maxPeriods, out);
    const p = out[0] as number;
    periods[t] = p;
    counts[p] = (counts[p] as number) + 1;
  }
  return { periods, distribution: new PeriodDistribution(counts, maxPeriods) };
}

/** The percentiles the CLI and report show. */
export const STANDARD_PERCENTILES = [50, 70, 85, 95] as const;

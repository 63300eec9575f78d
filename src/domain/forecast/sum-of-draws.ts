/**
 * The exact distribution of "one draw from each of these sample lists, added up", in whole days: the time a use
 * case's remaining gates add. Gate time is independent of everything else in a trial, so a use case's completion
 * distribution is its work distribution convolved with this one (`delay`): exact, and far cheaper than drawing every
 * gate for every use case in every trial (that was most of a large portfolio's run time). Samples are rounded to
 * whole days.
 */
export class SumOfDraws {
  /** Possible sums (days), ascending. */
  readonly values: Float64Array;
  /** probabilities[i] = P(sum = values[i]). */
  readonly probabilities: Float64Array;
  readonly mean: number;
  /**
   * weekShift[w] = P(the gate time pushes a week-k finish to week k + w), i.e. P(ceil(days / 7) = w): a finish in
   * whole week k plus d days lands in week ceil(k + d/7) = k + ceil(d/7), so `delay` needs only these few weights.
   */
  private readonly weekShift: Float64Array;

  constructor(sampleLists: ReadonlyArray<ArrayLike<number>>) {
    let pmf = new Float64Array([1]); // pmf[d] = P(sum = d days)
    for (const samples of sampleLists) {
      if (samples.length === 0) continue;
      const single = singleDraw(samples);
      const next = new Float64Array(pmf.length + single.span - 1);
      for (let a = 0; a < pmf.length; a++) {
        const pa = pmf[a]!;
        if (pa === 0) continue;
        for (let k = 0; k < single.days.length; k++) next[a + single.days[k]!] = next[a + single.days[k]!]! + pa * single.shares[k]!;
      }
      pmf = next;
    }
    const values: number[] = [];
    const probabilities: number[] = [];
    let mean = 0;
    pmf.forEach((p, d) => {
      if (p === 0) return;
      mean += p * d;
      values.push(d);
      probabilities.push(p);
    });
    this.values = Float64Array.from(values);
    this.probabilities = Float64Array.from(probabilities);
    this.mean = mean;
    const shift = new Float64Array(values.length === 0 ? 1 : Math.ceil(values[values.length - 1]! / 7) + 1);
    values.forEach((d, i) => (shift[Math.ceil(d / 7)] = shift[Math.ceil(d / 7)]! + probabilities[i]!));
    this.weekShift = shift;
  }

  /**
   * The fewest whole weeks the delay stays within with probability at least q: the smallest w with
   * P(ceil(days / 7) ≤ w) ≥ q, and that probability.
   */
  weeksCovering(q: number): { weeks: number; probability: number } {
    let probability = 0;
    for (let w = 0; w < this.weekShift.length; w++) {
      probability += this.weekShift[w]!;
      if (probability >= q) return { weeks: w, probability };
    }
    return { weeks: this.weekShift.length - 1, probability };
  }

  /** True when the sum is always 0 (no samples at all): callers skip the draw. */
  get isZero(): boolean {
    return this.values.length === 1 && this.values[0] === 0;
  }

  /**
   * Weighted counts of "done in period k" after this delay, from counts for periods 0…n−1 and the ones not done within
   * `maxPeriods`: a trial done in week k with d more days is done in week ceil(k + d/7). Anything pushed past
   * `maxPeriods` joins the unfinished ones. Counts are read from 0…length − 1 (all of them by default); `into`, when
   * long enough, receives the result (which is then a view of it, valid until its next use).
   */
  delay(counts: ArrayLike<number>, unfinished: number, maxPeriods: number, length = counts.length, into?: Float64Array): { counts: Float64Array; unfinished: number } {
    const shift = this.weekShift;
    const size = Math.min(maxPeriods + 1, length + shift.length - 1);
    const out = into !== undefined && into.length >= size ? into.subarray(0, size).fill(0) : new Float64Array(size);
    let late = unfinished;
    for (let k = 0; k < length; k++) {
      const c = counts[k]!;
      if (c === 0) continue;
      for (let w = 0; w < shift.length; w++) {
        const p = shift[w]!;
        if (p === 0) continue;
        if (k + w <= maxPeriods) out[k + w] = out[k + w]! + c * p;
        else late += c * p;
      }
    }
    return { counts: out, unfinished: late };
  }
}

/** One draw from a sample list, in whole days: the days with any share (ascending) and their shares; span = last + 1. */
interface SingleDraw {
  days: Int32Array;
  shares: Float64Array;
  span: number;
}

/**
 * A plan builds one SumOfDraws per combination of gates left, from the same few gate histories (thousands of
 * samples each): each history's single-draw distribution is made once per sample list, kept while the list lives.
 */
const singles = new WeakMap<ArrayLike<number>, SingleDraw>();

function singleDraw(samples: ArrayLike<number>): SingleDraw {
  let single = singles.get(samples);
  if (single) return single;
  // Gate histories hold thousands of samples: plain loops, no per-sample arrays.
  let longest = 0;
  for (let i = 0; i < samples.length; i++) longest = Math.max(longest, Math.round(samples[i]!));
  const dense = new Float64Array(longest + 1);
  for (let i = 0; i < samples.length; i++) {
    const d = Math.max(0, Math.round(samples[i]!));
    dense[d] = dense[d]! + 1 / samples.length;
  }
  // Only the days that occur: the convolution skips the (many) days no sample fell on.
  let count = 0;
  for (let d = 0; d < dense.length; d++) if (dense[d] !== 0) count++;
  const days = new Int32Array(count);
  const shares = new Float64Array(count);
  for (let d = 0, k = 0; d < dense.length; d++) {
    if (dense[d] === 0) continue;
    days[k] = d;
    shares[k++] = dense[d]!;
  }
  single = { days, shares, span: dense.length };
  singles.set(samples, single);
  return single;
}

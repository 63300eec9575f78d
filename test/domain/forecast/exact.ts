/**
 * Independent exact answers for the throughput Monte Carlo, by convolution (no simulation, no shared code):
 * with throughput drawn uniformly from the past periods, P(done within k periods) = P(S_k ≥ remaining), where S_k is
 * the sum of k independent draws. Sums at or above `remaining` are absorbed in one bucket to keep the arrays small.
 */
export function exactDoneWithin(throughput: number[], remaining: number, maxK: number): number[] {
  if (throughput.some((v) => !Number.isInteger(v))) throw new Error("exactDoneWithin: integer throughput only");
  const R = Math.ceil(remaining);
  const share = 1 / throughput.length;
  let pmf = new Float64Array(R + 1);
  pmf[0] = 1;
  const result = [R <= 0 ? 1 : 0];
  for (let k = 1; k <= maxK; k++) {
    const next = new Float64Array(R + 1);
    for (let s = 0; s <= R; s++) {
      const p = pmf[s]!;
      if (p === 0) continue;
      if (s === R) {
        next[R]! += p;
        continue;
      }
      for (const v of throughput) next[Math.min(R, s + v)]! += p * share;
    }
    pmf = next;
    result.push(pmf[R]!);
  }
  return result;
}

/** Exact nearest-rank percentile from an exact CDF over periods. */
export function exactPercentile(cdf: number[], q: number): number | null {
  const k = cdf.findIndex((p) => p >= q - 1e-12);
  return k === -1 ? null : k;
}

/** Tolerance for a simulated share vs its exact value: `sigmas` binomial standard errors, plus one trial's weight. */
export function tolerance(p: number, trials: number, sigmas = 5): number {
  return sigmas * Math.sqrt((p * (1 - p)) / trials) + 1 / trials;
}

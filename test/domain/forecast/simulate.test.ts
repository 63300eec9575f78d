import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PeriodDistribution, simulateThroughput, STANDARD_PERCENTILES } from "../../../src/domain/forecast/index.js";
import { exactDoneWithin, exactPercentile, tolerance } from "./exact.js";

const TRIALS = 20_000;

describe("simulateThroughput against exact answers (convolution)", () => {
  const cases: Array<{ throughput: number[]; remaining: number }> = [
    { throughput: [2, 0, 5, 3], remaining: 28 },
    { throughput: [1, 1, 4], remaining: 10 },
    { throughput: [0, 0, 0, 7], remaining: 14 },
    { throughput: [3], remaining: 10 },
  ];

  for (const { throughput, remaining } of cases) {
    it(`P(done within k) matches for throughput ${throughput.join(",")} remaining ${remaining}`, () => {
      const { distribution } = simulateThroughput({ throughput, remaining, trials: TRIALS, seed: `exact-${throughput.join("-")}` });
      const exact = exactDoneWithin(throughput, remaining, 60);
      for (let k = 0; k <= 60; k++) {
        const p = exact[k]!;
        expect(Math.abs(distribution.probabilityByDeadline(k) - p), `k=${k}`).toBeLessThanOrEqual(tolerance(p, TRIALS));
      }
    });

    it(`percentiles are the exact nearest-rank ones, or a neighbour where the exact CDF is within noise of q (${throughput.join(",")})`, () => {
      const { distribution } = simulateThroughput({ throughput, remaining, trials: TRIALS, seed: 99 });
      const exact = exactDoneWithin(throughput, remaining, 200);
      for (const pct of STANDARD_PERCENTILES) {
        const q = pct / 100;
        const simulated = distribution.percentile(q)!;
        const truth = exactPercentile(exact, q)!;
        if (simulated !== truth) {
          // Only allowed when the exact CDF at the boundary is statistically indistinguishable from q.
          expect(Math.abs(simulated - truth)).toBe(1);
          const boundary = exact[Math.min(simulated, truth)]!;
          expect(Math.abs(boundary - q)).toBeLessThanOrEqual(tolerance(q, TRIALS));
        }
      }
    });
  }

  it("the deterministic single-value throughput gives exactly ceil(remaining / value) periods in every trial", () => {
    const { periods } = simulateThroughput({ throughput: [3], remaining: 10, trials: 500, seed: 1 });
    expect(new Set(periods)).toEqual(new Set([4]));
  });

  it("no remaining work takes zero periods", () => {
    const { distribution } = simulateThroughput({ throughput: [0, 2], remaining: 0, trials: 100, seed: 1 });
    expect(distribution.percentile(0.95)).toBe(0);
    expect(distribution.probabilityByDeadline(0)).toBe(1);
  });
});

describe("cannot finish", () => {
  it("all-zero throughput ends at once with every trial unfinished, never loops", () => {
    const started = performance.now();
    const { distribution, periods } = simulateThroughput({ throughput: [0, 0, 0], remaining: 5, trials: 10_000, seed: 3 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(distribution.cannotFinish).toBe(true);
    expect(distribution.percentile(0.5)).toBeNull();
    expect(distribution.probabilityByDeadline(1_000)).toBe(0);
    expect(periods[0]).toBe(distribution.maxPeriods + 1);
  });

  it("trials that hit the period cap are unfinished and push high percentiles to null", () => {
    // Mostly zero weeks: finishing 3 stories within 4 periods is rare.
    const { distribution } = simulateThroughput({ throughput: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1], remaining: 3, trials: 2_000, seed: 5, maxPeriods: 4 });
    expect(distribution.unfinished).toBeGreaterThan(1_900);
    expect(distribution.cannotFinish).toBe(false);
    expect(distribution.percentile(0.5)).toBeNull();
  });

  it("rejects bad input with a RangeError", () => {
    expect(() => simulateThroughput({ throughput: [], remaining: 1, trials: 10, seed: 1 })).toThrow(RangeError);
    expect(() => simulateThroughput({ throughput: [1, -1], remaining: 1, trials: 10, seed: 1 })).toThrow(/≥ 0/);
    expect(() => simulateThroughput({ throughput: [1], remaining: -1, trials: 10, seed: 1 })).toThrow(/remaining/);
    expect(() => simulateThroughput({ throughput: [1], remaining: 1, trials: 0, seed: 1 })).toThrow(/trials/);
  });
});

describe("PeriodDistribution (nearest rank, by hand)", () => {
  // 10 trials: 2 done in period 1, 3 in period 2, 4 in period 3, 1 unfinished (cap 5).
  const counts = Uint32Array.from([0, 2, 3, 4, 0, 0, 1]);
  const d = new PeriodDistribution(counts, 5);
  it("percentile is the first period whose cumulative share reaches q", () => {
    expect(d.percentile(0.2)).toBe(1); // 2/10 reaches 0.2 exactly
    expect(d.percentile(0.21)).toBe(2);
    expect(d.percentile(0.5)).toBe(2); // 5/10
    expect(d.percentile(0.9)).toBe(3); // 9/10
    expect(d.percentile(0.95)).toBeNull(); // the 10th trial never finished
  });
  it("probabilityByDeadline counts trials done within `by` periods", () => {
    expect(d.probabilityByDeadline(0)).toBe(0);
    expect(d.probabilityByDeadline(2)).toBe(0.5);
    expect(d.probabilityByDeadline(99)).toBe(0.9);
  });
  it("exact ranks do not suffer from floating point (0.85 × 100 trials is rank 85)", () => {
    const c = PeriodDistribution.emptyCounts(200);
    for (let k = 1; k <= 100; k++) c[k] = 1;
    const e = new PeriodDistribution(c, 200);
    expect(e.percentile(0.85)).toBe(85);
    expect(e.percentile(0.7)).toBe(70);
    expect(e.percentile(0.95)).toBe(95);
  });
});

describe("properties", () => {
  const throughputArb = fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 12 }).filter((t) => t.some((v) => v > 0));
  const params = { numRuns: 40 };

  it("percentiles are monotone in q", () => {
    fc.assert(
      fc.property(throughputArb, fc.integer({ min: 0, max: 60 }), fc.integer(), (throughput, remaining, seed) => {
        const { distribution } = simulateThroughput({ throughput, remaining, trials: 500, seed });
        const ps = [0.1, 0.5, 0.7, 0.85, 0.95, 1].map((q) => distribution.percentile(q) ?? Infinity);
        for (let i = 1; i < ps.length; i++) expect(ps[i]).toBeGreaterThanOrEqual(ps[i - 1]!);
      }),
      params,
    );
  });

  it("more remaining work is never earlier (every trial, hence every percentile)", () => {
    fc.assert(
      fc.property(throughputArb, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 30 }), fc.integer(), (throughput, remaining, extra, seed) => {
        const a = simulateThroughput({ throughput, remaining, trials: 300, seed });
        const b = simulateThroughput({ throughput, remaining: remaining + extra, trials: 300, seed });
        for (let t = 0; t < 300; t++) expect(b.periods[t]).toBeGreaterThanOrEqual(a.periods[t]!);
        for (const q of [0.5, 0.85, 0.95]) expect(b.distribution.percentile(q) ?? Infinity).toBeGreaterThanOrEqual(a.distribution.percentile(q) ?? Infinity);
      }),
      params,
    );
  });

  it("the same seed gives identical trials", () => {
    fc.assert(
      fc.property(throughputArb, fc.integer({ min: 1, max: 60 }), fc.oneof(fc.integer(), fc.string()), (throughput, remaining, seed) => {
        const a = simulateThroughput({ throughput, remaining, trials: 200, seed });
        const b = simulateThroughput({ throughput, remaining, trials: 200, seed });
        expect(b.periods).toEqual(a.periods);
      }),
      params,
    );
  });

  it("different seeds give different trials when the outcome is random", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (s1, s2) => {
        fc.pre(s1 !== s2);
        const a = simulateThroughput({ throughput: [0, 1, 2, 3, 4, 5], remaining: 40, trials: 200, seed: s1 });
        const b = simulateThroughput({ throughput: [0, 1, 2, 3, 4, 5], remaining: 40, trials: 200, seed: s2 });
        expect(b.periods).not.toEqual(a.periods);
      }),
      params,
    );
  });
});

// A regression guard against accidental quadratic work or an unbounded loop, not a benchmark (about 2 s here alone;
// the bound leaves room for a loaded CI machine running other suites in parallel).
it("is fast: 10,000 trials × 300 backlogs in seconds", () => {
  const started = performance.now();
  for (let i = 0; i < 300; i++) simulateThroughput({ throughput: [2, 0, 5, 3, 4, 1, 6, 2, 3, 0, 4, 5], remaining: 30 + (i % 20), trials: 10_000, seed: i });
  expect(performance.now() - started).toBeLessThan(10_000);
});

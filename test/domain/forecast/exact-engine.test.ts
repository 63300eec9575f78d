import { describe, expect, it } from "vitest";
import { forecastExactly, exactCounts } from "../../../src/domain/forecast/exact.js";
import { queueModelOf, simulateJoint, WorkMode, type QueueModel } from "../../../src/domain/forecast/joint.js";
import { ThroughputSampler } from "../../../src/domain/forecast/simulate.js";
import { PeriodDistribution } from "../../../src/domain/forecast/distribution.js";
import { exactDoneWithin, tolerance } from "./exact.js";
import { randomModel } from "./random-model.js";

/** P(done by week k) for k = 0…maxPeriods from a counts histogram (trials or exact weights). */
function cdfOf(counts: ArrayLike<number> | { counts: ArrayLike<number>; unfinished: number }, maxPeriods: number): number[] {
  const periods = "unfinished" in counts ? counts.counts : counts;
  let total = "unfinished" in counts ? counts.unfinished : 0;
  for (let k = 0; k < periods.length; k++) total += periods[k]!;
  const out: number[] = [];
  let done = 0;
  for (let k = 0; k <= maxPeriods; k++) out.push((done += periods[k] ?? 0) / total);
  return out;
}

function oneQueue(throughput: number[], works: number[], maxPeriods = 80): QueueModel {
  const parts = works.map((open) => ({ squad: 0, open, initial: open, current: open }));
  return queueModelOf({
    squads: [{ seed: "s", sampler: new ThroughputSampler(throughput), queue: parts.map((_, i) => i) }],
    parts,
    useCases: parts.map((_, i) => ({ seed: `u${i}`, mode: WorkMode.Fixed, parts: [i], criteria: 1, ratios: new Float64Array(0) })),
    growth: new Float64Array(0),
    maxPeriods,
  });
}

// Exact to 1e−9: a part stops once it is that close to certain (CERTAIN in exact.ts), so values agree to 8 places.
describe("forecastExactly (the Monte Carlo's limit, computed)", () => {
  it("a queue's parts match independent convolutions of the cumulative work", () => {
    const throughput = [2, 0, 5, 3, 1, 0, 4];
    const works = [7, 3, 12, 1];
    const { done } = forecastExactly(oneQueue(throughput, works));
    let cumulative = 0;
    works.forEach((w, j) => {
      cumulative += w;
      const expected = exactDoneWithin(throughput, cumulative, 80);
      const got = cdfOf(exactCounts(done[j]!, 80), 80);
      for (let k = 0; k <= 80; k++) expect(got[k]!, `part ${j}, week ${k}`).toBeCloseTo(expected[k]!, 8);
    });
  });

  it("a use case held by two squads is done by week k with the product of the squads' probabilities", () => {
    const parts = [
      { squad: 0, open: 10, initial: 10, current: 10 },
      { squad: 1, open: 8, initial: 8, current: 8 },
    ];
    const model: QueueModel = queueModelOf({
      squads: [
        { seed: "a", sampler: new ThroughputSampler([1, 2, 3]), queue: [0] },
        { seed: "b", sampler: new ThroughputSampler([0, 4]), queue: [1] },
      ],
      parts,
      useCases: [{ seed: "u", mode: WorkMode.Fixed, parts: [0, 1], criteria: 1, ratios: new Float64Array(0) }],
      growth: new Float64Array(0),
      maxPeriods: 40,
    });
    const got = cdfOf(exactCounts(forecastExactly(model).done[0]!, 40), 40);
    const a = exactDoneWithin([1, 2, 3], 10, 40);
    const b = exactDoneWithin([0, 4], 8, 40);
    for (let k = 0; k <= 40; k++) expect(got[k]!, `week ${k}`).toBeCloseTo(a[k]! * b[k]!, 8);
  });

  it("a squad that never closed anything never finishes (all the mass is past the cap)", () => {
    const { counts, unfinished } = exactCounts(forecastExactly(oneQueue([0, 0, 0], [3], 30)).done[0]!, 30);
    const distribution = new PeriodDistribution(counts, 30, unfinished);
    expect(distribution.cannotFinish).toBe(true);
    expect(distribution.percentile(0.5)).toBeNull();
  });

  it("agrees with the seeded Monte Carlo on random portfolios (every work mode, joint use cases, the cap) within 5 SE", () => {
    const trials = 20_000;
    for (const seed of [3, 11, 29, 57]) {
      const model = randomModel(seed, trials, 40);
      const simulated = simulateJoint(model);
      const exact = forecastExactly(model);
      for (let i = 0; i < model.useCases.count; i++) {
        const mc = cdfOf(simulated.histograms[i]!, 40);
        const ex = cdfOf(exactCounts(exact.done[i]!, 40), 40);
        for (let k = 0; k <= 40; k++) {
          expect(Math.abs(mc[k]! - ex[k]!), `model ${seed}, use case ${i}, week ${k}`).toBeLessThanOrEqual(tolerance(ex[k]!, trials));
        }
        // Work per trial is at most a few dozen stories: 5 SE of its mean is well under 0.5.
        expect(Math.abs(simulated.meanWork[i]! - exact.meanWork[i]!), `model ${seed}, use case ${i}, mean work`).toBeLessThan(0.5);
      }
    }
  });

  it("a short horizon (a backtest replay) gives the long one's weights bit for bit, week by week within it", () => {
    // A horizon of k weeks lets the engine cut every work distribution at what k weeks of the best throughput can
    // cover: nothing beyond it may change a single figure within the horizon.
    let compared = 0;
    for (const seed of [3, 11, 29, 57, 101, 202]) {
      const full = forecastExactly(randomModel(seed, 1, 60)).done;
      for (const k of [1, 2, 3, 5, 8]) {
        const short = forecastExactly(randomModel(seed, 1, k)).done;
        short.forEach((weights, i) => {
          expect(weights.length, `model ${seed}, horizon ${k}, use case ${i}`).toBe(Math.min(full[i]!.length, k + 1));
          for (let t = 0; t < weights.length; t++) expect(weights[t], `model ${seed}, horizon ${k}, use case ${i}, week ${t}`).toBe(full[i]![t]);
          compared += weights.length;
        });
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it("the counts written into a reused array are the weights' own, and read as a distribution the same way", () => {
    const into = new Float64Array(42);
    for (const seed of [3, 11, 29]) {
      for (const maxPeriods of [2, 6, 40]) {
        const exact = forecastExactly(randomModel(seed, 1, maxPeriods));
        exact.done.forEach((weights, i) => {
          const { counts, unfinished } = exactCounts(weights, maxPeriods);
          const distribution = new PeriodDistribution(counts, maxPeriods, unfinished);
          const written = exact.countsInto(i, into);
          expect([...into.subarray(0, written.length)], `model ${seed}, cap ${maxPeriods}, use case ${i}`).toEqual([...counts]);
          expect(written.unfinished).toBe(unfinished);
          const read = new PeriodDistribution(into.subarray(0, written.length), maxPeriods, written.unfinished);
          for (let k = 0; k <= maxPeriods + 1; k++) {
            expect(read.probabilityByDeadline(k), `model ${seed}, cap ${maxPeriods}, use case ${i}, week ${k}`).toBe(distribution.probabilityByDeadline(k));
          }
        });
      }
    }
  });

  it("weights sum to 1 and the nearest-rank percentile reads them as shares", () => {
    const { done } = forecastExactly(oneQueue([1, 3], [6]));
    const { counts, unfinished } = exactCounts(done[0]!, 80);
    const distribution = new PeriodDistribution(counts, 80, unfinished);
    expect(distribution.trials).toBeCloseTo(1, 12);
    // S_k ≥ 6: k = 2 needs 3+3 (1/4); k = 3: 1 − P(S_3 < 6) = 1 − P(1,1,1 or two 1s and a 3) = 1 − 4/8 = 1/2.
    expect(distribution.probabilityByDeadline(2)).toBeCloseTo(0.25, 12);
    expect(distribution.probabilityByDeadline(3)).toBeCloseTo(0.5, 12);
    expect(distribution.percentile(0.5)).toBe(3);
  });
});

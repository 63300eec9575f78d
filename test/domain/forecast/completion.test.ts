import { describe, expect, it } from "vitest";
import { forecastSection } from "../../../src/config/sections/forecast.js";
import { exactCounts, forecastExactly } from "../../../src/domain/forecast/exact.js";
import type { CompletionDays } from "../../../src/domain/forecast/completion-days.js";
import { completionDistributions, planPortfolio } from "../../../src/domain/forecast/plan.js";
import { generatePortfolio } from "../../../src/domain/snapshot/generate.js";

const figures = (d: CompletionDays, deadlineDay: number) => [d.total, d.unfinished, d.percentileDay(0.5), d.percentileDay(0.85), d.probabilityByDay(deadlineDay), d.weeks];

/** The completion pmf in days by brute force: week k ≥ 1 spread evenly over days 7k − 6 … 7k, plus every gate sum. */
function bruteForceDays(counts: ArrayLike<number>, gateDays: ArrayLike<number>, gateProbabilities: ArrayLike<number>): Map<number, number> {
  const pmf = new Map<number, number>();
  const add = (day: number, p: number) => pmf.set(day, (pmf.get(day) ?? 0) + p);
  for (let k = 0; k < counts.length; k++) {
    const workDays = k === 0 ? [0] : [1, 2, 3, 4, 5, 6, 7].map((j) => 7 * (k - 1) + j);
    for (const w of workDays) for (let g = 0; g < gateDays.length; g++) add(w + gateDays[g]!, (counts[k]! / workDays.length) * gateProbabilities[g]!);
  }
  return pmf;
}

describe("completion distributions in days (work, then the gate time left)", () => {
  const input = generatePortfolio({ useCases: 200, seed: 4, now: "2026-11-23" });
  const config = forecastSection.parse({});

  it("are the same whichever order they are asked for in (the exact method reuses its arrays between calls)", () => {
    for (const horizon of [3, config.maxWeeks]) {
      const plan = planPortfolio(input, Date.parse("2026-10-05T00:00:00Z"), config, 1, horizon);
      const { distribution } = completionDistributions(plan, config);
      const order = Array.from({ length: plan.plans.count }, (_, i) => i);
      const forward = order.map((i) => figures(distribution(i), plan.plans.deadlineDay[i]!));
      const backward = order.reverse().map((i) => figures(distribution(i), plan.plans.deadlineDay[i]!)).reverse();
      expect(backward).toEqual(forward);
      expect(forward.length).toBeGreaterThan(50);
    }
  });

  it("equal the work's weeks spread over their days plus the gate time, by brute force", () => {
    const plan = planPortfolio(input, Date.parse("2026-11-23T00:00:00Z"), config, 1, config.maxWeeks);
    const { distribution } = completionDistributions(plan, config);
    const exact = forecastExactly(plan.model);
    let delayed = 0;
    for (let i = 0; i < plan.plans.count; i++) {
      const work = exactCounts(exact.doneOf(i), plan.maxPeriods);
      const gateTime = plan.gatesLeft(i).gateTime;
      if (!gateTime.isZero) delayed++;
      const pmf = bruteForceDays(work.counts, gateTime.values, gateTime.probabilities);
      const days = [...pmf.keys()].sort((a, b) => a - b);
      const d = distribution(i);
      let cumulative = 0;
      let p50: number | null = null;
      let p85: number | null = null;
      for (const day of days) {
        cumulative += pmf.get(day)!;
        if (p50 === null && cumulative >= 0.5 * (1 - 1e-9)) p50 = day;
        if (p85 === null && cumulative >= 0.85 * (1 - 1e-9)) p85 = day;
        if (day % 5 === 0) expect(Math.abs(d.probabilityByDay(day) - cumulative), `use case ${i} day ${day}`).toBeLessThan(1e-9);
      }
      expect([d.percentileDay(0.5), d.percentileDay(0.85)], `use case ${i}`).toEqual([p50, p85]);
    }
    expect(delayed).toBeGreaterThan(20);
  });
});

describe("completion distributions for the reported figures only (the forecast's early stop)", () => {
  it("give every use case the full computation's P50, P85 and P(done by the deadline day)", () => {
    const input = generatePortfolio({ useCases: 600, seed: 11, now: "2026-11-23" });
    const config = forecastSection.parse({});
    let early = 0;
    let jointEarly = 0;
    for (const now of ["2026-11-23T00:00:00Z", "2026-09-14T00:00:00Z"]) {
      const plan = planPortfolio(input, Date.parse(now), config, 1, config.maxWeeks);
      const full = completionDistributions(plan, config);
      const reported = completionDistributions(plan, config, undefined, true);
      for (let i = 0; i < plan.plans.count; i++) {
        const deadline = plan.plans.deadlineDay[i]!;
        const a = full.distribution(i);
        const [p50, p85, onTime, weeks] = [a.percentileDay(0.5), a.percentileDay(0.85), a.probabilityByDay(deadline), a.weeks];
        const b = reported.distribution(i);
        expect([b.percentileDay(0.5), b.percentileDay(0.85)], `use case ${i} as of ${now}`).toEqual([p50, p85]);
        expect(Math.abs(b.probabilityByDay(deadline) - onTime), `use case ${i} as of ${now}`).toBeLessThan(1e-12);
        expect(Math.abs(b.total - 1)).toBeLessThan(1e-12);
        if (b.weeks < weeks) early++;
        const parts = plan.model.useCases.partStart[i + 1]! - plan.model.useCases.partStart[i]!;
        if (parts > 1 && b.weeks < weeks) jointEarly++;
      }
    }
    expect(early).toBeGreaterThan(100); // most use cases stop well before certainty
    expect(jointEarly).toBeGreaterThan(5); // use cases split across squads too (on their joint probability)
  });
});

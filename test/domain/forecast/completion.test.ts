import { describe, expect, it } from "vitest";
import { forecastSection } from "../../../src/config/sections/forecast.js";
import { exactCounts, forecastExactly } from "../../../src/domain/forecast/exact.js";
import { PeriodDistribution } from "../../../src/domain/forecast/distribution.js";
import { completionDistributions, planPortfolio } from "../../../src/domain/forecast/plan.js";
import { generatePortfolio } from "../../../src/domain/snapshot/generate.js";

const figures = (d: PeriodDistribution, deadline: number) => [d.trials, d.unfinished, d.percentile(0.5), d.percentile(0.85), d.probabilityByDeadline(deadline), ...d.counts];

describe("completion distributions (work, then the gate time left)", () => {
  const input = generatePortfolio({ useCases: 200, seed: 4, now: "2026-11-23" });
  const config = forecastSection.parse({});

  it("are the same whichever order they are asked for in (the exact method reuses its arrays between calls)", () => {
    for (const horizon of [3, config.maxWeeks]) {
      const plan = planPortfolio(input, Date.parse("2026-10-05T00:00:00Z"), config, 1, horizon);
      const { distribution } = completionDistributions(plan, config);
      const order = Array.from({ length: plan.plans.count }, (_, i) => i);
      const forward = order.map((i) => figures(distribution(i), plan.plans.deadlinePeriod[i]!));
      const backward = order.reverse().map((i) => figures(distribution(i), plan.plans.deadlinePeriod[i]!)).reverse();
      expect(backward).toEqual(forward);
      expect(forward.length).toBeGreaterThan(50);
    }
  });

  it("equal the work's weights delayed by the gate time, made afresh", () => {
    const plan = planPortfolio(input, Date.parse("2026-11-23T00:00:00Z"), config, 1, config.maxWeeks);
    const { distribution } = completionDistributions(plan, config);
    const exact = forecastExactly(plan.model);
    let delayed = 0;
    for (let i = 0; i < plan.plans.count; i++) {
      const deadline = plan.plans.deadlinePeriod[i]!;
      const work = exactCounts(exact.doneOf(i), plan.maxPeriods);
      const gateTime = plan.gatesLeft(i).gateTime;
      const made = gateTime.isZero ? work : gateTime.delay(work.counts, work.unfinished, plan.maxPeriods);
      if (!gateTime.isZero) delayed++;
      expect(figures(distribution(i), deadline)).toEqual(figures(new PeriodDistribution(made.counts, plan.maxPeriods, made.unfinished), deadline));
    }
    expect(delayed).toBeGreaterThan(20);
  });
});

describe("completion distributions for the reported figures only (the forecast's early stop)", () => {
  it("give every use case the full computation's P50, P85 and P(done by the deadline)", () => {
    const input = generatePortfolio({ useCases: 600, seed: 11, now: "2026-11-23" });
    const config = forecastSection.parse({});
    let early = 0;
    for (const now of ["2026-11-23T00:00:00Z", "2026-09-14T00:00:00Z"]) {
      const plan = planPortfolio(input, Date.parse(now), config, 1, config.maxWeeks);
      const full = completionDistributions(plan, config);
      const reported = completionDistributions(plan, config, undefined, true);
      for (let i = 0; i < plan.plans.count; i++) {
        const deadline = plan.plans.deadlinePeriod[i]!;
        const a = full.distribution(i);
        const [p50, p85, onTime, periods] = [a.percentile(0.5), a.percentile(0.85), a.probabilityByDeadline(deadline), a.counts.length];
        const b = reported.distribution(i);
        expect([b.percentile(0.5), b.percentile(0.85)], `use case ${i} as of ${now}`).toEqual([p50, p85]);
        expect(Math.abs(b.probabilityByDeadline(deadline) - onTime), `use case ${i} as of ${now}`).toBeLessThan(1e-12);
        expect(Math.abs(b.trials - 1)).toBeLessThan(1e-12);
        if (b.counts.length < periods) early++;
      }
    }
    expect(early).toBeGreaterThan(100); // most use cases stop well before certainty
  });
});

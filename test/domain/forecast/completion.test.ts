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

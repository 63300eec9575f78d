import { describe, expect, it } from "vitest";
import { backtestPortfolio } from "../../../src/domain/forecast/backtest.js";
import { forecastPortfolio, type ForecastInput } from "../../../src/domain/forecast/index.js";
import { endOfDay, ms, WEEK_MS } from "../../../src/domain/forecast/input.js";
import { cutByHand } from "./cut-by-hand.js";
import { generatePortfolio } from "../../../src/domain/snapshot/generate.js";

/**
 * The backtest scores each replay from the plan and only the distributions it can score (backtest.ts). Here every
 * replay is the full forecast instead, scored by the rules as documented: the two must agree exactly.
 */
function referenceScores(snapshot: ForecastInput, now: string, weeks: number, every: number) {
  const nowMs = ms(`${now}T00:00:00Z`);
  const known = new Map(cutByHand(snapshot, nowMs).useCases.map((u) => [u.id, u]));
  const perWeek: Array<{ resolved: number; p85Resolved: number; p85Covered: number; brier: number | null }> = [];
  for (let k = weeks; k >= 1; k -= every) {
    const then = new Date(nowMs - k * WEEK_MS).toISOString();
    const forecast = forecastPortfolio(snapshot, { now: then, horizonWeeks: k });
    let resolved = 0;
    let squared = 0;
    let p85Resolved = 0;
    let p85Covered = 0;
    for (const f of forecast.useCases) {
      const u = known.get(f.id);
      if (!u || (u.deployedAt === undefined && u.state === "closed")) continue;
      const deployedAt = u.deployedAt === undefined ? undefined : ms(u.deployedAt);
      const deadline = endOfDay(f.deadline);
      if (!f.overdue && deadline <= nowMs) {
        const onTime = deployedAt !== undefined && deployedAt <= deadline;
        squared += (f.pOnTime - (onTime ? 1 : 0)) ** 2;
        resolved++;
      }
      if (f.p85Date !== null && endOfDay(f.p85Date) <= nowMs) {
        p85Resolved++;
        if (deployedAt !== undefined && deployedAt <= endOfDay(f.p85Date)) p85Covered++;
      }
    }
    perWeek.push({ resolved, p85Resolved, p85Covered, brier: resolved === 0 ? null : squared / resolved });
  }
  return perWeek;
}

describe("backtest replays (lean) agree with full forecasts scored by hand", () => {
  it("on a generated 300-use-case portfolio, every replay of every second week and of every week", () => {
    const now = "2026-11-23";
    const snapshot = generatePortfolio({ useCases: 300, seed: 5, now });
    for (const every of [2, 1]) {
      const lean = backtestPortfolio(snapshot, { now, config: { backtestWeeks: 12, backtestEveryWeeks: every } });
      const reference = referenceScores(snapshot, now, 12, every);
      expect(lean.perWeek.length).toBe(reference.length);
      lean.perWeek.forEach((week, i) => {
        const ref = reference[i]!;
        expect({ resolved: week.resolved, p85Resolved: week.p85Resolved, p85Covered: week.p85Covered }, `every ${every}, replay ${i}`).toEqual({
          resolved: ref.resolved,
          p85Resolved: ref.p85Resolved,
          p85Covered: ref.p85Covered,
        });
        if (ref.brier === null) expect(week.brier).toBeNull();
        else expect(week.brier).toBeCloseTo(ref.brier, 12);
      });
      expect(lean.p85.resolved + lean.resolved).toBeGreaterThan(0); // the portfolio does resolve forecasts
    }
  });
});

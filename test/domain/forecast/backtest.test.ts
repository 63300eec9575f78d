import { describe, expect, it } from "vitest";
import { backtestPortfolio, calibrationLine, forecastPortfolio, type Calibration, type ForecastUseCase } from "../../../src/domain/forecast/index.js";
import { at, inFlight, NOW, portfolio } from "./portfolio-fixtures.js";

/**
 * A portfolio whose forecasts are certain, so every score can be worked out by hand. The backtest replays one week:
 * t = NOW − 7 days. Squad alpha closed exactly 3 stories in every week before (and after) t.
 */
const T = -7; // days from NOW
const steady: ForecastUseCase = inFlight("h/steady", {}, {
  filedAt: at(-200),
  splitAt: at(-150),
  stories: Array.from({ length: 14 }, (_, j) => [0, 1, 2].map((i) => ({ id: `h-${j}-${i}`, squad: "alpha", openedAt: at(-150), closedAt: at(T - 7 * j + 3.5) }))).flat()
    // the week after t too, so the squad stays busy
    .concat([0, 1, 2].map((i) => ({ id: `h-next-${i}`, squad: "alpha", openedAt: at(-150), closedAt: at(T + 3.5) }))),
  deployedAt: at(-100),
});
const open = (id: string, n: number, extra: Partial<ForecastUseCase>) =>
  inFlight(id, {}, {
    filedAt: at(-30),
    splitAt: at(-20),
    stories: Array.from({ length: n }, (_, i) => ({ id: `${id}-${i}`, squad: "alpha", openedAt: at(-20), closedAt: null })),
    ...extra,
  });
const tDay = (days: number) => at(T + days).slice(0, 10);

const input = portfolio([
  steady,
  // 3 stories due within period 1 ⇒ P(on time) = 1; deployed on time (3 days after t). P85 = 1 week: covered.
  open("u/on-time", 3, { priority: 1, deadline: tDay(7), deployedAt: at(T + 3) }),
  // 6 more stories queued behind it (9 in all) due in 4 days (period 0) ⇒ P = 0; deployed after that. P85 = 3 weeks: covered.
  open("u/late", 6, { priority: 2, deadline: tDay(4), deployedAt: at(T + 6) }),
  // Nothing left but due tomorrow ⇒ period 0 ⇒ P = 1; never deployed, deadline passed ⇒ missed. P85 = t: not covered.
  open("u/missed", 0, { priority: 3, deadline: tDay(1), stories: [{ id: "m-1", squad: "alpha", openedAt: at(-20), closedAt: at(-15) }] }),
  // Overdue already at t: left out of the Brier score.
  open("u/overdue", 3, { priority: 4, deadline: tDay(-2) }),
]);

describe("backtest arithmetic (certain forecasts, scores by hand)", () => {
  const c = backtestPortfolio(input, { now: NOW, seed: 1, config: { backtestWeeks: 1, backtestTrials: 500 } });

  it("replays as of t with the forecasts worked out by hand", () => {
    const atT = forecastPortfolio(input, { now: at(T), seed: 1, config: { trials: 500 } });
    const byId = Object.fromEntries(atT.useCases.map((u) => [u.id, u]));
    expect(byId["u/on-time"]).toMatchObject({ pOnTime: 1, p85Weeks: 1 });
    expect(byId["u/late"]).toMatchObject({ pOnTime: 0, p85Weeks: 3 });
    expect(byId["u/missed"]).toMatchObject({ pOnTime: 1, p85Weeks: 0 });
    expect(byId["u/overdue"]!.status).toBe("overdue");
    expect(c.perWeek).toHaveLength(1);
    expect(c.perWeek[0]).toMatchObject({ asOf: at(T), inFlight: 4, resolved: 3 });
  });

  it("Brier score, base rate and skill", () => {
    // outcomes on time: 1, 0, 0 with p = 1, 0, 1 ⇒ Brier (0 + 0 + 1) / 3; base rate 1/3 ⇒ (4/9 + 1/9 + 1/9) / 3 = 2/9.
    expect(c.resolved).toBe(3);
    expect(c.brier).toBeCloseTo(1 / 3, 12);
    expect(c.baseRate).toBeCloseTo(1 / 3, 12);
    expect(c.baseBrier).toBeCloseTo(2 / 9, 12);
    expect(c.skill).toBeCloseTo(1 - 1 / 3 / (2 / 9), 12);
  });

  it("P85 coverage counts deployments by the P85 date, and known misses", () => {
    // on-time and late deployed by their P85 dates; missed is past its P85 date undeployed; overdue: p85 later than now.
    expect(c.p85.resolved).toBe(3);
    expect(c.p85.covered).toBe(2);
    expect(c.p85.coverage).toBeCloseTo(2 / 3, 12);
  });

  it("prints one calibration line", () => {
    expect(calibrationLine(c)).toBe(
      "Backtest over the last 1 weeks: the P85 date held for 67% of 3 resolved forecasts (well calibrated: about 85%); Brier score of P(on time) 0.333 vs 0.222 for always saying the 33% base rate (lower is better, skill −50%).",
    );
  });
});

describe("backtest uses no data from after the replayed week", () => {
  it("a forecast as of t is unchanged by anything that happened after t (only the scoring sees it)", () => {
    const later = structuredClone(input);
    // Had the replay seen this story, u/on-time would need 2 weeks: P(on time) 0 instead of 1, a different Brier score.
    const u = later.useCases.find((x) => x.id === "u/on-time") as ForecastUseCase & { stories: ForecastUseCase["stories"] };
    u.stories = [...u.stories, { id: "added-after-t", squad: "alpha", openedAt: at(T + 1), closedAt: at(T + 2) }];
    const leaked = backtestPortfolio({ ...later, useCases: later.useCases.map((x) => ({ ...x, filedAt: at(-60), stories: x.stories.map((s) => ({ ...s, openedAt: at(-60) })) })) }, { now: NOW, seed: 1, config: { backtestWeeks: 1, backtestTrials: 500 } });
    expect(leaked.brier).not.toBeCloseTo(1 / 3, 6); // the same story known before t does move the score
    const a = backtestPortfolio(input, { now: NOW, seed: 1, config: { backtestWeeks: 1, backtestTrials: 500 } });
    const b = backtestPortfolio(later, { now: NOW, seed: 1, config: { backtestWeeks: 1, backtestTrials: 500 } });
    expect(b).toEqual(a);
  });
});

describe("calibrationLine", () => {
  const empty: Calibration = { asOf: NOW, weeks: 12, resolved: 0, brier: null, baseRate: null, baseBrier: null, skill: null, p85: { resolved: 0, covered: 0, coverage: null }, perWeek: [] };
  it("says calibration is unknown when nothing resolved", () => {
    expect(calibrationLine(empty)).toMatch(/no forecast has resolved yet/);
  });
  it("does not claim skill against a degenerate base rate", () => {
    const allLate = { ...empty, resolved: 4, brier: 0.1, baseRate: 0, baseBrier: 0, p85: { resolved: 4, covered: 3, coverage: 0.75 } };
    expect(calibrationLine(allLate)).toMatch(/all 4 resolved forecasts were late, so the Brier score \(0\.100\) has no base rate to beat/);
  });
});

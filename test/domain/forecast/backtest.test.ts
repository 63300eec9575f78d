import { describe, expect, it } from "vitest";
import { backtestPortfolio, calibrationLine, calibrationTable, forecastPortfolio, type Calibration, type ForecastUseCase } from "../../../src/domain/forecast/index.js";
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

const done = (id: string) => [{ id: `${id}-done`, squad: "alpha", openedAt: at(-20), closedAt: at(-15) }];

// Every deadline in the replayed week falls in period 0 (its end is before t + 7 days): P(on time) is 1 for a use case
// with no work left and 0 otherwise. Queue (priority order): late 3, lucky 3, future 3, overdue 3 stories at 3/week.
const input = portfolio([
  steady,
  // No work left ⇒ P = 1, P85 = week 0 (day t); deployed the same day ⇒ on time, P85 covered.
  open("u/on-time", 0, { priority: 1, stories: done("u/on-time"), deadline: tDay(3), deployedAt: at(T + 0.5) }),
  // 3 stories ⇒ P = 0; deployed after its deadline ⇒ late. P85 = week 1 (t + 7), its end not passed by now: unscored.
  open("u/late", 3, { priority: 2, deadline: tDay(3), deployedAt: at(T + 5) }),
  // 6 stories cumulative ⇒ P = 0, but deployed by its deadline ⇒ on time (a forecast that was wrong). P85 week 2.
  open("u/lucky", 3, { priority: 3, deadline: tDay(4), deployedAt: at(T + 4) }),
  // No work left ⇒ P = 1, P85 = day t; never deployed, deadline passed ⇒ missed, P85 passed undeployed: not covered.
  open("u/missed", 0, { priority: 4, stories: done("u/missed"), deadline: tDay(1) }),
  // Deployed early but its deadline is still ahead: not scored yet (right-censoring).
  open("u/future", 3, { priority: 5, deadline: tDay(30), deployedAt: at(T + 6) }),
  // Overdue already at t: left out of the Brier score.
  open("u/overdue", 3, { priority: 9, deadline: tDay(-2) }),
]);

describe("backtest arithmetic (certain forecasts, scores by hand)", () => {
  const c = backtestPortfolio(input, { now: NOW, seed: 1, config: { backtestWeeks: 1, backtestTrials: 500 } });

  it("replays as of t with the forecasts worked out by hand", () => {
    const atT = forecastPortfolio(input, { now: at(T), seed: 1, config: { trials: 500 } });
    const byId = Object.fromEntries(atT.useCases.map((u) => [u.id, u]));
    expect(byId["u/on-time"]).toMatchObject({ pOnTime: 1, p85Weeks: 0 });
    expect(byId["u/late"]).toMatchObject({ pOnTime: 0, p85Weeks: 1 });
    expect(byId["u/lucky"]).toMatchObject({ pOnTime: 0, p85Weeks: 2 });
    expect(byId["u/missed"]).toMatchObject({ pOnTime: 1, p85Weeks: 0 });
    expect(byId["u/future"]).toMatchObject({ p85Weeks: 3 });
    expect(byId["u/overdue"]!.status).toBe("overdue");
    expect(c.perWeek).toHaveLength(1);
    expect(c.perWeek[0]).toMatchObject({ asOf: at(T), inFlight: 6, resolved: 4 });
  });

  it("replays every backtestEveryWeeks weeks, oldest first, each a whole number of weeks before now", () => {
    const strided = backtestPortfolio(input, { now: NOW, seed: 1, config: { backtestWeeks: 5, backtestEveryWeeks: 2 } });
    const weeksBack = strided.perWeek.map((w) => (Date.parse(NOW) - Date.parse(w.asOf)) / (7 * 86_400_000));
    expect(weeksBack).toEqual([5, 3, 1]);
    expect(strided).toMatchObject({ weeks: 5, everyWeeks: 2 });
  });

  it("Brier score, base rate and skill over the forecasts whose deadline has passed", () => {
    // (p, on time): on-time (1, 1), late (0, 0), lucky (0, 1), missed (1, 0) ⇒ Brier (0 + 0 + 1 + 1) / 4 = 0.5;
    // base rate 2/4 ⇒ its Brier is 0.25; skill = 1 − 0.5 / 0.25 = −1. u/future (deadline ahead) is not in it.
    expect(c.resolved).toBe(4);
    expect(c.brier).toBeCloseTo(0.5, 12);
    expect(c.baseRate).toBeCloseTo(0.5, 12);
    expect(c.baseBrier).toBeCloseTo(0.25, 12);
    expect(c.skill).toBeCloseTo(-1, 12);
  });

  it("P85 coverage over the forecasts whose P85 date has passed", () => {
    // Only on-time (covered) and missed (not covered) have a P85 date (day t) that ended before now.
    expect(c.p85).toEqual({ resolved: 2, covered: 1, coverage: 0.5 });
  });

  it("coverage at P50, P70, P85 and P95: each percentile's date scored once it has passed", () => {
    // Both certain forecasts have every percentile at day t; the others' dates (weeks 1–3) have not ended by now.
    expect(c.coverage).toEqual([0.5, 0.7, 0.85, 0.95].map((percentile) => ({ percentile, resolved: 2, covered: 1, coverage: 0.5 })));
  });

  it("reliability bins of P(on time): mean forecast and observed on-time share per bin", () => {
    // (1, on time) and (1, missed) in the top bin; (0, late) and (0, lucky: on time) in the bottom one.
    expect(c.reliability.map((b) => [b.from, b.forecasts, b.meanForecast, b.observed])).toEqual([
      [0, 2, 0, 0.5],
      [0.2, 0, null, null],
      [0.4, 0, null, null],
      [0.6, 0, null, null],
      [0.8, 2, 1, 0.5],
    ]);
  });

  it("prints the table the CLI shows", () => {
    const table = calibrationTable(c);
    expect(table).toMatch(/^P85\s+85%\s+50%\s+2\s+1$/m);
    expect(table).toMatch(/^P95\s+95%\s+50%\s+2\s+1$/m);
    expect(table).toContain("Brier score of P(on time) 0.500 over 4 forecasts vs 0.250 for the 50% base rate: skill −1.00");
    expect(table).toMatch(/^80–100%\s+2\s+100%\s+50%$/m);
  });

  it("prints one calibration line", () => {
    expect(calibrationLine(c)).toBe(
      "Backtest over the last 1 week: the P85 date held for 50% of 2 resolved forecasts (well calibrated: about 85%); Brier score of P(on time) 0.500 vs 0.250 for always saying the 50% base rate (lower is better, skill −100%).",
    );
  });
});

describe("backtest uses no data from after the replayed week", () => {
  it("a forecast as of t is unchanged by anything that happened after t (only the scoring sees it)", () => {
    const later = structuredClone(input);
    // Had the replay seen this story, u/on-time would have work left: P(on time) 0 instead of 1, another Brier score.
    const u = later.useCases.find((x) => x.id === "u/on-time") as ForecastUseCase & { stories: ForecastUseCase["stories"] };
    u.stories = [...u.stories, { id: "added-after-t", squad: "alpha", openedAt: at(T + 1), closedAt: at(T + 2) }];
    const leaked = backtestPortfolio({ ...later, useCases: later.useCases.map((x) => ({ ...x, filedAt: at(-60), stories: x.stories.map((s) => ({ ...s, openedAt: at(-60) })) })) }, { now: NOW, seed: 1, config: { backtestWeeks: 1, backtestTrials: 500 } });
    expect(leaked.brier).toBeCloseTo(0.75, 12); // the same story known before t does move the score (0.5 → 0.75)
    const a = backtestPortfolio(input, { now: NOW, seed: 1, config: { backtestWeeks: 1, backtestTrials: 500 } });
    const b = backtestPortfolio(later, { now: NOW, seed: 1, config: { backtestWeeks: 1, backtestTrials: 500 } });
    expect(b).toEqual(a);
  });
});

describe("calibrationLine", () => {
  const empty: Calibration = { asOf: NOW, weeks: 12, everyWeeks: 1, resolved: 0, brier: null, baseRate: null, baseBrier: null, skill: null, p85: { resolved: 0, covered: 0, coverage: null }, coverage: [], reliability: [], perWeek: [] };
  it("says calibration is unknown when nothing resolved", () => {
    expect(calibrationLine(empty)).toMatch(/no forecast has resolved yet/);
  });
  it("does not claim skill against a degenerate base rate", () => {
    const allLate = { ...empty, resolved: 4, brier: 0.1, baseRate: 0, baseBrier: 0, p85: { resolved: 4, covered: 3, coverage: 0.75 } };
    expect(calibrationLine(allLate)).toMatch(/all 4 resolved forecasts were late, so the Brier score \(0\.100\) has no base rate to beat/);
  });
  it("says how often it replayed", () => {
    expect(calibrationLine(empty)).toMatch(/^Backtest over the last 12 weeks: /);
    expect(calibrationLine({ ...empty, everyWeeks: 2 })).toMatch(/^Backtest over the last 12 weeks \(a forecast replayed every 2 weeks\): /);
  });
});

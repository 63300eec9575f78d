import { describe, expect, it } from "vitest";
import {
  backtestPortfolio,
  calibrationLine,
  calibrationTable,
  coverageInterval,
  coverageVerdict,
  forecastPortfolio,
  type Calibration,
  type ForecastUseCase,
  type PercentileCoverage,
} from "../../../src/domain/forecast/index.js";
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

// Queue (priority order): late 3, lucky 3, future 3, overdue 3 stories at 3/week, so late's work is done in week 1,
// lucky's in week 2, future's in week 3. Dates are days (ADR 0130): work done in week k ≥ 1 finishes on any of its
// days 7k − 6 … 7k alike, so P(done by day D) of late is D/7 for D ≤ 7; no gate time (no gate history).
const input = portfolio([
  steady,
  // No work left ⇒ P = 1, P85 = week 0 (day t); deployed the same day ⇒ on time, P85 covered.
  open("u/on-time", 0, { priority: 1, stories: done("u/on-time"), deadline: tDay(3), deployedAt: at(T + 0.5) }),
  // 3 stories ⇒ P(by day 3) = 3/7; deployed after its deadline ⇒ late. P50 day 4 (4/7 ≥ 0.5: not covered, deployed
  // day 5), P70 day 5 and P85 day 6 (covered), P95 day 7 (its end is after now: unscored).
  open("u/late", 3, { priority: 2, deadline: tDay(3), deployedAt: at(T + 5) }),
  // 6 stories cumulative ⇒ P = 0, but deployed by its deadline ⇒ on time (a forecast that was wrong). P85 day 13.
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
    expect(byId["u/late"]!.pOnTime).toBeCloseTo(3 / 7, 12);
    expect(byId["u/late"]).toMatchObject({ p50Weeks: 4 / 7, p85Weeks: 6 / 7, p85Date: tDay(6) });
    expect(byId["u/lucky"]).toMatchObject({ pOnTime: 0, p85Weeks: 13 / 7 });
    expect(byId["u/missed"]).toMatchObject({ pOnTime: 1, p85Weeks: 0 });
    expect(byId["u/future"]).toMatchObject({ p85Weeks: 20 / 7 });
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
    // (p, on time): on-time (1, 1), late (3/7, 0), lucky (0, 1), missed (1, 0) ⇒ Brier (0 + 9/49 + 1 + 1) / 4 = 107/196;
    // base rate 2/4 ⇒ its Brier is 0.25; skill = 1 − (107/196) / 0.25. u/future (deadline ahead) is not in it.
    expect(c.resolved).toBe(4);
    expect(c.brier).toBeCloseTo(107 / 196, 12);
    expect(c.baseRate).toBeCloseTo(0.5, 12);
    expect(c.baseBrier).toBeCloseTo(0.25, 12);
    expect(c.skill).toBeCloseTo(1 - 107 / 49, 12);
  });

  it("P85 coverage over the forecasts whose P85 date has passed", () => {
    // On-time (day t, covered), late (day t + 6, deployed day 5: covered) and missed (day t, never deployed) have a
    // P85 date that ended before now.
    expect(c.p85).toEqual({ resolved: 3, covered: 2, coverage: 2 / 3 });
  });

  it("coverage at P50, P70, P85 and P95: each percentile's date scored once it has passed", () => {
    // Both certain forecasts have every percentile at day t (on-time covered, missed not); late's P50 (day 4) missed
    // its day-5 deployment, its P70 and P85 (days 5, 6) held, its P95 (day 7) has not ended; the others' have not.
    // One replayed week: every scored forecast is its own use case.
    expect(c.coverage.map(({ interval: _, ...q }) => q)).toEqual([
      { percentile: 0.5, resolved: 3, covered: 1, coverage: 1 / 3, useCases: 3 },
      { percentile: 0.7, resolved: 3, covered: 2, coverage: 2 / 3, useCases: 3 },
      { percentile: 0.85, resolved: 3, covered: 2, coverage: 2 / 3, useCases: 3 },
      { percentile: 0.95, resolved: 2, covered: 1, coverage: 0.5, useCases: 2 },
    ]);
    // Wilson 95% for 1 of 2 (reference: statsmodels proportion_confint(1, 2, method="wilson") = 0.0945, 0.9055).
    expect(c.coverage[3]!.interval!.low).toBeCloseTo(0.0945, 4);
    expect(c.coverage[3]!.interval!.high).toBeCloseTo(0.9055, 4);
  });

  it("reliability bins of P(on time): mean forecast and observed on-time share per bin", () => {
    // (1, on time) and (1, missed) in the top bin; (3/7, late) in the middle one; (0, lucky: on time) in the bottom.
    expect(c.reliability.map((b) => [b.from, b.forecasts, b.meanForecast, b.observed])).toEqual([
      [0, 1, 0, 1],
      [0.2, 0, null, null],
      [0.4, 1, 3 / 7, 0],
      [0.6, 0, null, null],
      [0.8, 2, 1, 0.5],
    ]);
  });

  it("prints the table the CLI shows", () => {
    const table = calibrationTable(c);
    // Wilson 95% for 2 of 3: 0.2077–0.9385; for 1 of 2: 0.0945–0.9055.
    expect(table).toMatch(/^P85\s+85%\s+67%\s+3\s+2\s+3\s+21–94%\s+calibrated$/m);
    expect(table).toMatch(/^P95\s+95%\s+50%\s+2\s+1\s+2\s+9–91%\s+too optimistic$/m); // 91% < 95%
    expect(table).toContain("Brier score of P(on time) 0.546 over 4 forecasts vs 0.250 for the 50% base rate: skill −1.18");
    expect(table).toMatch(/^80–100%\s+2\s+100%\s+50%$/m);
  });

  it("prints one calibration line", () => {
    expect(calibrationLine(c)).toBe(
      "Backtest over the last 1 week: the P85 date held for 67% of 3 resolved forecasts (from 3 use cases, 95% interval 21–94%: consistent with 85%); Brier score of P(on time) 0.546 vs 0.250 for always saying the 50% base rate (lower is better, skill −118%).",
    );
  });
});

describe("coverage interval: one observation per use case", () => {
  it("matches the Wilson score interval's reference values", () => {
    // statsmodels proportion_confint(count, n, alpha=0.05, method="wilson").
    expect(coverageInterval(0.5, 10)!.low).toBeCloseTo(0.2366, 4);
    expect(coverageInterval(0.5, 10)!.high).toBeCloseTo(0.7634, 4);
    expect(coverageInterval(1, 7)!.low).toBeCloseTo(7 / (7 + 1.959963984540054 ** 2), 10); // n / (n + z²) at 100%
    expect(coverageInterval(1, 7)!.high).toBe(1);
    expect(coverageInterval(0, 4)!.low).toBe(0);
    expect(coverageInterval(0.5, 0)).toBeNull();
  });

  it("a use case scored in several replayed weeks counts once, however often it is scored", () => {
    const weekly = backtestPortfolio(input, { now: NOW, seed: 1, config: { backtestWeeks: 3, backtestEveryWeeks: 1 } });
    for (const q of weekly.coverage) {
      expect(q.useCases).toBeLessThanOrEqual(q.resolved);
      expect(q.useCases).toBeLessThanOrEqual(input.useCases.length);
    }
    const p50 = weekly.coverage[0]!;
    expect(p50.resolved).toBeGreaterThan(p50.useCases); // the same use cases, scored in more than one week
    expect(p50.interval).toEqual(coverageInterval(p50.coverage!, p50.useCases));
  });

  it("a verdict only where the interval excludes the target", () => {
    const q = (coverage: number, useCases: number): PercentileCoverage => ({ percentile: 0.85, resolved: useCases, covered: 0, coverage, useCases, interval: coverageInterval(coverage, useCases) });
    expect(coverageVerdict(q(0.94, 7))).toBe("calibrated"); // 94% of 7 use cases: 64–99%, 85% inside
    expect(coverageVerdict(q(0.99, 300))).toBe("too cautious");
    expect(coverageVerdict(q(0.7, 300))).toBe("too optimistic");
  });
});

describe("backtest uses no data from after the replayed week", () => {
  it("a forecast as of t is unchanged by anything that happened after t (only the scoring sees it)", () => {
    const later = structuredClone(input);
    // Had the replay seen this story, u/on-time would have work left: P(on time) 0 instead of 1, another Brier score.
    const u = later.useCases.find((x) => x.id === "u/on-time") as ForecastUseCase & { stories: ForecastUseCase["stories"] };
    u.stories = [...u.stories, { id: "added-after-t", squad: "alpha", openedAt: at(T + 1), closedAt: at(T + 2) }];
    const leaked = backtestPortfolio({ ...later, useCases: later.useCases.map((x) => ({ ...x, filedAt: at(-60), stories: x.stories.map((s) => ({ ...s, openedAt: at(-60) })) })) }, { now: NOW, seed: 1, config: { backtestWeeks: 1, backtestTrials: 500 } });
    // The same story known before t does move the score: u/on-time has one story left (P(by day 3) = 3/7, on time),
    // which pushes late's work to week 2 but in the one past week in twelve that closed 5 stories (1/12 × 3/7).
    expect(leaked.brier).toBeCloseTo(((3 / 7 - 1) ** 2 + (1 / 28) ** 2 + 1 + 1) / 4, 12);
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

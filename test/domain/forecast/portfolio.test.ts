import { beforeAll, describe, expect, it } from "vitest";
import { forecastPortfolio, type ForecastInput, type UseCaseForecast } from "../../../src/domain/forecast/index.js";
import { exactDoneWithin, exactPercentile, tolerance } from "./exact.js";
import { ALPHA, at, BETA, deadlineInWeeks, history, inFlight, NOW, portfolio } from "./portfolio-fixtures.js";
import { generatePortfolio } from "../../../src/domain/snapshot/generate.js";

const TRIALS = 20_000;
/**
 * Every behaviour is checked with both forecast methods (ADR 0033): the exact computation (the default) and the
 * seeded Monte Carlo, against the same independent answers (exact ones within the Monte Carlo's tolerance).
 */
const METHODS = ["exact", "monte-carlo"] as const;
const config: { trials: number; method: (typeof METHODS)[number] } = { trials: TRIALS, method: "exact" };

function forecastOf(input: ForecastInput, id: string, options: { seed?: string | number; config?: object } = {}): UseCaseForecast {
  const result = forecastPortfolio(input, { now: NOW, seed: options.seed ?? "t", config: { ...config, ...options.config } });
  const found = result.useCases.find((u) => u.id === id);
  if (!found) throw new Error(`no forecast for ${id}`);
  return found;
}

/** P(done within k) as the simulation reports it: the use case's P(on time) with its deadline in period k. */
/**
 * Nearest-rank percentile in days of a weekly CDF whose week-k finishes spread evenly over days 7k − 6 … 7k (the
 * forecast's dates, ADR 0130): the first day D with cdf[k − 1] + (cdf[k] − cdf[k − 1]) · (D − 7(k − 1)) / 7 ≥ q.
 */
function dayPercentile(cdf: number[], q: number): number | null {
  for (let d = 0; d <= 7 * (cdf.length - 1); d++) {
    const k = Math.ceil(d / 7);
    const f = k === 0 ? cdf[0]! : cdf[k - 1]! + ((cdf[k]! - cdf[k - 1]!) * (d - 7 * (k - 1))) / 7;
    if (f >= q * (1 - 1e-9)) return d;
  }
  return null;
}

function simulatedWithin(make: (deadline: string) => ForecastInput, id: string, k: number): number {
  return forecastOf(make(deadlineInWeeks(k)), id).pOnTime;
}

const base = [history("h/a", "alpha", ALPHA), history("h/b", "beta", BETA)];

for (const method of METHODS) {
  describe(`forecast method: ${method}`, () => {
    beforeAll(() => {
      config.method = method;
    });

    describe("one squad", () => {
      it("a single use case matches the exact convolution of the squad's weekly throughput", () => {
        const make = (deadline: string) => portfolio([...base, inFlight("u/1", { alpha: 20 }, { deadline })]);
        const exact = exactDoneWithin(ALPHA, 20, 30);
        for (const k of [4, 7, 9, 11, 14]) {
          expect(Math.abs(simulatedWithin(make, "u/1", k) - exact[k]!), `k=${k}`).toBeLessThanOrEqual(tolerance(exact[k]!, TRIALS));
        }
        const f = forecastOf(make(deadlineInWeeks(10)), "u/1");
        expect(Math.abs(f.p85Weeks! - exactPercentile(exact, 0.85)!)).toBeLessThanOrEqual(1);
        expect(f.p85Date).toBe(at(7 * f.p85Weeks!).slice(0, 10));
        expect(f.lowConfidence).toBe(false);
      });

      it("works the queue in priority order: a lower-priority use case finishes with the cumulative work", () => {
        const make = (deadline: string) =>
          portfolio([...base, inFlight("u/first", { alpha: 8 }, { priority: 1 }), inFlight("u/second", { alpha: 12 }, { priority: 2, deadline })]);
        const exact = exactDoneWithin(ALPHA, 20, 30); // 8 + 12: the second waits for the first
        for (const k of [6, 9, 12]) {
          expect(Math.abs(simulatedWithin(make, "u/second", k) - exact[k]!), `k=${k}`).toBeLessThanOrEqual(tolerance(exact[k]!, TRIALS));
        }
        // The first does not wait for anything: its own 8 stories, by its deadline in 10 weeks… or in 3.
        const exactFirst = exactDoneWithin(ALPHA, 8, 10);
        expect(Math.abs(forecastOf(make(deadlineInWeeks(4)), "u/first").pOnTime - exactFirst[10]!)).toBeLessThanOrEqual(tolerance(exactFirst[10]!, TRIALS));
        const early = portfolio([...base, inFlight("u/first", { alpha: 8 }, { priority: 1, deadline: deadlineInWeeks(3) }), inFlight("u/second", { alpha: 12 }, { priority: 2 })]);
        expect(Math.abs(forecastOf(early, "u/first").pOnTime - exactFirst[3]!)).toBeLessThanOrEqual(tolerance(exactFirst[3]!, TRIALS));
      });

      it("breaks priority ties by deadline: the earlier deadline goes first", () => {
        const input = portfolio([
          ...base,
          inFlight("u/late", { alpha: 10 }, { priority: 2, deadline: deadlineInWeeks(30) }),
          inFlight("u/soon", { alpha: 10 }, { priority: 2, deadline: deadlineInWeeks(5) }),
        ]);
        const result = forecastPortfolio(input, { now: NOW, seed: 1, config });
        const soon = result.useCases.find((u) => u.id === "u/soon")!;
        const late = result.useCases.find((u) => u.id === "u/late")!;
        expect(soon.p50Weeks!).toBeLessThan(late.p50Weeks!);
        expect(late.why.join(" ")).toMatch(/10 higher-priority stories first/);
      });
    });

    describe("joint forecast across squads", () => {
      it("P(done within k) is the product of the squads' probabilities, not the latest of separate forecasts", () => {
        const make = (deadline: string) => portfolio([...base, inFlight("u/joint", { alpha: 10, beta: 8 }, { deadline })]);
        // Chosen so the joint P50 (6 weeks: 0.44 at 5, 0.69 at 6) is later than either squad's own P50 (5 weeks).
        const a = exactDoneWithin(ALPHA, 10, 40);
        const b = exactDoneWithin(BETA, 8, 40);
        const product = a.map((p, k) => p * b[k]!);
        for (const k of [3, 4, 5, 6, 8, 10]) {
          expect(Math.abs(simulatedWithin(make, "u/joint", k) - product[k]!), `k=${k}`).toBeLessThanOrEqual(tolerance(product[k]!, TRIALS));
        }
        const f = forecastOf(make(deadlineInWeeks(10)), "u/joint");
        expect(f.squads).toEqual(["alpha", "beta"]);
        const jointP50 = dayPercentile(product, 0.5)!;
        const maxOfSeparate = Math.max(dayPercentile(a, 0.5)!, dayPercentile(b, 0.5)!);
        expect(jointP50).toBeGreaterThan(maxOfSeparate); // the test case is one where the two approaches disagree…
        expect(f.p50Weeks! * 7).toBeCloseTo(jointP50, 9); // …and the forecast gives the joint answer
      });
    });

    describe("remaining work that is not a plain count of open stories", () => {
      /** Deployed history in which every use case had exactly 2 stories per criterion (3 criteria are 6 stories). */
      const twoStoriesPerCriterion = () => {
        const half = (weekly: number[]) => weekly.reduce((x, y) => x + y) / 2;
        return [history("h/a", "alpha", ALPHA, half(ALPHA)), history("h/b", "beta", BETA, half(BETA))];
      };

      it("estimates an unsplit use case from acceptance criteria × stories per criterion, marked estimated", () => {
        const hist = twoStoriesPerCriterion();
        const make = (deadline: string) =>
          portfolio([...hist, inFlight("u/new", {}, { squad: "alpha", stories: [], splitAt: undefined, acceptanceCriteria: ["a", "b", "c"], deadline })]);
        const exact = exactDoneWithin(ALPHA, 6, 20);
        for (const k of [2, 3, 4]) {
          expect(Math.abs(simulatedWithin(make, "u/new", k) - exact[k]!), `k=${k}`).toBeLessThanOrEqual(tolerance(exact[k]!, TRIALS));
        }
        const f = forecastOf(make(deadlineInWeeks(5)), "u/new");
        expect(f.estimated).toBe(true);
        expect(f.remainingStories).toBe(0);
        expect(f.expectedStories).toBeCloseTo(6, 5);
        expect(f.why[0]).toMatch(/not split yet: ~6 stories estimated from 3 acceptance criteria/);
      });

      it("counts an unsplit higher-priority use case's estimate in the work ahead, and says it is estimated", () => {
        // The unsplit priority-1 use case is ~6 stories (3 criteria × 2) ahead of both split ones.
        const unsplit = inFlight("u/new", {}, { squad: "alpha", priority: 1, stories: [], splitAt: undefined, acceptanceCriteria: ["a", "b", "c"] });
        const input = portfolio([...twoStoriesPerCriterion(), unsplit, inFlight("u/split", { alpha: 4 }, { priority: 2 }), inFlight("u/last", { alpha: 5 }, { priority: 3 })]);
        const result = forecastPortfolio(input, { now: NOW, seed: "t", config });
        const [split, last] = ["u/split", "u/last"].map((id) => result.useCases.find((u) => u.id === id)!);
        expect(split!.why.join("; ")).toMatch(/, ~6 higher-priority stories first \(estimated: not split yet\)/);
        expect(last!.why.join("; ")).toMatch(/, ~10 higher-priority stories first \(~6 not split yet\)/);
        // Queued behind the estimate: it waits for those 6 and its own 4 (10 stories), as the reason says.
        const exact = exactDoneWithin(ALPHA, 10, 20);
        const p50 = split!.p50Weeks! * 7;
        expect(Math.abs(p50 - dayPercentile(exact, 0.5)!)).toBeLessThanOrEqual(7);
      });

      it("grows split work by a scope-growth factor drawn from history", () => {
        // Deployed history: beta's use case was split into 12 stories and 8 were added later (factor 20/12); alpha's
        // never grew (factor 1). Each trial draws one of the two factors.
        const grown = history("h/g", "beta", BETA);
        const stories = grown.stories.map((s, i) => (i >= 12 ? { ...s, openedAt: at(-60) } : s));
        const hist = [history("h/a", "alpha", ALPHA), { ...grown, stories }];
        const works = [8, 8 + Math.round((8 * 20) / 12) - 8]; // open + (initial × factor − current)
        expect(works).toEqual([8, 13]);
        const make = (deadline: string) => portfolio([...hist, inFlight("u/grow", { alpha: 8 }, { deadline })]);
        const low = exactDoneWithin(ALPHA, works[0]!, 20);
        const high = exactDoneWithin(ALPHA, works[1]!, 20);
        for (const k of [3, 5, 7]) {
          const mixture = (low[k]! + high[k]!) / 2;
          expect(Math.abs(simulatedWithin(make, "u/grow", k) - mixture), `k=${k}`).toBeLessThanOrEqual(tolerance(mixture, TRIALS));
        }
        const f = forecastOf(make(deadlineInWeeks(5)), "u/grow");
        expect(Math.abs(f.expectedStories - 10.5)).toBeLessThan(0.1);
        expect(f.why[0]).toMatch(/8 stories left \(\+~3 expected scope growth\)/);
      });

      it("adds the historical time of remaining gates beyond the work", () => {
        // History (before the throughput window): signoff passed 14 days after the last story closed ⇒ 2 weeks extra.
        const old = inFlight("h/gate", {}, {
          filedAt: at(-125),
          stories: [{ id: "h/gate-1", squad: "alpha", openedAt: at(-120), closedAt: at(-100) }],
          splitAt: at(-120),
          gates: [
            { gate: "ready", action: "passed", at: at(-119) },
            { gate: "signoff", action: "passed", at: at(-86) },
          ],
          deployedAt: at(-85),
        });
        const make = (deadline: string) => portfolio([...base, old, inFlight("u/gated", { alpha: 10 }, { deadline })], ["alpha", "beta"], ["ready", "signoff"]);
        const exact = exactDoneWithin(ALPHA, 10, 30);
        for (const k of [4, 6, 8]) {
          expect(Math.abs(simulatedWithin(make, "u/gated", k) - exact[k - 2]!), `k=${k}`).toBeLessThanOrEqual(tolerance(exact[k - 2]!, TRIALS));
        }
        const f = forecastOf(make(deadlineInWeeks(8)), "u/gated");
        expect(f.gatesRemaining).toEqual(["signoff"]);
        expect(f.expectedGateDays).toBeCloseTo(14, 5);
      });
    });

    describe("low confidence", () => {
      it("a squad with fewer than 5 non-zero weeks draws from the org-wide distribution, and says so", () => {
        const thin = [0, 0, 4, 0, 0, 0, 3, 0, 0, 0, 0, 2]; // 3 non-zero weeks
        const hist = [history("h/a", "alpha", ALPHA), history("h/c", "gamma", thin)];
        const make = (deadline: string) => portfolio([...hist, inFlight("u/thin", { gamma: 10 }, { deadline })], ["alpha", "gamma"]);
        const pooled = [...ALPHA, ...thin];
        const exact = exactDoneWithin(pooled, 10, 30);
        for (const k of [3, 5, 7]) {
          expect(Math.abs(simulatedWithin(make, "u/thin", k) - exact[k]!), `k=${k}`).toBeLessThanOrEqual(tolerance(exact[k]!, TRIALS));
        }
        const result = forecastPortfolio(make(deadlineInWeeks(6)), { now: NOW, seed: 1, config });
        const gamma = result.squads.find((s) => s.id === "gamma")!;
        expect(gamma.lowConfidence).toBe(true);
        expect(gamma.reason).toMatch(/only 3 of the last 12 weeks.*org-wide/);
        const f = result.useCases.find((u) => u.id === "u/thin")!;
        expect(f.lowConfidence).toBe(true);
        expect(f.confidenceNotes.join()).toMatch(/org-wide/);
        expect(result.useCases.find((u) => u.id === "u/thin")!.why.join()).toMatch(/org-wide/);
      });

      it("no throughput anywhere: cannot finish, reported as off track with no dates, without hanging", () => {
        const input = portfolio([inFlight("u/stuck", { alpha: 5 })]);
        const started = performance.now();
        const f = forecastPortfolio(input, { now: NOW, seed: 1, config: { trials: 10_000 } }).useCases[0]!;
        expect(performance.now() - started).toBeLessThan(3_000);
        expect(f.pOnTime).toBe(0);
        expect(f.p50Weeks).toBeNull();
        expect(f.p85Date).toBeNull();
        expect(f.status).toBe("off_track");
        expect(f.lowConfidence).toBe(true);
      });
    });

    describe("status, overdue and the program level", () => {
      it("classifies by configurable thresholds, and overdue when the deadline has passed", () => {
        const input = portfolio([
          ...base,
          inFlight("u/easy", { alpha: 1 }, { priority: 1, deadline: deadlineInWeeks(20) }),
          inFlight("u/past", { beta: 3 }, { deadline: at(-3).slice(0, 10) }),
        ]);
        const result = forecastPortfolio(input, { now: NOW, seed: 1, config });
        const past = result.useCases.find((u) => u.id === "u/past")!;
        expect(past).toMatchObject({ status: "overdue", overdue: true, pOnTime: 0 });
        expect(result.useCases[0]!.id).toBe("u/past"); // worst first
        expect(result.useCases.find((u) => u.id === "u/easy")!.status).toBe("on_track");
        const strict = forecastPortfolio(input, { now: NOW, seed: 1, config: { ...config, onTrackProbability: 1.0, atRiskProbability: 1.0 } });
        const easy = strict.useCases.find((u) => u.id === "u/easy")!;
        expect(easy.status).toBe(easy.pOnTime >= 1 ? "on_track" : "off_track");
      });

      it("expected miss share is the mean of 1 − P(on time); the realized miss rate counts late deployments", () => {
        const lateDeployed = { ...history("h/late", "alpha", [1]), deadline: at(-10).slice(0, 10), deployedAt: at(-2) };
        const input = portfolio([...base, lateDeployed, inFlight("u/1", { alpha: 10 }), inFlight("u/2", { beta: 30 }, { priority: 2 })]);
        const result = forecastPortfolio(input, { now: NOW, seed: 1, config });
        const mean = result.useCases.reduce((s, u) => s + (1 - u.pOnTime), 0) / result.useCases.length;
        expect(result.program.expectedMissShare).toBeCloseTo(mean, 12);
        expect(result.program.overTarget).toBe(mean > 0.1);
        expect(result.program).toMatchObject({ inFlight: 2, deployed: 3, deployedLate: 1 });
        expect(result.program.realizedMissRate).toBeCloseTo(1 / 3, 12);
      });
    });

    describe("reproducible and honest about time", () => {
      const input = portfolio([...base, inFlight("u/1", { alpha: 10, beta: 4 }), inFlight("u/2", { beta: 7 }, { priority: 2 }), inFlight("u/3", {}, { stories: [], splitAt: undefined })]);

      it("same inputs and seed ⇒ identical output, whatever the order of use cases and squads", () => {
        const a = forecastPortfolio(input, { now: NOW, seed: 42, config: { trials: 2_000 } });
        const shuffled: ForecastInput = { ...input, useCases: [...input.useCases].reverse(), squads: [...input.squads].reverse() };
        const b = forecastPortfolio(shuffled, { now: NOW, seed: 42, config: { trials: 2_000 } });
        expect(b).toEqual(a);
      });

      it("Monte Carlo: a different seed gives (slightly) different probabilities", () => {
        const a = forecastPortfolio(input, { now: NOW, seed: 1, config: { method: "monte-carlo", trials: 2_000 } });
        const b = forecastPortfolio(input, { now: NOW, seed: 2, config: { method: "monte-carlo", trials: 2_000 } });
        expect(b.useCases.map((u) => u.expectedStories + u.pOnTime)).not.toEqual(a.useCases.map((u) => u.expectedStories + u.pOnTime));
      });

      it("exact (the default): no sampling, so the seed and the trial count change nothing", () => {
        const a = forecastPortfolio(input, { now: NOW, seed: 1, config: { trials: 2_000 } });
        const b = forecastPortfolio(input, { now: NOW, seed: 2, config: { trials: 50_000 } });
        expect({ ...b, seed: 1, trials: 0 }).toEqual({ ...a, seed: 1, trials: 0 });
      });

      it("the Monte Carlo method agrees with the exact one within 5 SE", () => {
        const trials = 20_000;
        const exact = forecastPortfolio(input, { now: NOW, seed: 1 });
        const simulated = forecastPortfolio(input, { now: NOW, seed: 1, config: { method: "monte-carlo", trials } });
        for (const e of exact.useCases) {
          const s = simulated.useCases.find((u) => u.id === e.id)!;
          expect(Math.abs(s.pOnTime - e.pOnTime), e.id).toBeLessThanOrEqual(tolerance(e.pOnTime, trials));
        }
      });

      it("uses nothing from after `now`: future stories, closes, gates and deployments change nothing", () => {
        const future = structuredClone(input) as ForecastInput & { useCases: Array<ForecastInput["useCases"][number]> };
        const u1 = future.useCases.find((u) => u.id === "u/1")!;
        u1.stories = [
          ...u1.stories.map((s, i) => (i < 3 ? { ...s, closedAt: at(2) } : s)),
          { id: "later", squad: "alpha", openedAt: at(1), closedAt: null },
        ];
        u1.gates = [...u1.gates, { gate: "ready", action: "reverted", at: at(3) }];
        u1.deployedAt = at(20);
        future.useCases.push(inFlight("u/filed-later", { alpha: 50 }, { filedAt: at(1), priority: 0 }));
        const a = forecastPortfolio(input, { now: NOW, seed: 5, config: { trials: 2_000 } });
        const b = forecastPortfolio(future, { now: NOW, seed: 5, config: { trials: 2_000 } });
        expect(b).toEqual(a);
      });
    });

    describe("why a forecast moved", () => {
      it("names scope added, a throughput change and a reverted gate against last week's summary", () => {
        const lastWeek = forecastPortfolio(portfolio([...base, inFlight("u/1", { alpha: 10 })], ["alpha", "beta"], ["ready", "signoff"]), { now: NOW, seed: 1, config: { trials: 2_000 } });
        const prev = structuredClone(lastWeek.summary);
        prev.useCases["u/1"]!.scopeStories = 7;
        prev.useCases["u/1"]!.gatesRemaining = ["signoff"];
        prev.squads.alpha!.meanThroughput = 4;
        // The ready gate passes alongside the work in this history (it adds no time after it, ADR 0130): the date
        // slipped by a week against last week's.
        const p85 = prev.useCases["u/1"]!.p85Date!;
        prev.useCases["u/1"]!.p85Date = new Date(Date.parse(`${p85}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
        const withoutReady = inFlight("u/1", { alpha: 10 }, { gates: [] });
        const now = forecastPortfolio(portfolio([...base, withoutReady], ["alpha", "beta"], ["ready", "signoff"]), { now: NOW, seed: 1, config: { trials: 2_000 }, previous: prev });
        const movement = now.useCases[0]!.movement!;
        expect(movement.drivers).toEqual(["scope-added", "throughput-down", "gate-slipped"]);
        expect(movement.reasons.join("; ")).toMatch(/scope \+3 stories \(7 → 10\).*Alpha throughput 4\.0 → 2\.3.*gate ready reverted/);
      });

      it("says when nothing but time moved it, and is absent for use cases new this week", () => {
        const input = portfolio([...base, inFlight("u/1", { alpha: 10 })]);
        const first = forecastPortfolio(input, { now: NOW, seed: 1, config: { trials: 1_000 } });
        const again = forecastPortfolio(portfolio([...base, inFlight("u/1", { alpha: 10 }), inFlight("u/new", { beta: 1 })]), { now: NOW, seed: 1, config: { trials: 1_000 }, previous: first.summary });
        expect(again.useCases.find((u) => u.id === "u/1")!.movement).toMatchObject({ drivers: ["time-passed"], p85ShiftDays: 0 });
        expect(again.useCases.find((u) => u.id === "u/new")!.movement).toBeUndefined();
      });
    });

    describe("why a forecast moved: the other drivers", () => {
      it("names a split (estimate replaced), scope removed, gates passed and throughput up", () => {
        const pipeline = ["ready", "signoff"];
        const make = (useCases: ForecastInput["useCases"]) => portfolio([...base, ...useCases], ["alpha", "beta"], pipeline);
        const unsplit = inFlight("u/split", {}, { stories: [], splitAt: undefined, acceptanceCriteria: ["a", "b"] });
        const shrinking = inFlight("u/shrink", { beta: 6 }, { gates: [] });
        const last = forecastPortfolio(make([unsplit, shrinking]), { now: NOW, seed: 1, config: { trials: 1_000 } });
        const previous = structuredClone(last.summary);
        previous.useCases["u/shrink"]!.scopeStories = 9;
        previous.squads.beta!.meanThroughput = 1;

        const split = inFlight("u/split", { alpha: 5 });
        const passed = inFlight("u/shrink", { beta: 6 }, { gates: [{ gate: "ready", action: "passed", at: at(-1) }] });
        const now = forecastPortfolio(make([split, passed]), { now: NOW, seed: 1, config: { trials: 1_000 }, previous });
        const byId = Object.fromEntries(now.useCases.map((u) => [u.id, u.movement!]));
        expect(byId["u/split"]!.drivers).toEqual(["split"]);
        expect(byId["u/split"]!.reasons).toEqual(["split into 5 stories (was an estimate)"]);
        expect(byId["u/shrink"]!.drivers).toEqual(["scope-removed", "throughput-up", "gate-passed"]);
        expect(byId["u/shrink"]!.reasons.join("; ")).toMatch(/scope −3 stories \(9 → 6\); Beta throughput 1\.0 → 1\.7 stories\/week; gate ready passed/);
      });

      it("ignores an unreadable previous summary rather than failing", async () => {
        const { parseForecastSummary } = await import("../../../src/domain/forecast/index.js");
        expect(parseForecastSummary({ version: 99 })).toBeUndefined();
        expect(parseForecastSummary(undefined)).toBeUndefined();
        const ok = forecastPortfolio(portfolio([...base, inFlight("u/1", { alpha: 3 })]), { now: NOW, seed: 1, config: { trials: 200 } }).summary;
        expect(parseForecastSummary(JSON.parse(JSON.stringify(ok)))).toEqual(ok);
      });
    });

    describe("simulation horizon (horizonWeeks, used by the backtest)", () => {
      it("gives exactly the full simulation's answers for every week up to the horizon, and no date beyond it", () => {
        const input = portfolio([
          ...base,
          inFlight("u/a", { alpha: 6 }, { priority: 1, deadline: deadlineInWeeks(2) }),
          inFlight("u/b", { alpha: 9, beta: 4 }, { priority: 2, deadline: deadlineInWeeks(4) }),
          inFlight("u/c", { beta: 30 }, { priority: 3, deadline: deadlineInWeeks(3) }),
          inFlight("u/d", {}, { stories: [], splitAt: undefined, acceptanceCriteria: ["a", "b"], deadline: deadlineInWeeks(1) }),
        ]);
        const full = forecastPortfolio(input, { now: NOW, seed: 3, config: { trials: 3_000 } });
        for (const horizon of [1, 3, 5]) {
          const capped = forecastPortfolio(input, { now: NOW, seed: 3, config: { trials: 3_000 }, horizonWeeks: horizon });
          for (const f of full.useCases) {
            const c = capped.useCases.find((u) => u.id === f.id)!;
            const deadlineWeek = Math.floor((Date.parse(`${f.deadline}T00:00:00Z`) + 86_400_000 - 1 - Date.parse(NOW)) / (7 * 86_400_000));
            if (deadlineWeek <= horizon) expect(c.pOnTime, `${f.id} at horizon ${horizon}`).toBeCloseTo(f.pOnTime, 12);
            expect(c.p85Weeks, `${f.id} at horizon ${horizon}`).toBe(f.p85Weeks !== null && f.p85Weeks <= horizon ? f.p85Weeks : null);
            expect(c.p50Weeks).toBe(f.p50Weeks !== null && f.p50Weeks <= horizon ? f.p50Weeks : null);
          }
        }
      });
    });

    describe("simulation horizon on a generated portfolio (the exact method then cuts the work it convolves)", () => {
      it("gives the full simulation's P(on time), P50 and P85 within the horizon", () => {
        const input = generatePortfolio({ useCases: 300, seed: 11, now: "2026-11-23" });
        const options = { now: "2026-10-05", seed: 1, config: { ...config, trials: 500 } };
        const full = forecastPortfolio(input, options);
        let compared = 0;
        for (const horizon of [1, 2, 4, 8]) {
          const capped = new Map(forecastPortfolio(input, { ...options, horizonWeeks: horizon }).useCases.map((u) => [u.id, u]));
          for (const f of full.useCases) {
            const c = capped.get(f.id)!;
            // P(on time) is read on the deadline day (ADR 0130): within the horizon when that day is.
            const deadlineDay = Math.floor((Date.parse(`${f.deadline}T00:00:00Z`) + 86_400_000 - 1 - Date.parse("2026-10-05T00:00:00Z")) / 86_400_000);
            if (!f.overdue && deadlineDay <= 7 * horizon) {
              // The same figures; only the last bit may differ (the share is normalised by a differently ordered sum).
              expect(c.pOnTime, `${f.id} at horizon ${horizon}`).toBeCloseTo(f.pOnTime, 12);
              compared++;
            }
            expect(c.p85Weeks, `${f.id} at horizon ${horizon}`).toBe(f.p85Weeks !== null && f.p85Weeks <= horizon ? f.p85Weeks : null);
            expect(c.p50Weeks, `${f.id} at horizon ${horizon}`).toBe(f.p50Weeks !== null && f.p50Weeks <= horizon ? f.p50Weeks : null);
          }
        }
        expect(compared).toBeGreaterThan(10);
      });
    });

    describe("why a forecast moved: throughput against the direction of the move", () => {
      const input = portfolio([...base, inFlight("u/1", { alpha: 10 })]);
      const shifted = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

      it("never names a throughput increase as the reason a P85 date slipped", () => {
        const first = forecastPortfolio(input, { now: NOW, seed: 1, config: { trials: 1_000 } });
        const previous = structuredClone(first.summary);
        const entry = previous.useCases["u/1"]!;
        entry.p85Date = shifted(entry.p85Date!, -14); // last week's P85 was two weeks earlier: it slipped
        previous.squads.alpha!.meanThroughput = 1.5; // and alpha's throughput went up since (1.5 → 2.3)
        const movement = forecastPortfolio(input, { now: NOW, seed: 1, config: { trials: 1_000 }, previous }).useCases[0]!.movement!;
        expect(movement.p85ShiftDays).toBe(14);
        expect(movement.drivers).not.toContain("throughput-up");
        expect(movement.drivers).toEqual(["time-passed"]);
        expect(movement.reasons.join(" ")).not.toMatch(/^Alpha throughput/);
        expect(movement.reasons[0]).toMatch(/higher throughput \(Alpha 1\.5 → 2\.3 stories\/week\) did not offset it/);

        // The same throughput change next to a real cause: the cause is named, the throughput change is not.
        const scoped = structuredClone(previous);
        scoped.useCases["u/1"]!.scopeStories = 7;
        const withScope = forecastPortfolio(input, { now: NOW, seed: 1, config: { trials: 1_000 }, previous: scoped }).useCases[0]!.movement!;
        expect(withScope.drivers).toEqual(["scope-added"]);
      });

      it("never names a throughput drop as the reason a P85 date moved earlier; names it when the date slipped", () => {
        const first = forecastPortfolio(input, { now: NOW, seed: 1, config: { trials: 1_000 } });
        const earlier = structuredClone(first.summary);
        earlier.useCases["u/1"]!.p85Date = shifted(earlier.useCases["u/1"]!.p85Date!, 14); // the date improved
        earlier.squads.alpha!.meanThroughput = 4; // while throughput fell (4.0 → 2.3)
        const improved = forecastPortfolio(input, { now: NOW, seed: 1, config: { trials: 1_000 }, previous: earlier }).useCases[0]!.movement!;
        expect(improved.drivers).not.toContain("throughput-down");
        expect(improved.reasons.join(" ")).toMatch(/despite lower throughput \(Alpha 4\.0 → 2\.3 stories\/week\)/);

        const later = structuredClone(first.summary);
        later.useCases["u/1"]!.p85Date = shifted(later.useCases["u/1"]!.p85Date!, -14); // slipped
        later.squads.alpha!.meanThroughput = 4; // and throughput fell: a consistent cause
        const slipped = forecastPortfolio(input, { now: NOW, seed: 1, config: { trials: 1_000 }, previous: later }).useCases[0]!.movement!;
        expect(slipped.drivers).toEqual(["throughput-down"]);
        expect(slipped.reasons[0]).toMatch(/Alpha throughput 4\.0 → 2\.3/);
      });
    });
  });
}

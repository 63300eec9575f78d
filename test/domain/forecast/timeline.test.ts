import { describe, expect, it } from "vitest";
import { backtestPortfolio } from "../../../src/domain/forecast/backtest.js";
import { forecastPortfolio } from "../../../src/domain/forecast/index.js";
import { DAY_MS } from "../../../src/domain/forecast/input.js";
import { gatePasses, gatesLeftKey, lastPassedGate, pipelineLookup } from "../../../src/domain/forecast/history.js";
import { timelineOf } from "../../../src/domain/forecast/timeline.js";
import { generatePortfolio } from "../../../src/domain/snapshot/generate.js";
import { cutByHand } from "./cut-by-hand.js";
import { ALPHA, at, history, inFlight, NOW, portfolio } from "./portfolio-fixtures.js";

/**
 * u/odd passed mvp 10 days ago; its last story closed before that closed 15 days ago. Its second story was opened 5
 * days ago but recorded as closed 12 days ago: as of any instant before its opening it does not exist, so it cannot
 * end mvp's wait yet (the use case's gate overheads change when it appears).
 */
function oddStory() {
  return inFlight("u/odd", { alpha: 1 }, {
    stories: [
      { id: "u/odd-1", squad: "alpha", openedAt: at(-30), closedAt: at(-15) },
      { id: "u/odd-2", squad: "alpha", openedAt: at(-5), closedAt: at(-12) },
      { id: "u/odd-3", squad: "alpha", openedAt: at(-20), closedAt: null },
    ],
    gates: [
      { gate: "ready", action: "passed", at: at(-25) },
      { gate: "mvp", action: "passed", at: at(-10) },
    ],
  });
}

/**
 * The forecast never copies the snapshot cut at its instant: it reads one timeline of the whole snapshot and compares
 * every date with the instant (timeline.ts, history.ts). These tests hold that to "reads nothing after the instant":
 * the forecast of the whole input equals the forecast of the input cut by hand, at instants that split stories,
 * gate events, splits, deployments and closes.
 */
describe("forecast as of an instant reads nothing after it", () => {
  const forecastAt = (input: Parameters<typeof forecastPortfolio>[0], t: number) => forecastPortfolio(input, { now: new Date(t).toISOString(), seed: 4 });

  it("on hand-made use cases: a story closed after the instant is open as of it, a later gate pass is not passed", () => {
    const input = portfolio([
      history("h/alpha", "alpha", ALPHA),
      inFlight("u/a", { alpha: 4, beta: 2 }, { gates: [{ gate: "ready", action: "passed", at: at(-25) }, { gate: "mvp", action: "passed", at: at(-3) }] }),
      inFlight("u/late", { alpha: 2 }, { filedAt: at(-10), splitAt: at(-5) }),
      inFlight("u/cancelled", { beta: 1 }, { state: "closed", closedAt: at(-6) }),
      oddStory(),
    ], ["alpha", "beta"], ["ready", "mvp"]);
    const now = Date.parse(NOW);
    const closedAt = Date.parse(input.useCases[0]!.stories.at(-1)!.closedAt!);
    for (const t of [now, now - 2 * DAY_MS, now - 4.5 * DAY_MS, now - 8 * DAY_MS, now - 40 * DAY_MS, closedAt - 1, closedAt]) {
      expect(forecastAt(input, t), new Date(t).toISOString()).toEqual(forecastAt(cutByHand(input, t), t));
    }
    // Eight days back: the history use case is in flight (deployed a day ago), u/cancelled too (closed 6 days ago).
    const before = forecastAt(input, now - 8 * DAY_MS);
    expect(before.useCases.map((u) => u.id).sort()).toEqual(["h/alpha", "u/a", "u/cancelled", "u/late", "u/odd"]);
    expect(forecastAt(input, now).useCases.map((u) => u.id).sort()).toEqual(["u/a", "u/late", "u/odd"]);
    expect(before.useCases.find((u) => u.id === "u/a")!.gatesRemaining).toEqual(["mvp"]);
  });

  it("on a generated portfolio, at a dozen instants, forecast and backtest alike", () => {
    const now = "2026-11-23";
    const snapshot = generatePortfolio({ useCases: 150, seed: 11, now });
    const nowMs = Date.parse(`${now}T00:00:00Z`);
    for (const days of [0, -3.5, -17, -40, -90, -200]) {
      const t = nowMs + days * DAY_MS;
      expect(forecastAt(snapshot, t), `${days} days`).toEqual(forecastAt(cutByHand(snapshot, t), t));
    }
    // The backtest scores replays against outcomes known at its present: cutting the input there changes nothing.
    const at = new Date(nowMs - 10 * DAY_MS).toISOString();
    expect(backtestPortfolio(snapshot, { now: at })).toEqual(backtestPortfolio(cutByHand(snapshot, Date.parse(at)), { now: at }));
  });
});

describe("timeline", () => {
  it("replays a use case's gate events in time order however the snapshot lists them (equal times keep their order)", () => {
    const gates = [
      { gate: "ready", action: "passed" as const, at: at(-25) },
      { gate: "mvp", action: "passed" as const, at: at(-9) },
      { gate: "mvp", action: "reverted" as const, at: at(-9) },
      { gate: "mvp", action: "passed" as const, at: at(-2) },
    ];
    const make = (events: typeof gates) =>
      portfolio([history("h/alpha", "alpha", ALPHA), inFlight("u/a", { alpha: 4 }, { gates: events })], ["alpha", "beta"], ["ready", "mvp"]);
    const shuffled = [gates[3]!, gates[1]!, gates[0]!, gates[2]!];
    const now = Date.parse(NOW);
    for (const days of [0, -5, -9, -20]) {
      const t = now + days * DAY_MS;
      const forecast = forecastPortfolio(make(shuffled), { now: new Date(t).toISOString() });
      expect(forecast, `${days} days`).toEqual(forecastPortfolio(make(gates), { now: new Date(t).toISOString() }));
    }
    // Between the revert and the second pass the mvp gate is left; after it, none is.
    expect(forecastPortfolio(make(shuffled), { now: at(-5) }).useCases.find((u) => u.id === "u/a")!.gatesRemaining).toEqual(["mvp"]);
    expect(forecastPortfolio(make(shuffled), { now: NOW }).useCases.find((u) => u.id === "u/a")!.gatesRemaining).toEqual([]);
  });
});

describe("gate time as known at an instant", () => {
  it("counts a story recorded as closed before it was opened only from its opening (gate overheads by hand)", () => {
    // mvp passed 5 days after u/odd's work ended (its last close, 15 days ago) until its odd story was opened (5 days
    // ago), 2 days after it from then on (that story "closed" 12 days ago). Only the time after the work counts
    // (ADR 0130), so u/odd's open story is left out here: with it the work never ended and mvp adds nothing.
    const odd = oddStory();
    const ended = { ...odd, stories: odd.stories.filter((s) => s.closedAt !== null) };
    const input = portfolio(
      [
        history("h/alpha", "alpha", ALPHA),
        inFlight("u/late", { alpha: 2 }, { filedAt: at(-10), splitAt: at(-5) }),
        ended,
      ],
      ["alpha", "beta"],
      ["ready", "mvp"],
    );
    const mvpDays = (days: number) => forecastPortfolio(input, { now: at(days) }).useCases.find((u) => u.id === "u/late")!.expectedGateDays;
    expect(mvpDays(-8)).toBe(5);
    expect(mvpDays(-2)).toBe(2);
    expect(mvpDays(0)).toBe(2);
  });
});

describe("gatesLeftKey and lastPassedGate (read from the key kept after each event)", () => {
  it("equals the key replayed from the events up to the instant, for every use case at many instants", () => {
    const input = generatePortfolio({ useCases: 400, seed: 8, now: "2026-11-23" });
    // A pipeline listing a gate twice and one gate no event names: both as a real pipeline may.
    const pipelines = [input.governance.pipeline, [...input.governance.pipeline, input.governance.pipeline[0]!, { ...input.governance.pipeline[0]!, id: "never-used" }]];
    const t = timelineOf(input);
    for (const pipeline of pipelines) {
      const lookup = pipelineLookup(t, pipeline);
      const passedAt = new Float64Array(pipeline.length);
      let keys = 0;
      for (const days of [-400, -120, -60, -30, -14, -7, -1, 0]) {
        const now = Date.parse("2026-11-23T00:00:00Z") + days * DAY_MS;
        for (let i = 0; i < t.useCases.length; i++) {
          gatePasses(t, i, now, lookup.slotOf, passedAt);
          let expected = 0;
          for (let g = 0; g < pipeline.length; g++) if (Number.isNaN(passedAt[lookup.position[g]!]!)) expected += 1 << g;
          expect(gatesLeftKey(t, i, now, lookup), `use case ${i}, day ${days}`).toBe(expected);
          let lastPassed = -1;
          for (let g = 0; g < pipeline.length; g++) if (!Number.isNaN(passedAt[lookup.position[g]!]!)) lastPassed = g;
          expect(lastPassedGate(t, i, now, lookup, new Float64Array(pipeline.length)), `use case ${i}, day ${days}`).toBe(lastPassed);
          if (expected !== 2 ** pipeline.length - 1) keys++;
        }
      }
      expect(keys).toBeGreaterThan(500); // most use cases have passed a gate by then
    }
  });
});

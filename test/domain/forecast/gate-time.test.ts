import { describe, expect, it } from "vitest";
import { forecastPortfolio, type ForecastUseCase } from "../../../src/domain/forecast/index.js";
import { ALPHA, at, history, inFlight, NOW, portfolio } from "./portfolio-fixtures.js";

/**
 * Gate time as it happens (ADR 0130), worked out by hand: each past gate span split against its use case's work
 * (before the split, alongside it, after the last story), and the gate waited on drawing its rest from longer spans.
 * Pipeline: ready, security, signoff. Squad alpha's throughput comes from h/alpha (no gate of the pipeline but ready).
 */
const pipeline = ["ready", "security", "signoff"];
const alpha = history("h/alpha", "alpha", ALPHA);

/** A deployed use case: split at day −100, one story closed at `lastClose`, the gates passed at the days given. */
function past(id: string, lastClose: number, passes: Record<string, number>): ForecastUseCase {
  return inFlight(id, {}, {
    filedAt: at(-110),
    splitAt: at(-100),
    stories: [{ id: `${id}-1`, squad: "alpha", openedAt: at(-100), closedAt: at(lastClose) }],
    gates: Object.entries(passes).map(([gate, day]) => ({ gate, action: "passed" as const, at: at(day) })),
    deployedAt: at(Math.max(...Object.values(passes))),
  });
}

// Two past use cases: security passed 20 and 10 days before their last story (wholly alongside the work); signoff
// passed 6 and 14 days after it (wholly after the work). ready passed 5 days before the split (before the work).
const h1 = past("h/1", -60, { ready: -105, security: -80, signoff: -54 });
const h2 = past("h/2", -60, { ready: -105, security: -70, signoff: -46 });

const forecastOf = (useCases: ForecastUseCase[], id: string) => forecastPortfolio(portfolio([alpha, h1, h2, ...useCases], ["alpha"], pipeline), { now: NOW }).useCases.find((u) => u.id === id)!;

describe("gate time as it happens (fitted per gate from the timeline)", () => {
  it("a split use case with stories open adds only what lay after the work: signoff's 6 or 14 days, not security's", () => {
    const f = forecastOf([inFlight("u/split", { alpha: 4 }, { gates: [{ gate: "ready", action: "passed", at: at(-25) }] })], "u/split");
    expect(f.gatesRemaining).toEqual(["security", "signoff"]);
    expect(f.expectedGateDays).toBeCloseTo(10, 9); // (6 + 14) / 2; security ran alongside the work: 0
  });

  it("a use case not split yet also waits for the part of each gate before the work", () => {
    // Spans from the previous pass: security −105 → −80 and −105 → −70, of which the 5 days before the split (−100)
    // lay before the work and the rest alongside it; signoff 26 and 24 days, of which 6 and 14 after the work.
    const unsplit = inFlight("u/new", {}, { stories: [], splitAt: undefined, filedAt: at(-2), gates: [] });
    const f = forecastOf([unsplit], "u/new");
    expect(f.estimated).toBe(true);
    expect(f.gatesRemaining).toEqual(["ready", "security", "signoff"]);
    // ready: 5 days before the work (filed −110, passed −105), and h/alpha's 1 day; the gate waited on (ready) has been
    // open 2 days, so its rest is drawn from the 5-day spans: 3 days. security: 5 before the work; signoff: 6 or 14.
    expect(f.expectedGateDays).toBeCloseTo(3 + 5 + 10, 9);
  });

  it("the gate waited on draws its rest from spans longer than the wait so far, and says when it is past them all", () => {
    // Work done 10 days ago, security passed, waiting for signoff since: only h2's 14-day span is longer ⇒ 4 days.
    const waiting = (lastClose: number) =>
      inFlight("u/wait", {}, {
        stories: [{ id: "u/wait-1", squad: "alpha", openedAt: at(-20), closedAt: at(lastClose) }],
        gates: [
          { gate: "ready", action: "passed", at: at(-25) },
          { gate: "security", action: "passed", at: at(-15) },
        ],
      });
    const f = forecastOf([waiting(-10)], "u/wait");
    expect(f.gatesRemaining).toEqual(["signoff"]);
    expect(f.expectedGateDays).toBeCloseTo(4, 9);
    expect(f.p85Date).toBe(at(4).slice(0, 10));
    // Waited 3 days: both spans are longer ⇒ (6 − 3 + 14 − 3) / 2 = 7.
    expect(forecastOf([waiting(-3)], "u/wait").expectedGateDays).toBeCloseTo(7, 9);
    // Work done 20 days ago, security passed 15 days ago: waited 15 days, longer than any span: drawn as if it had just
    // started (10), and a note says so.
    const late = forecastOf([waiting(-20)], "u/wait");
    expect(late.expectedGateDays).toBeCloseTo(10, 9);
    expect(late.confidenceNotes.join(" ")).toMatch(/signoff has been waited on for 15 days, longer than any past use case/);
  });

  it("counts the rest of the gate waited on from now, to the day it ends (ADR 0133)", () => {
    // h/1 and h/2's signoff spans: 6 and 14 days after their last story. u/wait's last story closed 10.5 days before
    // now; now is 06:00. h/2's span would end 3.5 days after now, at 18:00 on day 3: the P85 date is day 3, and the
    // deadline day 3 is met (day 2 is not). Counting from the last whole elapsed day (10) gave 4 days, day 4.
    const now = at(0.25);
    const waiting = inFlight("u/wait", {}, {
      stories: [{ id: "u/wait-1", squad: "alpha", openedAt: at(-20), closedAt: at(-10.25) }],
      gates: [
        { gate: "ready", action: "passed", at: at(-25) },
        { gate: "security", action: "passed", at: at(-15) },
      ],
    });
    const input = portfolio([alpha, h1, h2, waiting], ["alpha"], pipeline);
    const on = (deadline: number) => {
      const u = { ...waiting, deadline: at(deadline).slice(0, 10) };
      return forecastPortfolio({ ...input, useCases: [alpha, h1, h2, u] }, { now }).useCases.find((x) => x.id === "u/wait")!;
    };
    const f = on(30);
    expect(f.p85Date).toBe(at(3).slice(0, 10));
    expect(f.p50Date).toBe(at(3).slice(0, 10));
    expect(on(3).pOnTime).toBe(1);
    expect(on(2).pOnTime).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { asOf, CutViews, DAY_MS } from "../../../src/domain/forecast/input.js";
import { ALPHA, at, history, inFlight, NOW, portfolio } from "./portfolio-fixtures.js";

describe("asOf: cutting the input at an instant", () => {
  it("cuts made one after another (as the backtest does, sharing views) equal cuts of a fresh copy", () => {
    const input = portfolio([
      history("h/alpha", "alpha", ALPHA),
      inFlight("u/a", { alpha: 4, beta: 2 }, { gates: [{ gate: "ready", action: "passed", at: at(-25) }, { gate: "mvp", action: "passed", at: at(-3) }] }),
      inFlight("u/late", { alpha: 2 }, { filedAt: at(-10), splitAt: at(-5) }),
    ]);
    const now = Date.parse(NOW);
    const instants = [0, -2, -8, -40, 0, -8, -2].map((days) => now + days * DAY_MS);
    const views = new CutViews();
    for (const t of instants) {
      const fresh = asOf(structuredClone(input), t); // a new use-case list: nothing cached or shared
      expect(asOf(input, t, views), new Date(t).toISOString()).toEqual(fresh);
      expect(asOf(input, t), new Date(t).toISOString()).toEqual(fresh);
    }
    // A story closed after the cut is open in it, and closed again in a later cut.
    const closedAt = input.useCases[0]!.stories.at(-1)!.closedAt!;
    const before = asOf(input, Date.parse(closedAt) - 1, views).useCases.find((u) => u.id === "h/alpha")!;
    const after = asOf(input, Date.parse(closedAt), views).useCases.find((u) => u.id === "h/alpha")!;
    expect(before.stories.at(-1)).toMatchObject({ closedAt: null, closedMs: null });
    expect(after.stories.at(-1)).toMatchObject({ closedAt, closedMs: Date.parse(closedAt) });
  });
});

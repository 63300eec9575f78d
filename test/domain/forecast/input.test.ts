import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { endOfDay, endOfDayAt, isoDay } from "../../../src/domain/forecast/input.js";

describe("endOfDayAt", () => {
  it("is the end of the UTC day an instant falls in: endOfDay(isoDay(t)), without formatting", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2200, 0, 1) }), (t) => {
        expect(endOfDayAt(t)).toBe(endOfDay(isoDay(t)));
      }),
      { numRuns: 2000 },
    );
    for (const t of [Date.UTC(2026, 10, 23), Date.UTC(2026, 10, 23) - 1, Date.UTC(2024, 1, 29, 23, 59, 59, 999)]) expect(endOfDayAt(t)).toBe(endOfDay(isoDay(t)));
  });
});

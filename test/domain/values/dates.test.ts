import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseIsoMs } from "../../../src/domain/values/dates.js";

describe("parseIsoMs (Date.parse, fast for the snapshot's two date shapes)", () => {
  it("equals Date.parse for any date-time in either shape, valid or not, and for other shapes", () => {
    const pad = (n: number, w: number) => String(n).padStart(w, "0");
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        fc.boolean(),
        (y, m, d, h, min, s, dayOnly) => {
          const text = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}${dayOnly ? "" : `T${pad(h, 2)}:${pad(min, 2)}:${pad(s, 2)}Z`}`;
          expect(Object.is(parseIsoMs(text), Date.parse(text)), text).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
    // Month ends, leap days (and century years that are not leap years), and days a month does not have.
    for (const edge of ["2024-02-29", "2023-02-29", "2000-02-29T12:00:00Z", "2100-02-29", "1900-02-28", "2026-04-30", "2026-04-31", "2026-12-31T23:59:59Z", "2026-02-30"]) {
      expect(Object.is(parseIsoMs(edge), Date.parse(edge)), edge).toBe(true);
    }
    for (const other of ["2026-11-23T10:00:00.123Z", "2026-11-23T10:00:00+02:00", "2026-1-01", "20261123", "", "2026-11-2xT10:00:00Z", "yesterday"]) {
      expect(Object.is(parseIsoMs(other), Date.parse(other)), other).toBe(true);
    }
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdSet } from "../../../src/domain/snapshot/id-set.js";

describe("IdSet", () => {
  it("numbers ids in first-insertion order, exactly as a Map<string, number> would", () => {
    // Few distinct characters and short ids: many repeats, and both the scanned (≤ 8 ids) and the hashed lookups.
    const id = fc.string({ unit: fc.constantFrom("a", "b", "#", "/", "é", "😀"), maxLength: 6 });
    fc.assert(
      fc.property(fc.array(id, { maxLength: 60 }), fc.array(id, { maxLength: 30 }), (added, probes) => {
        const set = new IdSet(added.length);
        const map = new Map<string, number>();
        for (const x of added) {
          const isNew = !map.has(x);
          if (isNew) map.set(x, map.size);
          if (added.indexOf(x) % 2 === 0) expect(set.add(x)).toBe(isNew);
          else expect(set.intern(x)).toBe(map.get(x));
        }
        expect(set.size).toBe(map.size);
        for (const x of [...added, ...probes]) {
          expect(set.indexOf(x)).toBe(map.get(x) ?? -1);
          expect(set.has(x)).toBe(map.has(x));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("refuses more ids than it has room for instead of probing forever", () => {
    const set = new IdSet(1);
    expect(() => {
      for (let i = 0; i < 100; i++) set.add(`id${i}`);
    }).toThrow(RangeError);
  });
});

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compareIds, idOrder } from "../../../src/domain/snapshot/id-order.js";

describe("idOrder: a list's positions in id order", () => {
  const byComparator = (ids: string[]) => [...ids.keys()].sort((a, b) => compareIds(ids[a]!, ids[b]!) || a - b);

  it("equals a stable sort by code unit, for any ids (prefixes, duplicates, NUL, astral characters)", () => {
    const id = fc.oneof(fc.constantFrom("a", "a#1", "a#10", "a#2", "A", "ab", "a\u0000", "", "é", "😀"), fc.string({ maxLength: 6 }), fc.string({ unit: "grapheme", maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(id, { maxLength: 60 }), (ids) => {
        expect([...idOrder(ids.map((x) => ({ id: x })))]).toEqual(byComparator(ids));
      }),
      { numRuns: 400 },
    );
  });

  it("keeps positions in order past the base-36 width of small lists (thousands of equal ids)", () => {
    const ids = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? "same" : `org/repo#${(i * 7919) % 5000}`));
    expect([...idOrder(ids.map((x) => ({ id: x })))]).toEqual(byComparator(ids));
  });
});

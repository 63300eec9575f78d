import { describe, expect, it } from "vitest";
import { initiativeReferences } from "../../../src/domain/snapshot/references.js";
import { parseSnapshot } from "../../../src/domain/snapshot/load.js";
import { serializeSnapshot, generatePortfolio } from "../../../src/domain/snapshot/generate.js";

/** What the join must say, written plainly: each reference's initiative, by the first position with that id. */
function plainJoin(lists: { useCases: Array<{ initiatives: string[] }>; initiatives: Array<{ id: string }> }) {
  const first = new Map<string, number>();
  for (const { id } of lists.initiatives) if (!first.has(id)) first.set(id, first.size);
  return {
    numberOf: lists.initiatives.map(({ id }) => first.get(id)!),
    count: first.size,
    byUseCase: lists.useCases.map((u) => u.initiatives.map((ref) => first.get(ref) ?? -1)),
  };
}

function asLists(r: ReturnType<typeof initiativeReferences>, useCases: number) {
  return {
    numberOf: [...r.numberOf],
    count: r.count,
    byUseCase: Array.from({ length: useCases }, (_, u) => [...r.number.subarray(r.from[u], r.from[u + 1])]),
  };
}

describe("initiativeReferences", () => {
  it("kept by validation: the same join as one made afresh, for a parsed snapshot", () => {
    const text = serializeSnapshot(generatePortfolio({ useCases: 300, seed: 5, now: "2026-11-23" }));
    const parsed = parseSnapshot(JSON.parse(text));
    if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
    const s = parsed.snapshot;
    const kept = initiativeReferences(s);
    // A copy of the lists is not the validated document: joined afresh, by hashing every id.
    const afresh = initiativeReferences({ useCases: [...s.useCases], initiatives: [...s.initiatives] });
    expect(afresh).not.toBe(kept);
    expect(asLists(kept, s.useCases.length)).toEqual(plainJoin(s));
    expect(asLists(afresh, s.useCases.length)).toEqual(plainJoin(s));
    expect(kept.number.length).toBeGreaterThan(300);
  });

  it("joins hand-built lists: unknown ids are −1, a repeated initiative id shares the first one's number", () => {
    const lists = {
      initiatives: [{ id: "o/r#1" }, { id: "o/r#2" }, { id: "o/r#1" }, { id: "o/r#3" }],
      useCases: [{ initiatives: ["o/r#3", "o/r#9"] }, { initiatives: [] }, { initiatives: ["o/r#1", "o/r#2", "o/r#1"] }],
    };
    const r = initiativeReferences(lists);
    expect(asLists(r, 3)).toEqual(plainJoin(lists));
    expect(asLists(r, 3)).toEqual({ numberOf: [0, 1, 0, 2], count: 3, byUseCase: [[2, -1], [], [0, 1, 0]] });
    // Asked again for the same lists: the same join, not a new one.
    expect(initiativeReferences(lists)).toBe(r);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generatePortfolio, SAMPLE_OPTIONS, serializeSnapshot } from "../../../src/domain/snapshot/generate.js";
import { parseSnapshot, parseSnapshotText } from "../../../src/domain/snapshot/load.js";

const committed = readFileSync(new URL("../../../samples/portfolio.json", import.meta.url), "utf8");

describe("sample portfolio", () => {
  it("samples/portfolio.json is what scripts/generate-sample.ts produces (else run it)", () => {
    expect(serializeSnapshot(generatePortfolio(SAMPLE_OPTIONS)) === committed, "run node --import tsx/esm scripts/generate-sample.ts").toBe(true);
  });

  it("the committed sample parses and has the promised shape", () => {
    const result = parseSnapshotText(committed);
    if (!result.ok) throw new Error(result.problems.join("\n"));
    const s = result.snapshot;
    // Six cycles of the 36-slot mix (ADR 0134): large enough for the backtest to score 35+ use cases.
    expect(s.useCases).toHaveLength(216);
    expect(s.initiatives).toHaveLength(720);
    expect(s.squads).toHaveLength(30);
    expect(new Set(s.squads.map((q) => q.id)).size).toBe(30);
    expect(new Set(s.useCases.map((u) => u.squad))).toEqual(new Set(s.squads.map((q) => q.id)));
    expect(new Set(s.useCases.flatMap((u) => u.plants)).size).toBe(3);
    expect(new Set(s.useCases.map((u) => u.valueStream)).size).toBe(4);
    // Many-to-many: use cases enable several initiatives, and some initiatives need several use cases.
    expect(s.useCases.filter((u) => u.initiatives.length >= 2).length).toBeGreaterThan(180);
    const enablers = new Map<string, number>();
    for (const u of s.useCases) for (const id of u.initiatives) enablers.set(id, (enablers.get(id) ?? 0) + 1);
    expect([...enablers.values()].filter((n) => n >= 2).length).toBeGreaterThan(120);

    const now = Date.parse("2026-11-23T06:00:00Z");
    const week = 7 * 86_400_000;
    // 12+ weeks of sprint history: stories closed in at least 12 distinct weeks before now.
    const closedWeeks = new Set(
      s.useCases.flatMap((u) => u.stories.flatMap((st) => (st.closedAt ? [Math.floor((now - Date.parse(st.closedAt)) / week)] : []))),
    );
    expect(closedWeeks.size).toBeGreaterThanOrEqual(12);
    expect(s.useCases.flatMap((u) => u.stories).every((st) => st.closedAt === null || st.sprint !== undefined)).toBe(true);
    // Deliberately late: deadline past and not deployed.
    expect(s.useCases.filter((u) => u.deployedAt === undefined && Date.parse(u.deadline) < now).length).toBeGreaterThanOrEqual(2);
    // Deliberately flawed intake.
    expect(s.useCases.some((u) => u.acceptanceCriteria.length === 0)).toBe(true);
    expect(s.useCases.some((u) => u.productOwner === undefined)).toBe(true);
    expect(s.useCases.some((u) => u.initiatives.length === 0)).toBe(true);
    // A gate label removed and re-added.
    expect(s.useCases.some((u) => u.gates.some((g) => g.action === "reverted"))).toBe(true);
    // Every event happened before "now".
    const times = s.useCases.flatMap((u) => [u.filedAt, ...u.gates.map((g) => g.at), ...u.deployments.map((d) => d.at), ...u.stories.flatMap((st) => [st.openedAt, st.closedAt ?? st.openedAt])]);
    expect(times.every((t) => Date.parse(t) < now)).toBe(true);
    expect(s.kpiInputs.defects.length).toBeGreaterThan(0);
    expect(s.kpiInputs.coverage.length).toBeGreaterThan(0);
    expect(s.kpiInputs.deploymentStatuses.some((d) => d.state === "failure")).toBe(true);
  });

  it("is deterministic per seed and differs between seeds", () => {
    const a = serializeSnapshot(generatePortfolio({ useCases: 20, seed: 1, now: "2026-11-23" }));
    const b = serializeSnapshot(generatePortfolio({ useCases: 20, seed: 1, now: "2026-11-23" }));
    const c = serializeSnapshot(generatePortfolio({ useCases: 20, seed: 2, now: "2026-11-23" }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it("produces a valid snapshot for any size, seed and date", () => {
    for (const [useCases, seed, now] of [
      [1, "a", "2026-11-23"],
      [7, "b", "2025-01-01"],
      [50, 99, "2027-06-30"],
      [200, "big", "2026-11-23"],
    ] as const) {
      const result = parseSnapshot(JSON.parse(serializeSnapshot(generatePortfolio({ useCases, seed, now }))));
      expect(result.ok ? [] : result.problems.slice(0, 5), `size ${useCases} seed ${seed}`).toEqual([]);
    }
  });

  it("rejects nonsense options", () => {
    expect(() => generatePortfolio({ useCases: 0 })).toThrow(RangeError);
    expect(() => generatePortfolio({ now: "23.11.2026" })).toThrow(RangeError);
  });
});

import { describe, expect, it } from "vitest";
import { formatPath, parseSnapshot, parseSnapshotText } from "../../../src/domain/snapshot/load.js";
import { initiative, snapshot, useCase } from "./fixture.js";

describe("parseSnapshot", () => {
  it("accepts a valid snapshot and returns it unchanged", () => {
    const input = snapshot();
    const result = parseSnapshot(JSON.parse(JSON.stringify(input)));
    expect(result).toEqual({ ok: true, snapshot: input });
  });

  it("names the path of a bad deadline", () => {
    const input = snapshot({
      useCases: [0, 1, 2, 3].map((i) => useCase({ number: i + 1, deadline: i === 3 ? "31.03.2027" : "2027-03-31" })),
    });
    const result = parseSnapshot(input);
    expect(result).toEqual({ ok: false, problems: ["useCases[3].deadline: expected a date like 2027-03-31"] });
  });

  it("rejects impossible dates and names several problems at once", () => {
    const bad = JSON.parse(JSON.stringify(snapshot())) as Record<string, unknown> & { useCases: Record<string, unknown>[] };
    bad.useCases[0]!.deadline = "2027-02-30";
    bad.useCases[0]!.priority = "high";
    delete bad.useCases[0]!.title;
    bad.generatedAt = "yesterday";
    const result = parseSnapshot(bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContain("useCases[0].deadline: expected a date like 2027-03-31");
    expect(result.problems).toContain("useCases[0].title: required");
    expect(result.problems).toContain("generatedAt: expected an ISO date-time like 2026-11-23T09:00:00Z");
    expect(result.problems.some((p) => p.startsWith("useCases[0].priority: "))).toBe(true);
  });

  it("reports unknown keys, bad currency and bad story dates with their paths", () => {
    const bad = JSON.parse(JSON.stringify(snapshot())) as { initiatives: Record<string, unknown>[]; useCases: Record<string, unknown>[] };
    bad.initiatives[0]!.plannedBenefit = { amount: 5, currency: "euro" };
    bad.useCases[0]!.colour = "red";
    bad.useCases[0]!.stories = [{ id: "s1", squad: "alpha", openedAt: "2026-09-01T00:00:00Z", closedAt: "2026-09-01" }];
    const result = parseSnapshot(bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        'initiatives[0].plannedBenefit.currency: expected a 3-letter currency code like "EUR"',
        'useCases[0]: unknown key "colour"',
        "useCases[0].stories[0].closedAt: expected an ISO date-time like 2026-11-23T09:00:00Z",
      ]),
    );
  });

  it("checks references between use cases, squads, initiatives, gates and defects", () => {
    const input = snapshot({
      useCases: [
        useCase({
          number: 1,
          squad: "gamma",
          initiatives: ["acme/portfolio#1", "acme/portfolio#99"],
          gates: [{ gate: "qa", action: "passed", actor: "ann", at: "2026-07-01T00:00:00Z" }],
          stories: [{ id: "s", squad: "beta", openedAt: "2026-08-02T00:00:00Z", closedAt: "2026-08-01T00:00:00Z" }],
        }),
        useCase({ number: 1 }),
      ],
      initiatives: [initiative({ number: 1 })],
      kpiInputs: {
        defects: [{ id: "acme/mes#50", useCase: "acme/mes#7", openedAt: "2026-10-01T00:00:00Z", labels: ["defect"] }],
        deploymentStatuses: [],
        coverage: [],
      },
    });
    const result = parseSnapshot(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.sort()).toEqual(
      [
        'useCases[1].id: duplicate id "acme/mes#1"',
        'useCases[0].squad: unknown squad "gamma"',
        'useCases[0].initiatives[1]: unknown initiative "acme/portfolio#99"',
        'useCases[0].gates[0].gate: unknown gate "qa" (not in governance.pipeline)',
        "useCases[0].stories[0].closedAt: closed before it was opened",
        'kpiInputs.defects[0].useCase: unknown use case "acme/mes#7"',
      ].sort(),
    );
  });

  it("never throws on junk", () => {
    for (const junk of [null, 42, "x", [], { schemaVersion: 1 }, { schemaVersion: 2 }, { useCases: "no" }]) {
      const result = parseSnapshot(junk);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
    }
    expect(parseSnapshot({ schemaVersion: 2 })).toEqual({
      ok: false,
      problems: ["schemaVersion: this Converge reads snapshot version 1, got 2"],
    });
    expect(parseSnapshotText("{not json")).toMatchObject({ ok: false, problems: [expect.stringMatching(/^\(top level\): not valid JSON/)] });
  });

  it("caps the problem list", () => {
    const input = snapshot({ useCases: Array.from({ length: 80 }, (_, i) => useCase({ number: i + 1, deadline: "soon" })) });
    const result = parseSnapshot(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toHaveLength(51);
      expect(result.problems.at(-1)).toBe("… and 30 more problems");
    }
  });

  it("formats paths", () => {
    expect(formatPath([])).toBe("(top level)");
    expect(formatPath(["a", 0, "b-c", "d"])).toBe('a[0]["b-c"].d');
  });
});

import { describe, expect, it } from "vitest";
import { reportSection } from "../../../src/config/sections/report.js";
import { computeKpis, gateTimeline, median, nearestRank, spread, timeToMvp, trendOf } from "../../../src/domain/kpis/index.js";
import type { GateEvent, PortfolioSnapshot } from "../../../src/domain/snapshot/schema.js";
import { snapshot, useCase } from "../snapshot/fixture.js";
import { generatePortfolio } from "../../../src/domain/snapshot/generate.js";

const BASE = Date.UTC(2026, 5, 1); // 2026-06-01
const DAY = 86_400_000;
const at = (d: number) => new Date(BASE + d * DAY).toISOString();
const ev = (gate: string, action: GateEvent["action"], d: number): GateEvent => ({ gate, action, actor: "ann", at: at(d) });
const config = reportSection.parse({});
const PIPE = ["intake", "feasibility", "architecture", "security", "mvp", "signoff", "deployed"];
const days = (ms: number | undefined) => (ms === undefined ? undefined : ms / DAY);

describe("stats", () => {
  it("median and nearest-rank P85", () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(nearestRank([10, 20, 30, 40, 100], 0.85)).toBe(100); // rank ceil(4.25) = 5
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 0.85)).toBe(17);
    expect(nearestRank([7], 0.85)).toBe(7);
    expect(spread([1.04, 2.06])).toEqual({ median: 1.6, p85: 2.1, sample: 2 });
  });
  it("trend arrows", () => {
    expect(trendOf(10, 8)).toBe("up");
    expect(trendOf(8, 10)).toBe("down");
    expect(trendOf(10.1, 10)).toBe("flat");
    expect(trendOf(0, 0)).toBe("flat");
    expect(trendOf(1, 0)).toBe("up");
    expect(trendOf(null, 3)).toBe("none");
    expect(trendOf(3, undefined)).toBe("none");
  });
});

describe("gateTimeline", () => {
  it("counts the wait again when a label is removed and re-added", () => {
    const u = useCase({
      number: 1,
      filedAt: at(0),
      gates: [ev("intake", "passed", 2), ev("feasibility", "passed", 10), ev("feasibility", "reverted", 12), ev("feasibility", "passed", 20), ev("architecture", "passed", 30)],
    });
    const tl = gateTimeline(u, PIPE, BASE + 40 * DAY);
    expect(days(tl.waitedMs.get("intake"))).toBe(2);
    expect(days(tl.waitedMs.get("feasibility"))).toBe(8 + 8); // 2→10 and again 12→20
    expect(days(tl.waitedMs.get("architecture"))).toBe(2 + 10); // 10→12 while it carried the label, then 20→30
    expect([...tl.completed].sort()).toEqual(["architecture", "feasibility", "intake"]);
    expect(tl.current).toEqual({ gate: "security", sinceMs: BASE + 30 * DAY });
  });

  it("stops the clock at closing when a label is added after close", () => {
    const u = useCase({
      number: 1,
      filedAt: at(0),
      state: "closed",
      closedAt: at(30),
      gates: [ev("intake", "passed", 5), ev("deployed", "passed", 35)],
    });
    const tl = gateTimeline(u, ["intake", "deployed"], BASE + 50 * DAY);
    expect(days(tl.waitedMs.get("intake"))).toBe(5);
    expect(days(tl.waitedMs.get("deployed"))).toBe(25); // 5→30, not 5→35
    expect(tl.completed.has("deployed")).toBe(true);
    expect(tl.current).toBeNull();
  });

  it("ignores events after now and skipped optional gates", () => {
    const u = useCase({ number: 1, filedAt: at(0), gates: [ev("intake", "passed", 1), ev("architecture", "passed", 9), ev("security", "passed", 60)] });
    const tl = gateTimeline(u, PIPE, BASE + 20 * DAY);
    // feasibility was waited for (1→9) and then passed over; architecture itself was never waited for.
    expect(days(tl.waitedMs.get("feasibility"))).toBe(8);
    expect(tl.completed.has("feasibility")).toBe(true);
    expect(tl.waitedMs.has("architecture")).toBe(false);
    expect(tl.current).toEqual({ gate: "security", sinceMs: BASE + 9 * DAY });
    expect(days(tl.waitedMs.get("security"))).toBe(11);
    expect(tl.completed.has("security")).toBe(false);
  });
});

describe("computeKpis", () => {
  const now = BASE + 120 * DAY; // 2026-09-29
  const base = (overrides: Partial<PortfolioSnapshot>) => snapshot(overrides);

  it("escaped defects: labelled, linked, opened after deployment; window vs total", () => {
    const s = base({
      useCases: [useCase({ number: 1, deployedAt: at(50) }), useCase({ number: 2 })],
      kpiInputs: {
        defects: [
          { id: "acme/mes#10", useCase: "acme/mes#1", openedAt: at(40), labels: ["defect"] }, // before deployment
          { id: "acme/mes#11", useCase: "acme/mes#1", openedAt: at(60), labels: ["Defect"] }, // escaped, in window
          { id: "acme/mes#12", useCase: "acme/mes#1", openedAt: at(25 + 0), labels: ["bug"] }, // not a defect label
          { id: "acme/mes#13", useCase: "acme/mes#2", openedAt: at(70), labels: ["defect"] }, // use case not deployed
          { id: "acme/mes#14", useCase: "acme/mes#1", openedAt: at(119), labels: ["defect", "sev/high"] }, // escaped
          { id: "acme/mes#15", useCase: "acme/mes#1", openedAt: at(125), labels: ["defect"] }, // after now
        ],
        deploymentStatuses: [],
        coverage: [],
      },
    });
    const r = computeKpis(s, { now, config: { ...config, kpiWindowDays: 30 } });
    expect(r.escapedDefects.map((d) => d.id)).toEqual(["acme/mes#11", "acme/mes#14"]);
    const k = r.kpis.find((x) => x.id === "escapedDefects")!;
    expect(k.value).toBe(1); // only #14 within the last 30 days
    expect(k.note).toBe("2 since the first deployment");
    expect(k.definition).toMatch(/^Issues labelled "defect"/);
  });

  it("change failure rate per repo over production-like environments; zero deployments is n/a, not 0", () => {
    const status = (repo: string, environment: string, state: "success" | "failure" | "error" | "pending" | "inactive", d: number) => ({ repo, environment, state, at: at(d) });
    const s = base({
      kpiInputs: {
        defects: [],
        deploymentStatuses: [
          status("acme/mes", "production", "success", 100),
          status("acme/mes", "Production", "failure", 101),
          status("acme/mes", "prod-eu", "error", 102),
          status("acme/mes", "prod-eu", "success", 103),
          status("acme/mes", "production", "pending", 104), // not finished
          status("acme/mes", "preprod", "failure", 105), // not production-like
          status("acme/mes", "staging", "failure", 106),
          status("acme/qa", "production", "success", 107),
          status("acme/qa", "production", "failure", 10), // outside the 90-day window
        ],
        coverage: [],
      },
    });
    const r = computeKpis(s, { now, config, previous: { changeFailureRate: 0.5 } });
    expect(r.changeFailureByRepo).toEqual([
      { repo: "acme/mes", deployments: 4, failed: 2, rate: 0.5 },
      { repo: "acme/qa", deployments: 1, failed: 0, rate: 0 },
    ]);
    const k = r.kpis.find((x) => x.id === "changeFailureRate")!;
    expect(k.value).toBeCloseTo(2 / 5, 12);
    expect(k.trend).toBe("down");
    expect(k.previous).toBe(0.5);

    const none = computeKpis(base({}), { now, config, previous: { changeFailureRate: 0.2 } }).kpis.find((x) => x.id === "changeFailureRate")!;
    expect(none.value).toBeNull();
    expect(none.sample).toBe(0);
    expect(none.trend).toBe("none");
    expect(none.note).toBe("no production deployments in the window");
  });

  it("coverage: latest reading per repo, median across repos, below-minimum named", () => {
    const s = base({
      kpiInputs: {
        defects: [],
        deploymentStatuses: [],
        coverage: [
          { repo: "acme/a", at: at(100), percent: 70 },
          { repo: "acme/a", at: at(110), percent: 85 },
          { repo: "acme/a", at: at(130), percent: 10 }, // after now
          { repo: "acme/b", at: at(105), percent: 60 },
          { repo: "acme/c", at: at(90), percent: 90 },
        ],
      },
    });
    const r = computeKpis(s, { now, config });
    expect(r.coverageByRepo.map((c) => [c.repo, c.percent])).toEqual([
      ["acme/a", 85],
      ["acme/b", 60],
      ["acme/c", 90],
    ]);
    const k = r.kpis.find((x) => x.id === "coverage")!;
    expect(k.value).toBeCloseTo(0.85, 12);
    expect(k.note).toBe("below 80%: acme/b 60%");
  });

  it("time to MVP: intake → MVP gate, median and P85 per quarter, ignoring an MVP label that was removed", () => {
    // Intake passed on day 1 for all; MVP passed 40, 50, 60, 70 and 110 days later (days 41–111: Jul 12 – Sep 20, 2026-Q3).
    const durations = [40, 50, 60, 70, 110];
    const ucs = durations.map((d, k) => useCase({ number: k + 1, filedAt: at(0), gates: [ev("intake", "passed", 1), ev("mvp", "passed", 1 + d)] }));
    ucs.push(useCase({ number: 9, filedAt: at(0), gates: [ev("intake", "passed", 1), ev("mvp", "passed", 50), ev("mvp", "reverted", 52)] }));
    ucs.push(useCase({ number: 10, filedAt: at(0), gates: [ev("intake", "passed", 1), ev("mvp", "passed", 130)] })); // after now
    const r = computeKpis(base({ useCases: ucs, initiatives: [] }), { now, config });
    const k = r.kpis.find((x) => x.id === "timeToMvp")!;
    // median of 5 = 60; P85 nearest rank = ceil(4.25) = 5th = 110.
    expect([k.value, k.median, k.p85, k.sample, k.target]).toEqual([60, 60, 110, 5, 90]);
    expect(r.timeToMvpByQuarter).toEqual([{ quarter: "2026-Q3", median: 60, p85: 110, sample: 5, withinTarget: 4 / 5 }]);
    expect(timeToMvp(ucs[5]!, "intake", "mvp", now)).toBeNull();
    expect(timeToMvp(useCase({ number: 3, filedAt: at(0), mvpAt: at(45) }), "intake", "mvp", now)).toEqual({ days: 45, at: BASE + 45 * DAY });
  });

  it("time in each gate and stuck use cases", () => {
    const ucs = [
      // waits: intake 2, feasibility 8 + 8, waiting for architecture since day 20 (100 days by now): stuck
      useCase({ number: 1, filedAt: at(0), gates: [ev("intake", "passed", 2), ev("feasibility", "passed", 10), ev("feasibility", "reverted", 12), ev("feasibility", "passed", 20)] }),
      // waits: intake 4; waiting for feasibility since day 100 (20 days): not stuck at 21
      useCase({ number: 2, filedAt: at(96), gates: [ev("intake", "passed", 100)] }),
      // closed, waiting for feasibility since day 1: not stuck (closed)
      useCase({ number: 3, filedAt: at(0), state: "closed", closedAt: at(5), gates: [ev("intake", "passed", 1)] }),
      // deployed but still open with no gate labels: not stuck
      useCase({ number: 4, filedAt: at(0), deployedAt: at(50) }),
    ];
    const r = computeKpis(base({ useCases: ucs, initiatives: [] }), { now, config });
    const intake = r.gateDurations.find((g) => g.gate === "intake")!;
    expect(intake).toEqual({ gate: "intake", median: 2, p85: 4, sample: 3, waitingNow: 0 }); // 2, 4, 1
    const feas = r.gateDurations.find((g) => g.gate === "feasibility")!;
    expect(feas).toEqual({ gate: "feasibility", median: 16, p85: 16, sample: 1, waitingNow: 1 });
    expect(r.gateDurations.find((g) => g.gate === "architecture")!.waitingNow).toBe(1);
    expect(r.stuck).toEqual([
      { id: "acme/mes#1", number: 1, title: "Use case 1", url: "https://github.com/acme/mes/issues/1", owner: null, waitingFor: "architecture", days: 100, thresholdDays: 21 },
    ]);
    const all = r.kpis.find((x) => x.id === "timeInGate")!;
    expect([all.median, all.p85, all.sample]).toEqual([3, 16, 4]); // 1, 2, 4, 16
    expect(r.kpis.find((x) => x.id === "stuckUseCases")!.value).toBe(1);
    expect(r.kpis.find((x) => x.id === "timeInGate.feasibility")!.note).toBe("1 waiting now");
  });

  it("reads gate events recorded out of time order as the time-ordered history (the report's timeline sorts them)", () => {
    const tidy = [ev("intake", "passed", 2), ev("feasibility", "passed", 10), ev("feasibility", "reverted", 12), ev("feasibility", "passed", 20), ev("mvp", "passed", 60)];
    const shuffled = [tidy[3]!, tidy[0]!, tidy[4]!, tidy[2]!, tidy[1]!];
    const make = (gates: GateEvent[]) => [
      useCase({ number: 1, filedAt: at(0), gates }),
      // closed with no recorded time: its clock stops at its last pipeline event
      useCase({ number: 2, filedAt: at(0), state: "closed", closedAt: null, gates: gates.slice().reverse() }),
    ];
    const ordered = computeKpis(base({ useCases: make(tidy), initiatives: [] }), { now, config });
    const unordered = computeKpis(base({ useCases: make(shuffled), initiatives: [] }), { now, config });
    expect(unordered).toEqual(ordered);
    expect(ordered.gateDurations.find((g) => g.gate === "feasibility")).toMatchObject({ median: 16, sample: 2 });
    expect(ordered.kpis.find((k) => k.id === "timeToMvp")).toMatchObject({ median: 58, sample: 2 });
  });

  it("gate waits and stuck items of a portfolio agree with each use case's own gate timeline", () => {
    const s = generatePortfolio({ useCases: 120, seed: 5, now: "2026-11-23" });
    const pipeline = s.governance.pipeline.map((g) => g.id);
    for (const day of ["2026-11-23", "2026-08-01"]) {
      const nowMs = Date.parse(`${day}T00:00:00Z`);
      const r = computeKpis(s, { now: nowMs, config });
      const waits = new Map(pipeline.map((g) => [g, [] as number[]]));
      const stuck: string[] = [];
      for (const u of s.useCases) {
        if (Date.parse(u.filedAt) > nowMs) continue;
        const tl = gateTimeline(u, pipeline, nowMs);
        for (const g of tl.completed) waits.get(g)!.push(tl.waitedMs.get(g)! / DAY);
        const deployed = u.deployedAt !== undefined && Date.parse(u.deployedAt) <= nowMs;
        if (u.state === "open" && !deployed && tl.current && Math.floor((nowMs - tl.current.sinceMs) / DAY) > config.stuckGateDays) stuck.push(u.id);
      }
      expect(r.gateDurations.map((g) => [g.gate, g.sample, g.median, g.p85])).toEqual(pipeline.map((g) => [g, waits.get(g)!.length, spread(waits.get(g)!).median, spread(waits.get(g)!).p85]));
      expect(r.stuck.map((x) => x.id).sort()).toEqual(stuck.sort());
      expect(r.gateDurations.filter((g) => g.sample > 0).length).toBeGreaterThan(2);
    }
  });

  it("every KPI has a one-line definition and no average-only duration", () => {
    const r = computeKpis(snapshot(), { now, config });
    for (const k of r.kpis) {
      expect(k.definition.length).toBeGreaterThan(20);
      expect(k.definition).not.toContain("\n");
      if (k.unit === "days") expect(k).toHaveProperty("p85");
    }
    expect(new Set(r.kpis.map((k) => k.id)).size).toBe(r.kpis.length);
  });
});

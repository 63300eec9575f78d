import { describe, expect, it } from "vitest";
import { formatStatusHistory, parseStatusHistory, recordStatus, timeInStatus, MAX_HISTORY_CHARS } from "../../../src/domain/board/history.js";
import { boardHealth, boardStatusWeek, mondayOf } from "../../../src/domain/board/status-update.js";
import { lastPassedGate, planFields, planWrites } from "../../../src/domain/board/plan.js";
import { ownedFieldSpecs } from "../../../src/domain/board/fields.js";
import { sprintsSection, boardSection } from "../../../src/config/sections/portfolio.js";
import type { BoardField } from "../../../src/domain/board/types.js";

describe("status history", () => {
  it("records each change once, in time order, and reads back what it wrote", () => {
    let h = recordStatus([], { at: "2026-11-24T09:30:00.000Z", status: "In progress" }, 20).entries;
    h = recordStatus(h, { at: "2026-11-20T08:00:00Z", status: "Todo" }, 20).entries;
    const again = recordStatus(h, { at: "2026-11-24T09:30:00Z", status: "In progress" }, 20);
    expect(again.changed).toBe(false);
    expect(formatStatusHistory(h)).toBe("2026-11-20T08:00:00Z=Todo; 2026-11-24T09:30:00Z=In progress");
    expect(parseStatusHistory(formatStatusHistory(h))).toEqual(h);
  });

  it("a status name cannot break the format; hand-edited garbage is skipped", () => {
    const h = recordStatus([], { at: "2026-11-24T09:30:00Z", status: "Blocked; waiting\nfor=vendor" }, 20).entries;
    expect(parseStatusHistory(formatStatusHistory(h))).toEqual([{ at: "2026-11-24T09:30:00Z", status: "Blocked, waiting for=vendor" }]);
    expect(parseStatusHistory("nonsense; 2026-11-24T09:30:00Z=Done")).toEqual([{ at: "2026-11-24T09:30:00Z", status: "Done" }]);
  });

  it("keeps at most historyEntries entries and 1,000 characters, dropping the oldest", () => {
    let h = recordStatus([], { at: "2026-01-01T00:00:00Z", status: "A" }, 3).entries;
    for (let d = 2; d <= 6; d++) h = recordStatus(h, { at: `2026-01-0${d}T00:00:00Z`, status: String(d) }, 3).entries;
    expect(h.map((e) => e.status)).toEqual(["4", "5", "6"]);
    let long = recordStatus([], { at: "2026-01-01T00:00:00Z", status: "x".repeat(400) }, 50).entries;
    for (let d = 2; d <= 5; d++) long = recordStatus(long, { at: `2026-01-0${d}T00:00:00Z`, status: "y".repeat(400) }, 50).entries;
    expect(formatStatusHistory(long).length).toBeLessThanOrEqual(MAX_HISTORY_CHARS);
    expect(long.at(-1)!.at).toBe("2026-01-05T00:00:00Z");
  });

  it("time in status: each span up to the next change, the current one up to now", () => {
    const spans = timeInStatus(parseStatusHistory("2026-11-20T00:00:00Z=Todo; 2026-11-23T12:00:00Z=In progress"), new Date("2026-11-25T12:00:00Z"));
    expect(spans.map((s) => [s.status, s.days, s.to])).toEqual([["Todo", 3.5, "2026-11-23T12:00:00Z"], ["In progress", 2, null]]);
  });
});

describe("board status update", () => {
  const thresholds = boardSection.parse({}).statusUpdate;
  it("on track under the 10% target, at risk from it, off track from 25%", () => {
    expect(boardHealth(0.099, thresholds)).toBe("ON_TRACK");
    expect(boardHealth(0.1, thresholds)).toBe("AT_RISK");
    expect(boardHealth(0.2499, thresholds)).toBe("AT_RISK");
    expect(boardHealth(0.25, thresholds)).toBe("OFF_TRACK");
    expect(boardHealth(null, thresholds)).toBe("ON_TRACK");
  });
  it("Monday of an ISO week, and the week read back from the marker", () => {
    expect(mondayOf("2026-W48")).toBe("2026-11-23");
    expect(mondayOf("2027-W01")).toBe("2027-01-04");
    expect(mondayOf("2026-W53")).toBe("2026-12-28");
    expect(boardStatusWeek("x <!-- converge:board-status 2026-W48 --> y")).toBe("2026-W48");
    expect(boardStatusWeek("<!-- converge:board-status nope -->")).toBeUndefined();
  });
});

describe("board plan", () => {
  const specs = ownedFieldSpecs(["intake", "feasibility"], sprintsSection.parse({}));
  it("iteration sprints: the iteration field is the squads', not Converge's; milestone sprints get a Sprint text field", () => {
    expect(specs.map((s) => s.name)).not.toContain("Sprint");
    expect(ownedFieldSpecs([], sprintsSection.parse({ source: "milestone" })).find((s) => s.name === "Sprint")).toMatchObject({ dataType: "TEXT" });
  });

  it("the last gate passed counts reverts", () => {
    const ev = (gate: string, action: "passed" | "reverted", at: string) => ({ gate, action, actor: "a", at });
    expect(lastPassedGate([ev("intake", "passed", "2026-01-01T00:00:00Z"), ev("feasibility", "passed", "2026-01-02T00:00:00Z"), ev("feasibility", "reverted", "2026-01-03T00:00:00Z")], ["intake", "feasibility"])).toBe("intake");
    expect(lastPassedGate([], ["intake"])).toBeNull();
  });

  it("writes only differing owned values; clears a value that should be empty; says when an option is missing", () => {
    const fields: BoardField[] = [
      { id: "F1", name: "Value stream", dataType: "TEXT" },
      { id: "F2", name: "Gate", dataType: "SINGLE_SELECT", options: [{ id: "o1", name: "intake" }] },
      { id: "F3", name: "Planned benefit", dataType: "NUMBER" },
      { id: "F4", name: "Status history", dataType: "TEXT" },
    ];
    const items = [{ id: "I1", contentKey: "Org/Repo#1", values: { "Value stream": "Quality", "Planned benefit": 100, Gate: "intake", "Status history": "x" } }];
    const plan = planWrites(fields, specs, items, [{ contentKey: "org/repo#1", kind: "useCase", values: { "Value stream": "Quality", "Planned benefit": null, Gate: "feasibility", "Status history": "y" } }]);
    expect(plan.writes).toEqual([{ itemId: "I1", contentKey: "org/repo#1", field: "Planned benefit", fieldId: "F3", value: null }]);
    expect(plan.notices).toEqual(['The board field "Gate" has no option "feasibility": add it to the field so Converge can set it.']);
    expect(planFields(fields, specs).create.map((s) => s.name)).toEqual(["Deadline", "Initiatives", "Forecast P85", "Risk", "Status since"]);
  });
});

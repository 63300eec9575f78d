import { describe, expect, it } from "vitest";
import { isoWeekIn, missedWeek, weeklyCron } from "../../../src/domain/delivery/week.js";
import { planPartComments } from "../../../src/domain/delivery/plan.js";

describe("delivery calendar", () => {
  it("files a report under the office's local ISO week, not UTC's", () => {
    // Monday 2026-11-30 00:30 in Berlin is still Sunday (W48) in UTC.
    const instant = new Date("2026-11-29T23:30:00Z");
    expect(isoWeekIn(instant, "UTC")).toBe("2026-W48");
    expect(isoWeekIn(instant, "Europe/Berlin")).toBe("2026-W49");
  });

  it("weekly cron patterns", () => {
    expect(weeklyCron({ weekday: "monday", time: "07:00" })).toBe("0 7 * * 1");
    expect(weeklyCron({ weekday: "sunday", time: "23:45" })).toBe("45 23 * * 0");
  });

  it("catch-up: the last scheduled run is due only when its week has no posted report", () => {
    const lastRun = new Date("2026-11-30T06:00:00Z"); // Monday 07:00 Berlin, W49
    expect(missedWeek(lastRun, "Europe/Berlin", "2026-W48")).toBe("2026-W49");
    expect(missedWeek(lastRun, "Europe/Berlin", undefined)).toBe("2026-W49");
    expect(missedWeek(lastRun, "Europe/Berlin", "2026-W49")).toBeNull();
    expect(missedWeek(null, "Europe/Berlin", undefined)).toBeNull();
  });

  it("part comments: one per part, duplicates and stale parts deleted, unchanged ones left alone", () => {
    const m = (p: number, text: string) => `<!-- converge:weekly-report-part week=2026-W49 part=${p} -->\n${text}`;
    const actions = planPartComments(
      "2026-W49",
      [
        { id: 1, body: m(2, "same") },
        { id: 2, body: m(2, "dup") },
        { id: 3, body: m(4, "stale") },
        { id: 4, body: "<!-- converge:weekly-report-part week=2026-W48 part=2 -->\nother week" },
      ],
      [m(2, "same"), m(3, "new")],
    );
    expect(actions).toEqual([
      { kind: "delete", part: 2, id: 2 },
      { kind: "delete", part: 4, id: 3 },
      { kind: "create", part: 3, body: m(3, "new") },
    ]);
  });
});

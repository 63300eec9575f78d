import { describe, expect, it } from "vitest";
import { reportSection } from "../../../src/config/sections/report.js";
import { coverageFromText } from "../../../src/domain/kpis/index.js";

const pattern = reportSection.parse({}).coverage.pattern;

describe("coverageFromText", () => {
  it.each([
    ["Coverage: 83.4% of lines", 83.4],
    ["All files | 91 %", 91],
    ["statements 100%", 100],
    ["0% covered", 0],
  ])("%s", (text, expected) => {
    expect(coverageFromText(text, pattern)).toBe(expected);
  });

  it("returns null without a plausible percentage or with a broken pattern", () => {
    expect(coverageFromText("tests passed", pattern)).toBeNull();
    expect(coverageFromText("coverage 250%", pattern)).toBeNull();
    expect(coverageFromText(null, pattern)).toBeNull();
    expect(coverageFromText("83%", "(")).toBeNull();
    expect(coverageFromText("lines: 77,5 pct", "lines: (\\d+(?:[.,]\\d+)?) pct")).toBe(77.5);
  });
});

import { describe, expect, it } from "vitest";
import { reportSection } from "../../src/config/sections/report.js";

describe("report config section", () => {
  it("has documented defaults", () => {
    const d = reportSection.parse(undefined);
    expect(d).toMatchObject({
      reportingCurrency: "EUR",
      rates: {},
      defectLabel: "defect",
      mvpTargetDays: 90,
      stuckGateDays: 21,
      kpiWindowDays: 90,
      coverage: { checkName: "coverage", minimumPercent: 80 },
    });
    expect(new RegExp(d.productionEnvironmentPattern, "i").test("Production")).toBe(true);
    expect(new RegExp(d.productionEnvironmentPattern, "i").test("prod-eu")).toBe(true);
    expect(new RegExp(d.productionEnvironmentPattern, "i").test("preprod")).toBe(false);
    expect(new RegExp(d.coverage.pattern, "i").exec("Coverage: 83.4% of lines")?.[1]).toBe("83.4");
  });

  it("rejects bad values with a reason", () => {
    const bad = reportSection.safeParse({ reportingCurrency: "euro", rates: { usd: 1 }, productionEnvironmentPattern: "(", officeTeam: "office" });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'reportingCurrency: expected a 3-letter currency code like "EUR"',
        "productionEnvironmentPattern: not a valid regular expression (productionEnvironmentPattern)",
        'officeTeam: expected an org team like "@acme/transformation-office"',
      ]),
    );
    expect(messages.some((m) => m.startsWith("rates"))).toBe(true);
    expect(reportSection.safeParse({ rates: { USD: -1 } }).success).toBe(false);
    expect(reportSection.safeParse({ colour: 1 }).success).toBe(false);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeBenefits, convert, currencySettings, phaseShare, type UseCaseOutlook } from "../../../src/domain/benefits/index.js";
import { initiative, snapshot, useCase } from "../snapshot/fixture.js";

const EUR = { reportingCurrency: "EUR", rates: { USD: 0.9 } };

describe("convert and currency settings", () => {
  it("converts with the configured rate and names a missing one", () => {
    expect(convert({ amount: 100, currency: "EUR" }, EUR)).toEqual({ ok: true, amount: 100 });
    expect(convert({ amount: 100, currency: "USD" }, EUR)).toEqual({ ok: true, amount: 90 });
    expect(convert({ amount: 100, currency: "GBP" }, EUR)).toEqual({
      ok: false,
      problem: "no conversion rate from GBP to EUR (add report.rates.GBP to the config)",
    });
  });

  it("takes the config's currency and lets config rates override the snapshot's", () => {
    const snap = { program: { name: "p", reportingCurrency: "EUR", rates: { USD: 0.9, MYR: 0.2 } } };
    expect(currencySettings(snap, { reportingCurrency: "EUR", rates: { USD: 0.95 } })).toEqual({
      reportingCurrency: "EUR",
      rates: { USD: 0.95, MYR: 0.2 },
    });
    // Snapshot rates into another currency are useless for a USD report: dropped.
    expect(currencySettings(snap, { reportingCurrency: "USD", rates: { EUR: 1.1 } })).toEqual({ reportingCurrency: "USD", rates: { EUR: 1.1 } });
  });
});

describe("phaseShare", () => {
  it("prorates the window by day", () => {
    expect(phaseShare("2026-01-01", "2026-11-23")).toBe(1);
    expect(phaseShare("2026-11-23", "2026-11-23")).toBe(1);
    expect(phaseShare("2027-11-23", "2026-11-23")).toBe(0);
    expect(phaseShare("2030-01-01", "2026-11-23")).toBe(0);
    // 2026-11-23 → 2027-05-01 is 8 + 31 + 31 + 28 + 31 + 30 = 159 days.
    expect(phaseShare("2027-05-01", "2026-11-23")).toBeCloseTo(206 / 365, 12);
    expect(phaseShare("2026-12-03", "2026-11-23", 20)).toBeCloseTo(0.5, 12);
  });
});

describe("computeBenefits", () => {
  const uc1 = useCase({ number: 1, valueStream: "quality", initiatives: ["acme/portfolio#1", "acme/portfolio#3"], deadline: "2027-03-01" });
  const uc2 = useCase({ number: 2, valueStream: "supply", initiatives: ["acme/portfolio#1", "acme/portfolio#4"], deadline: "2027-06-30" });
  const uc3 = useCase({ number: 3, initiatives: ["acme/portfolio#2"], deadline: "2026-10-01", deployedAt: "2026-09-01T10:00:00Z" });
  const snap = snapshot({
    useCases: [uc1, uc2, uc3],
    initiatives: [
      initiative({ number: 1, valueStream: "quality", plannedBenefit: { amount: 120_000, currency: "EUR" } }),
      initiative({
        number: 2,
        valueStream: "quality",
        plannedBenefit: { amount: 100_000, currency: "USD" },
        realized: [
          { amount: 10_000, currency: "USD", asOf: "2026-09-30", recordedBy: "olivia", recordedAt: "2026-10-02T09:00:00Z" },
          { amount: 5_000, currency: "EUR", asOf: "2026-10-31", recordedBy: "olivia", recordedAt: "2026-11-02T09:00:00Z" },
        ],
      }),
      initiative({ number: 3, valueStream: "supply", plannedBenefit: { amount: 50_000, currency: "GBP" } }),
      initiative({ number: 4, valueStream: "supply", plannedBenefit: { amount: 200_000, currency: "EUR" } }),
      initiative({ number: 5, valueStream: "supply", plannedBenefit: { amount: 70_000, currency: "EUR" } }),
    ],
  });
  const outlook = new Map<string, UseCaseOutlook>([
    ["acme/mes#1", { status: "at_risk", pOnTime: 0.6, goLive: "2027-02-20" }],
    ["acme/mes#2", { status: "off_track", pOnTime: 0.5, goLive: "2027-05-01" }],
  ]);
  const result = computeBenefits(snap, { now: "2026-11-23", currency: EUR, outlook });
  const byId = new Map(result.initiatives.map((i) => [i.id, i]));

  it("needs all enabling use cases: probability is the product, go-live the latest", () => {
    const a = byId.get("acme/portfolio#1")!;
    expect(a.useCases).toEqual(["acme/mes#1", "acme/mes#2"]);
    expect(a.probability).toBeCloseTo(0.3, 12);
    expect(a.goLive).toBe("2027-05-01");
    expect(a.forecastYearly).toBeCloseTo(36_000, 6);
    // Live from 2027-05-01: 206 of the 365 days from 2026-11-23.
    expect(a.forecast).toBeCloseTo((36_000 * 206) / 365, 6);
    expect(a.plannedGoLive).toBe("2027-06-30");
    // 2026-11-23 → 2027-06-30 = 159 + 60 = 219 days; 146 remain.
    expect(a.plannedInWindow).toBeCloseTo((120_000 * 146) / 365, 6);
    expect(a.status).toBe("off_track");
    expect(a.atRisk).toBe(true);
  });

  it("a deployed enabler counts as certain; amounts convert; realized records sum", () => {
    const b = byId.get("acme/portfolio#2")!;
    expect(b.planned).toBeCloseTo(90_000, 9);
    expect(b.probability).toBe(1);
    expect(b.goLive).toBe("2026-09-01");
    expect(b.forecast).toBeCloseTo(90_000, 9);
    expect(b.realized).toBeCloseTo(9_000 + 5_000, 9);
    expect(b.status).toBe("deployed");
    expect(b.atRisk).toBe(false);
    expect(b.problems).toEqual([]);
  });

  it("a currency with no rate is a named problem, never NaN", () => {
    const c = byId.get("acme/portfolio#3")!;
    expect(c.planned).toBeNull();
    expect(c.forecast).toBeNull();
    expect(c.atRisk).toBe(true);
    expect(result.problems).toContain("acme/portfolio#3: planned benefit: no conversion rate from GBP to EUR (add report.rates.GBP to the config)");
    for (const v of Object.values(result.total)) expect(Number.isFinite(v)).toBe(true);
  });

  it("joins every initiative to its enabling use cases in id order, whatever the snapshot's order", () => {
    // Use cases listed out of id order (10 before 9, in code-unit order "acme/mes#10" < "acme/mes#9"), one naming an
    // initiative twice and one naming an initiative the snapshot does not have.
    const ucs = [
      useCase({ number: 9, initiatives: ["acme/portfolio#1", "acme/portfolio#99"] }),
      useCase({ number: 10, initiatives: ["acme/portfolio#2", "acme/portfolio#1", "acme/portfolio#2"] }),
      useCase({ number: 11, initiatives: [] }),
    ];
    const many = computeBenefits(snapshot({ useCases: ucs, initiatives: [initiative({ number: 2 }), initiative({ number: 1 }), initiative({ number: 3 })] }), {
      now: "2026-11-23",
      currency: EUR,
      outlook: new Map(),
    });
    expect(many.initiatives.map((i) => [i.id, i.useCases])).toEqual([
      ["acme/portfolio#2", ["acme/mes#10", "acme/mes#10"]],
      ["acme/portfolio#1", ["acme/mes#10", "acme/mes#9"]],
      ["acme/portfolio#3", []],
    ]);
  });

  it("an initiative with no enabling use case cannot be forecast", () => {
    const e = byId.get("acme/portfolio#5")!;
    expect(e.forecast).toBeNull();
    expect(e.status).toBeNull();
    expect(e.problems).toEqual(["no enabling use case is linked: benefit cannot be forecast"]);
  });

  it("rolls up per value stream and in total; at risk = planned benefit of at-risk initiatives", () => {
    const quality = result.byValueStream.find((v) => v.valueStream === "quality")!;
    const supply = result.byValueStream.find((v) => v.valueStream === "supply")!;
    expect(result.byValueStream.map((v) => v.valueStream)).toEqual(["quality", "supply"]);
    expect(quality.planned).toBeCloseTo(120_000 + 90_000, 6);
    expect(quality.forecast).toBeCloseTo((36_000 * 206) / 365 + 90_000, 6);
    expect(quality.realized).toBeCloseTo(14_000, 6);
    expect(quality.atRisk).toBeCloseTo(120_000, 6);
    // supply: #3 (GBP, no rate) left out of the sums; #4 enabled by uc2 (off track, p 0.5, live 2027-05-01).
    expect(supply.planned).toBeCloseTo(200_000 + 70_000, 6);
    expect(supply.forecast).toBeCloseTo((200_000 * 0.5 * 206) / 365, 6);
    expect(supply.atRisk).toBeCloseTo(200_000, 6);
    expect(supply.atRiskInitiatives).toBe(2);
    expect(supply.incomplete).toBe(2);
    expect(result.total.planned).toBeCloseTo(480_000, 6);
    expect(result.total.atRisk).toBeCloseTo(320_000, 6);
    expect(result.total.atRiskInitiatives).toBe(3);
    expect(result.window).toEqual({ start: "2026-11-23", end: "2027-11-22", days: 365 });
  });

  it("uses a joint probability when the forecast supplies one, and flags enablers with no forecast", () => {
    const joint = computeBenefits(snap, {
      now: "2026-11-23",
      currency: EUR,
      outlook,
      jointProbability: new Map([["acme/portfolio#1", 0.42]]),
    });
    expect(joint.initiatives[0]!.probability).toBe(0.42);
    const partial = computeBenefits(snap, { now: "2026-11-23", currency: EUR, outlook: new Map([...outlook].slice(0, 1)) });
    const a = partial.initiatives[0]!;
    expect(a.probability).toBeNull();
    expect(a.forecast).toBeNull();
    expect(a.problems).toEqual(["no forecast for enabling use case acme/mes#2"]);
    expect(a.status).toBe("at_risk");
  });

  it("never produces NaN or negative sums for any rates and probabilities", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.option(fc.double({ min: 1e-6, max: 1e3, noNaN: true }), { nil: undefined }),
        fc.integer({ min: 1, max: 3650 }),
        (p1, p2, usd, windowDays) => {
          const r = computeBenefits(snap, {
            now: "2026-11-23",
            currency: { reportingCurrency: "EUR", rates: usd === undefined ? {} : { USD: usd } },
            outlook: new Map([
              ["acme/mes#1", { status: "on_track", pOnTime: p1, goLive: "2027-01-01" }],
              ["acme/mes#2", { status: "on_track", pOnTime: p2, goLive: "2027-03-01" }],
            ]),
            windowDays,
          });
          for (const v of Object.values(r.total)) expect(Number.isFinite(v) && v >= 0).toBe(true);
          expect(r.total.forecast).toBeLessThanOrEqual(r.total.planned + 1e-6);
        },
      ),
      { numRuns: 200 },
    );
  });
});

import { describe, expect, it } from "vitest";
import { mayRecordBenefit, parseBenefitCommand, parseMoney, realizedRecord } from "../../../src/domain/benefits/index.js";

const opts = { now: "2026-11-23", defaultCurrency: "EUR" };

describe("parseMoney", () => {
  it.each([
    ["250k", 250_000, "EUR"],
    ["€1.2M", 1_200_000, "EUR"],
    ["250,000 EUR", 250_000, "EUR"],
    ["EUR 250000", 250_000, "EUR"],
    ["1.5 mio €", 1_500_000, "EUR"],
    ["$3.5m", 3_500_000, "USD"],
    ["£80k", 80_000, "GBP"],
    ["1.250.000 €", 1_250_000, "EUR"],
    ["250.000 €", 250_000, "EUR"],
    ["12,5k", 12_500, "EUR"],
    ["1,234.56 usd", 1_234.56, "USD"],
    ["1.234,56 €", 1_234.56, "EUR"],
    ["250 MYR", 250, "MYR"],
    ["2bn", 2_000_000_000, "EUR"],
    ["1 000 000", 1_000_000, "EUR"],
    ["250 k€", 250_000, "EUR"],
  ])("%s", (text, amount, currency) => {
    expect(parseMoney(text, "EUR")).toEqual({ ok: true, money: { amount, currency } });
  });

  it.each(["", "abc", "-5k", "0", "12.5.3", "1,2345", "€5k USD", "5 trillion", "9999bn"])("rejects %j with a reason", (text) => {
    const result = parseMoney(text, "EUR");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem.length).toBeGreaterThan(10);
  });
});

describe("parseBenefitCommand", () => {
  it("reads amount and date", () => {
    expect(parseBenefitCommand("Thanks all!\n/benefit realized €250k as of 2026-10-31\n", opts)).toEqual({
      kind: "realized",
      money: { amount: 250_000, currency: "EUR" },
      asOf: "2026-10-31",
      asOfDefaulted: false,
    });
    expect(parseBenefitCommand("/benefit realized 250,000 USD", opts)).toEqual({
      kind: "realized",
      money: { amount: 250_000, currency: "USD" },
      asOf: "2026-11-23",
      asOfDefaulted: true,
    });
    expect(parseBenefitCommand("/Benefit Realised 1.2M As Of 2026-11-23", { ...opts, defaultCurrency: "USD" })).toMatchObject({
      kind: "realized",
      money: { amount: 1_200_000, currency: "USD" },
    });
  });

  it("ignores comments without a command, and commands in quotes or code", () => {
    expect(parseBenefitCommand("we should /benefit realized 5k later", opts)).toEqual({ kind: "none" });
    expect(parseBenefitCommand("> /benefit realized 5k", opts)).toEqual({ kind: "none" });
    expect(parseBenefitCommand("```\n/benefit realized 5k\n```", opts)).toEqual({ kind: "none" });
    expect(parseBenefitCommand("/benefits are great", opts)).toEqual({ kind: "none" });
  });

  it.each([
    ["/benefit", /missing sub-command/],
    ["/benefit planned 5k", /unknown sub-command "planned"/],
    ["/benefit realized", /missing amount/],
    ["/benefit realized lots", /cannot read "lots"/],
    ["/benefit realized 5k as of 31.10.2026", /needs a date like/],
    ["/benefit realized 5k as of 2026-02-30", /needs a date like/],
    ["/benefit realized 5k as of 2026-12-01", /in the future/],
  ])("explains %j", (body, problem) => {
    const result = parseBenefitCommand(body, opts);
    expect(result.kind).toBe("invalid");
    if (result.kind === "invalid") {
      expect(result.problem).toMatch(problem);
      expect(result.usage).toMatch(/^\/benefit realized <amount>/);
    }
  });

  it("builds the record kept in the initiative's comment", () => {
    const command = parseBenefitCommand("/benefit realized 10k as of 2026-10-31", opts);
    if (command.kind !== "realized") throw new Error("expected a command");
    expect(realizedRecord(command, "olivia", "2026-11-23T10:00:00Z")).toEqual({
      amount: 10_000,
      currency: "EUR",
      asOf: "2026-10-31",
      recordedBy: "olivia",
      recordedAt: "2026-11-23T10:00:00Z",
    });
    expect(realizedRecord(command, "olivia", "2026-11-23T10:00:00Z", "IC_kwDO123").source).toBe("IC_kwDO123");
  });
});

describe("mayRecordBenefit", () => {
  const initiative = { id: "acme/portfolio#7", owner: "Olivia" };
  it("allows the owner (case-insensitive) whatever the team lookup said", () => {
    expect(mayRecordBenefit({ commenter: "olivia", initiative, officeTeam: "@acme/office", officeMembership: "unknown" })).toEqual({
      allowed: true,
      as: "owner",
    });
  });
  it("allows office team members", () => {
    expect(mayRecordBenefit({ commenter: "claire", initiative, officeTeam: "@acme/office", officeMembership: "member" })).toEqual({
      allowed: true,
      as: "office",
    });
  });
  it("refuses others, without @-mentions in the reason", () => {
    const d = mayRecordBenefit({ commenter: "mallory", initiative, officeTeam: "@acme/office", officeMembership: "not-member" });
    expect(d).toEqual({
      allowed: false,
      reason: "mallory may not record benefit for acme/portfolio#7: only the initiative owner (Olivia) or a member of acme/office may record realized benefit",
    });
    if (!d.allowed) expect(d.reason).not.toContain("@");
  });
  it("fails safe when membership could not be checked, and when no office team is configured", () => {
    const unknown = mayRecordBenefit({ commenter: "claire", initiative, officeTeam: "@acme/office", officeMembership: "unknown" });
    expect(unknown.allowed).toBe(false);
    if (!unknown.allowed) expect(unknown.reason).toMatch(/could not verify/);
    expect(mayRecordBenefit({ commenter: "claire", initiative, officeMembership: "member" }).allowed).toBe(false);
  });
  it("refuses bots, even one named as owner", () => {
    expect(mayRecordBenefit({ commenter: "olivia", commenterType: "Bot", initiative, officeMembership: "not-member" }).allowed).toBe(false);
  });
});

describe("parseMoney round trips", () => {
  it("reads back grouped, plain and k-suffixed amounts it is given", async () => {
    const fc = (await import("fast-check")).default;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999 }), fc.constantFrom("EUR", "USD", "GBP"), (n, currency) => {
        const grouped = n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
        expect(parseMoney(`${grouped} ${currency}`, "EUR")).toEqual({ ok: true, money: { amount: n, currency } });
        expect(parseMoney(`${currency} ${n}`, "EUR")).toEqual({ ok: true, money: { amount: n, currency } });
        expect(parseMoney(`${n / 1000}k`, currency)).toEqual({ ok: true, money: { amount: n, currency } });
      }),
      { numRuns: 300 },
    );
  });
});

import { describe, expect, it } from "vitest";
import { parseMoney } from "../../../src/domain/values/money.js";
import { parseReferenceList } from "../../../src/domain/values/references.js";
import { parseHandle } from "../../../src/domain/values/handles.js";
import { parseIsoDate } from "../../../src/domain/values/dates.js";

describe("parseMoney", () => {
  it.each([
    ["250,000 EUR", 250_000, "EUR"],
    ["€250k", 250_000, "EUR"],
    ["1.2M USD", 1_200_000, "USD"],
    ["$1,5M", 1_500_000, "USD"],
    ["EUR 250.000", 250_000, "EUR"],
    ["1.250.000,75 EUR", 1_250_000.75, "EUR"],
    ["USD 1,000,000.50", 1_000_000.5, "USD"],
    ["€ 2 500 000", 2_500_000, "EUR"],
    ["12.5 chf", 12.5, "CHF"],
    ["250,000", 250_000, "EUR"], // default currency
  ])("reads %s", (text, amount, currency) => {
    expect(parseMoney(text, "EUR")).toEqual({ ok: true, money: { amount, currency } });
  });

  it.each([
    ["a lot", "cannot read \"a lot\" as an amount"],
    ["0 EUR", "must be positive"],
    ["250k XYZ", "ISO 4217"],
    ["€250 USD", "two different currencies"],
  ])("explains why %s is not money", (text, reason) => {
    const result = parseMoney(text, "EUR");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain(reason);
  });

  it("asks for a currency when there is no default", () => {
    expect(parseMoney("1.2M")).toEqual({ ok: false, problem: expect.stringContaining("no currency") });
  });
});

describe("parseReferenceList", () => {
  const here = { owner: "acme", repo: "plant-iot" };
  it("reads #n, owner/repo#n and issue URLs, deduplicated", () => {
    const { references, invalid } = parseReferenceList("#12, acme/office#40\n- https://github.com/acme/office/issues/40\n- #12 #13", here);
    expect(invalid).toEqual([]);
    expect(references).toEqual([
      { owner: "acme", repo: "plant-iot", number: 12 },
      { owner: "acme", repo: "office", number: 40 },
      { owner: "acme", repo: "plant-iot", number: 13 },
    ]);
  });

  it("returns unreadable parts as they were written", () => {
    expect(parseReferenceList("the scrap one, #7", here).invalid).toEqual(["the scrap one"]);
    expect(parseReferenceList("https://github.com/acme/office/pull/3", here).invalid).toHaveLength(1);
  });
});

describe("parseHandle and parseIsoDate", () => {
  it("accepts GitHub logins with or without @", () => {
    expect(parseHandle("@mara-schmidt")).toBe("mara-schmidt");
    expect(parseHandle("li-wei")).toBe("li-wei");
    expect(parseHandle("@everyone please look")).toBeUndefined();
    expect(parseHandle("-bad")).toBeUndefined();
  });

  it("accepts real calendar dates only", () => {
    expect(parseIsoDate("2028-02-29")).toBe("2028-02-29");
    expect(parseIsoDate("2027-02-29")).toBeUndefined();
    expect(parseIsoDate("31.03.2027")).toBeUndefined();
  });
});

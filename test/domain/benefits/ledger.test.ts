import { describe, expect, it } from "vitest";
import { readLedger, renderLedger, upsertRecord } from "../../../src/domain/benefits/index.js";
import type { RealizedBenefit } from "../../../src/domain/snapshot/schema.js";

const r = (over: Partial<RealizedBenefit>): RealizedBenefit => ({
  amount: 250_000,
  currency: "EUR",
  asOf: "2026-10-31",
  recordedBy: "olivia",
  recordedAt: "2026-11-02T09:15:00Z",
  ...over,
});

describe("benefit ledger", () => {
  it("renders a table and reads its records back", () => {
    const records = [r({}), r({ amount: 1234.5, currency: "USD", asOf: "2026-11-30", recordedBy: "claire-office", recordedAt: "2026-12-01T08:00:00Z", source: "c-2" })];
    const text = renderLedger(records);
    expect(text).toContain("| 2026-10-31 | 250,000 EUR | olivia | 2026-11-02 09:15 UTC |");
    expect(text).toContain("| 2026-11-30 | 1,234.50 USD | claire-office | 2026-12-01 08:00 UTC |");
    expect(text).not.toContain("@");
    expect(readLedger(`Status above\n\n${text}\n\nfooter`)).toEqual({ ok: true, records });
  });

  it("an empty ledger says how to record, and reads back empty", () => {
    const text = renderLedger([]);
    expect(text).toMatch(/`\/benefit realized <amount>/);
    expect(readLedger(text)).toEqual({ ok: true, records: [] });
    expect(readLedger("no ledger here")).toEqual({ ok: true, records: [] });
  });

  it("cannot be broken out of by recorded text", () => {
    const hostile = r({ source: "x --> <img src=x> & -->" });
    const text = renderLedger([hostile]);
    expect(text.split("\n").at(-1)!.match(/-->/g)).toHaveLength(1);
    expect(readLedger(text)).toEqual({ ok: true, records: [hostile] });
  });

  it("reports a damaged ledger instead of guessing", () => {
    expect(readLedger("<!-- converge:benefit-ledger v1 [{] -->")).toMatchObject({ ok: false, problem: expect.stringMatching(/not valid JSON/) });
    expect(readLedger('<!-- converge:benefit-ledger v1 [{"amount":"5"}] -->')).toMatchObject({ ok: false, problem: expect.stringMatching(/^benefit ledger record 0\.amount/) });
  });

  it("upserts by source (redelivery or an edited command) and keeps records in date order", () => {
    const first = upsertRecord([], r({ source: "comment-1" }));
    const again = upsertRecord(first, r({ amount: 260_000, source: "comment-1" }));
    expect(again).toEqual([r({ amount: 260_000, source: "comment-1" })]);
    const older = upsertRecord(again, r({ asOf: "2026-09-30", source: "comment-0" }));
    expect(older.map((x) => x.asOf)).toEqual(["2026-09-30", "2026-10-31"]);
    // Records without a source never replace each other.
    expect(upsertRecord(upsertRecord([], r({})), r({}))).toHaveLength(2);
  });
});

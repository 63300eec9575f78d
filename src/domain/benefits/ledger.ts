import { z } from "zod";
import { realizedBenefitSchema, type RealizedBenefit } from "../snapshot/schema.js";

/**
 * The realized-benefit ledger kept in an initiative's Converge comment: a readable table plus one hidden line with
 * the records as JSON, which the snapshot builder reads back. Pure text in, text out; the caller must only read
 * comments authored by Converge itself (a marker in anyone else's comment is never trusted).
 *
 *     <!-- converge:benefit-ledger v1 [{"amount":250000,"currency":"EUR",...}] -->
 *
 * The JSON escapes `<`, `>` and `&`, so recorded text can never close the comment.
 */

const MARKER = "converge:benefit-ledger v1";
const LEDGER_LINE = /^<!-- converge:benefit-ledger v1 (.*) -->$/m;
const ledgerSchema = z.array(realizedBenefitSchema);

export type LedgerRead = { ok: true; records: RealizedBenefit[] } | { ok: false; problem: string };

/** Add a record; one with the same `source` (a redelivered or edited command) is replaced, not duplicated. */
export function upsertRecord(records: readonly RealizedBenefit[], record: RealizedBenefit): RealizedBenefit[] {
  const kept = record.source === undefined ? [...records] : records.filter((r) => r.source !== record.source);
  return [...kept, record].sort((a, b) => (a.asOf < b.asOf ? -1 : a.asOf > b.asOf ? 1 : a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0));
}

/** The ledger section: a table (newest last) and the hidden machine-readable line. */
export function renderLedger(records: readonly RealizedBenefit[]): string {
  const rows = records.map(
    (r) => `| ${r.asOf} | ${formatAmount(r.amount)} ${r.currency} | ${r.recordedBy.replace(/[^A-Za-z0-9_.[\]-]/g, "")} | ${r.recordedAt.slice(0, 16).replace("T", " ")} UTC |`,
  );
  const table =
    records.length === 0
      ? "_No realized benefit recorded yet. The owner or the transformation office can record it with `/benefit realized <amount> [as of YYYY-MM-DD]`._"
      : ["| As of | Amount | Recorded by | Recorded at |", "|---|---|---|---|", ...rows].join("\n");
  const json = JSON.stringify(records).replace(/[<>&]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `### Realized benefit\n\n${table}\n\n<!-- ${MARKER} ${json} -->`;
}

/** Read the records back from a Converge comment body. No ledger line → an empty ledger; a damaged one → a problem. */
export function readLedger(body: string): LedgerRead {
  const match = LEDGER_LINE.exec(body);
  if (!match) return { ok: true, records: [] };
  let json: unknown;
  try {
    json = JSON.parse(match[1]!);
  } catch (error) {
    return { ok: false, problem: `benefit ledger is not valid JSON: ${(error as Error).message}` };
  }
  const parsed = ledgerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, problem: `benefit ledger record ${issue.path.map(String).join(".")}: ${issue.message}` };
  }
  return { ok: true, records: parsed.data };
}

function formatAmount(amount: number): string {
  const [whole, fraction] = Math.abs(amount).toFixed(2).split(".") as [string, string];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${amount < 0 ? "-" : ""}${grouped}${fraction === "00" ? "" : `.${fraction}`}`;
}

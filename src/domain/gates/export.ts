import type { AuditEntry } from "./audit.js";

export const AUDIT_COLUMNS = ["use_case", "gate", "label", "action", "actor", "time", "via", "outcome", "reverted_at"] as const;

function row(entry: AuditEntry): string[] {
  return [
    String(entry.useCase),
    entry.gate,
    entry.label,
    entry.action,
    entry.actor,
    entry.at,
    entry.via,
    entry.outcome,
    entry.revertedAt ?? "",
  ];
}

/**
 * One CSV field per RFC 4180: quoted when it contains a comma, quote, CR or LF, with quotes doubled. A field that a
 * spreadsheet would run as a formula (leading = + - @ tab CR) gets a leading apostrophe (OWASP CSV injection).
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV: header line, CRLF line breaks, CRLF after the last record. */
export function auditToCsv(entries: readonly AuditEntry[]): string {
  const lines = [AUDIT_COLUMNS.join(","), ...entries.map((entry) => row(entry).map(csvField).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}

export function auditToJson(entries: readonly AuditEntry[], meta: { repository: string; since?: string; generatedAt: string }): string {
  return `${JSON.stringify({ ...meta, decisions: entries }, null, 2)}\n`;
}

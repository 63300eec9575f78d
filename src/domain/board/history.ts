/**
 * Time in each board status (ADR 0112). GitHub keeps no history of a Projects field, so Converge appends each status
 * change it receives (projects_v2_item.edited) to the item's own "Status history" text field, one entry per change:
 * `2026-11-25T10:00:00Z=In progress`, oldest first, separated by "; ". An entry is identified by the change itself
 * (when the item changed and to what), so a redelivered or late event finds its entry already there and writes
 * nothing, and entries arriving out of order still end up in time order.
 */

export interface StatusEntry {
  /** ISO date-time of the change (the item's updated_at in the event). */
  at: string;
  /** Status option name after the change; "" when the status was cleared. */
  status: string;
}

const SEPARATOR = "; ";
export const MAX_HISTORY_CHARS = 1000;

export function parseStatusHistory(text: string | null | undefined): StatusEntry[] {
  if (!text) return [];
  const entries: StatusEntry[] = [];
  for (const part of text.split(SEPARATOR)) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const at = part.slice(0, eq).trim();
    if (Number.isNaN(Date.parse(at))) continue; // someone edited the field by hand: keep what still parses
    entries.push({ at, status: part.slice(eq + 1) });
  }
  return entries;
}

export function formatStatusHistory(entries: readonly StatusEntry[]): string {
  return entries.map((e) => `${e.at}=${e.status}`).join(SEPARATOR);
}

/** A status name as stored: one line, without the separator. */
function clean(status: string): string {
  return status.replace(/[\r\n]+/g, " ").replaceAll(SEPARATOR, ", ").trim();
}

/**
 * The history with `entry` recorded: unchanged (same array) when that change is already there; otherwise inserted in
 * time order and trimmed to `maxEntries` and MAX_HISTORY_CHARS, dropping the oldest.
 */
export function recordStatus(history: readonly StatusEntry[], entry: StatusEntry, maxEntries: number): { entries: StatusEntry[]; changed: boolean } {
  const e = { at: new Date(Date.parse(entry.at)).toISOString().replace(".000Z", "Z"), status: clean(entry.status) };
  if (history.some((h) => Date.parse(h.at) === Date.parse(e.at) && h.status === e.status)) return { entries: [...history], changed: false };
  const entries = [...history, e].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  while (entries.length > maxEntries || (entries.length > 1 && formatStatusHistory(entries).length > MAX_HISTORY_CHARS)) entries.shift();
  return { entries, changed: true };
}

export interface StatusSpan {
  status: string;
  from: string;
  /** Null for the current status. */
  to: string | null;
  days: number;
}

/** How long the item sat in each status, from its history (the current one counted up to `now`). */
export function timeInStatus(entries: readonly StatusEntry[], now: Date): StatusSpan[] {
  return entries.map((e, i) => {
    const next = entries[i + 1];
    const end = next ? Date.parse(next.at) : now.getTime();
    return { status: e.status, from: e.at, to: next?.at ?? null, days: Math.max(0, (end - Date.parse(e.at)) / 86_400_000) };
  });
}

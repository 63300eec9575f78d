/** Calendar dates as `YYYY-MM-DD` (UTC days): what forms ask for and what GitHub milestones and Projects use. */

export function parseIsoDate(text: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  // Reject 2027-02-30 and friends: Date.UTC rolls them over into the next month.
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return undefined;
  return text.trim();
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD or Date), positive when `to` is later. */
export function daysBetween(from: string | Date, to: string | Date): number {
  const a = typeof from === "string" ? Date.parse(`${from.slice(0, 10)}T00:00:00Z`) : Date.parse(`${isoDay(from)}T00:00:00Z`);
  const b = typeof to === "string" ? Date.parse(`${to.slice(0, 10)}T00:00:00Z`) : Date.parse(`${isoDay(to)}T00:00:00Z`);
  return Math.round((b - a) / 86_400_000);
}

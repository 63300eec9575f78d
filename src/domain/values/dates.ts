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

const DIGIT_0 = 48;

/** Days from 1970-01-01 to a proleptic Gregorian date (month 1–12, year ≥ 1): the civil-from-days inverse, in integers. */
function daysFromCivil(y: number, m: number, d: number): number {
  const year = m <= 2 ? y - 1 : y; // ≥ 0, so integer division is truncation
  const era = (year / 400) | 0;
  const yoe = year - era * 400;
  const doy = (((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) | 0) + d - 1;
  const doe = yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Days in month m (1–12) of year y, proleptic Gregorian. */
function daysInMonth(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * `Date.parse` for the two shapes snapshots are made of — `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM:SSZ` — without its
 * general parser (a 10,000-use-case snapshot holds ~250,000 dates). Any other shape, and any day its month does not
 * have (2026-02-30: Date.parse has its own roll-over rules for those), goes to Date.parse itself, so the result is
 * always exactly Date.parse's.
 */
export function parseIsoMs(s: string): number {
  const n = s.length;
  if ((n === 10 || (n === 20 && s.charCodeAt(10) === 84 /* T */ && s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58 && s.charCodeAt(19) === 90 /* Z */)) && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    // Digits written out, no calls (a quarter of a million dates per report, most of them parsed before the parser is
    // optimised): c − 48 read as an unsigned number is ≤ 9 only for the digits 0–9.
    const y0 = s.charCodeAt(0) - DIGIT_0;
    const y1 = s.charCodeAt(1) - DIGIT_0;
    const y2 = s.charCodeAt(2) - DIGIT_0;
    const y3 = s.charCodeAt(3) - DIGIT_0;
    const m0 = s.charCodeAt(5) - DIGIT_0;
    const m1 = s.charCodeAt(6) - DIGIT_0;
    const d0 = s.charCodeAt(8) - DIGIT_0;
    const d1 = s.charCodeAt(9) - DIGIT_0;
    let h0 = 0;
    let h1 = 0;
    let i0 = 0;
    let i1 = 0;
    let s0 = 0;
    let s1 = 0;
    if (n === 20) {
      h0 = s.charCodeAt(11) - DIGIT_0;
      h1 = s.charCodeAt(12) - DIGIT_0;
      i0 = s.charCodeAt(14) - DIGIT_0;
      i1 = s.charCodeAt(15) - DIGIT_0;
      s0 = s.charCodeAt(17) - DIGIT_0;
      s1 = s.charCodeAt(18) - DIGIT_0;
    }
    if (((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1 | h0 | h1 | i0 | i1 | s0 | s1) & ~15) === 0 && y0 <= 9 && y1 <= 9 && y2 <= 9 && y3 <= 9 && m0 <= 9 && m1 <= 9 && d0 <= 9 && d1 <= 9 && h0 <= 9 && h1 <= 9 && i0 <= 9 && i1 <= 9 && s0 <= 9 && s1 <= 9) {
      const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
      const m = m0 * 10 + m1;
      const d = d0 * 10 + d1;
      const h = h0 * 10 + h1;
      const min = i0 * 10 + i1;
      const sec = s0 * 10 + s1;
      if (y >= 1 && m >= 1 && m <= 12 && d >= 1 && (d <= 28 || d <= daysInMonth(y, m)) && h <= 23 && min <= 59 && sec <= 59) {
        return ((daysFromCivil(y, m, d) * 24 + h) * 60 + min) * 60_000 + sec * 1000;
      }
    }
  }
  return Date.parse(s);
}

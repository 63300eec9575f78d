/** Small, exact statistics for KPI durations: median and nearest-rank percentiles (never an average alone). */

/** Median: the middle value, or the mean of the two middle values for an even count. Null for no data. */
export function median(values: readonly number[]): number | null {
  return medianOfSorted(ascending(values));
}

/** Nearest-rank percentile: the smallest value with at least q of the data at or below it (q in (0, 1]). */
export function nearestRank(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  if (!(q > 0 && q <= 1)) throw new RangeError(`q must be in (0, 1], got ${q}`);
  return nearestRankOfSorted(ascending(values), q);
}

/**
 * The values sorted ascending. Finite numbers go through a Float64Array, whose numeric sort is several times faster
 * than a comparator on the tens of thousands of gate waits of a large portfolio and orders them the same (only +0
 * and -0, equal values, could swap). A NaN keeps the comparator sort, so its placement does not change either.
 */
function ascending(values: readonly number[]): ArrayLike<number> {
  if (values.every(Number.isFinite)) return Float64Array.from(values).sort();
  return [...values].sort((a, b) => a - b);
}

function medianOfSorted(s: ArrayLike<number>): number | null {
  if (s.length === 0) return null;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function nearestRankOfSorted(s: ArrayLike<number>, q: number): number | null {
  if (s.length === 0) return null;
  return s[Math.max(1, Math.ceil(q * s.length)) - 1]!;
}

export interface Spread {
  median: number | null;
  p85: number | null;
  sample: number;
}

/** Median and P85 (nearest rank), rounded to one decimal. */
export function spread(values: readonly number[]): Spread {
  const sorted = ascending(values); // sorted once for both figures
  return { median: round1(medianOfSorted(sorted)), p85: round1(nearestRankOfSorted(sorted, 0.85)), sample: values.length };
}

export function round1(x: number | null): number | null {
  return x === null ? null : Math.round(x * 10) / 10;
}

export type Trend = "up" | "down" | "flat" | "none";

/**
 * Direction of a KPI since the previous report. "none" when either value is unknown; "flat" when it moved by at most
 * `tolerance` × |previous| (or not at all from zero).
 */
export function trendOf(current: number | null, previous: number | null | undefined, tolerance = 0.02): Trend {
  if (current === null || previous === null || previous === undefined || !Number.isFinite(current) || !Number.isFinite(previous)) {
    return "none";
  }
  const delta = current - previous;
  if (Math.abs(delta) <= tolerance * Math.abs(previous) || delta === 0) return "flat";
  return delta > 0 ? "up" : "down";
}

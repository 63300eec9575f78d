/** Locale-independent formatting shared by the renderers (same output on every machine). */
import type { Calibration, KpiRow, Trend, UseCaseStatus } from "./model.js";

export function groupDigits(n: number): string {
  const sign = n < 0 ? "-" : "";
  const digits = Math.round(Math.abs(n)).toString();
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** 12345678 → "12.3M", 45200 → "45.2k", 950 → "950". */
export function compactNumber(n: number): string {
  const abs = Math.abs(n);
  const sign = n < 0 ? "-" : "";
  if (abs >= 1e9) return `${sign}${trim(abs / 1e9)}B`;
  if (abs >= 1e6) return `${sign}${trim(abs / 1e6)}M`;
  if (abs >= 1e4) return `${sign}${trim(abs / 1e3)}k`;
  return groupDigits(n);
}

function trim(x: number): string {
  return x >= 100 ? Math.round(x).toString() : x.toFixed(1).replace(/\.0$/, "");
}

export function money(amount: number, currency: string): string {
  return `${compactNumber(amount)} ${currency}`;
}

export function percent(share: number | null, digits = 1): string {
  if (share === null || !Number.isFinite(share)) return "n/a";
  return `${(share * 100).toFixed(digits)}%`;
}

export function days(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return "n/a";
  return `${Math.round(n * 10) / 10} d`;
}

export const STATUS_LABEL: Record<UseCaseStatus, string> = {
  on_track: "on track",
  at_risk: "at risk",
  off_track: "off track",
  overdue: "overdue",
  deployed: "deployed",
  no_forecast: "no forecast",
};

/** Status as a short marker that reads on GitHub without images. */
export const STATUS_MARK: Record<UseCaseStatus, string> = {
  on_track: "🟢",
  at_risk: "🟠",
  off_track: "🔴",
  overdue: "⛔",
  deployed: "✅",
  no_forecast: "⚪",
};

export const TREND_ARROW: Record<Trend, string> = { up: "↑", down: "↓", flat: "→", none: "·" };

/** "↑ better" / "↓ worse" / "→ flat" for a KPI. */
export function trendText(kpi: Pick<KpiRow, "trend" | "betterWhen">): string {
  if (kpi.trend === "none") return "· new";
  if (kpi.trend === "flat") return "→ flat";
  const better = kpi.trend === kpi.betterWhen;
  return `${TREND_ARROW[kpi.trend]} ${better ? "better" : "worse"}`;
}

export function kpiValue(kpi: KpiRow): string {
  if (kpi.value === null) return "n/a";
  if (kpi.unit === "percent") return percent(kpi.value);
  if (kpi.unit === "days") return days(kpi.value);
  return groupDigits(kpi.value);
}

export function kpiTarget(kpi: KpiRow): string {
  if (kpi.target === null) return "";
  if (kpi.unit === "percent") return `${kpi.betterWhen === "down" ? "≤" : "≥"} ${percent(kpi.target, 0)}`;
  if (kpi.unit === "days") return `≤ ${days(kpi.target)}`;
  return `${kpi.betterWhen === "down" ? "≤" : "≥"} ${groupDigits(kpi.target)}`;
}

/** Median and P85 of a duration KPI, e.g. "median 74 d · P85 112 d". */
export function kpiSpread(kpi: KpiRow): string {
  if (kpi.unit !== "days") return "";
  return `median ${days(kpi.median)} · P85 ${days(kpi.p85)}`;
}

const DAY_MS = 86_400_000;

export function dayNumber(isoDay: string): number {
  return Math.floor(Date.parse(`${isoDay.slice(0, 10)}T00:00:00Z`) / DAY_MS);
}

export function isoDay(dayNum: number): string {
  return new Date(dayNum * DAY_MS).toISOString().slice(0, 10);
}

/** ISO 8601 week of a calendar day, e.g. 2026-11-23 → 2026-W48. */
export function isoWeek(day: string): string {
  const date = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday = 0
  date.setUTCDate(date.getUTCDate() - weekday + 3); // Thursday of this week
  const year = date.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  const week = 1 + Math.round((date.getTime() - firstThursday.getTime()) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The report's one-line note on how the forecast was computed. */
export function methodNote(meta: { method: "exact" | "monte-carlo"; trials: number; seed: number }): string {
  return meta.method === "exact" ? "forecast computed exactly (no sampling)" : `Monte Carlo forecast, ${groupDigits(meta.trials)} trials, seed ${meta.seed}`;
}

/** The calibration section's table (Markdown and HTML alike): its header and one row per percentile scored. */
export const CALIBRATION_COLUMNS = ["Date", "Target", "Held", "Scored", "Use cases", "95% interval"] as const;

export function calibrationRows(cal: Calibration | null): string[][] {
  return (cal?.coverage ?? [])
    .filter((q) => q.resolved > 0)
    .map((q) => [
      `P${Math.round(q.percentile * 100)}`,
      percent(q.percentile, 0),
      q.coverage === null ? "—" : percent(q.coverage, 0),
      groupDigits(q.resolved),
      q.useCases === undefined ? "—" : groupDigits(q.useCases),
      q.interval == null ? "—" : `${percent(q.interval.low, 0)}–${percent(q.interval.high, 0)}`,
    ]);
}

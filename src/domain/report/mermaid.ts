/**
 * Mermaid charts for the GitHub report. GitHub renders ```mermaid fences (Mermaid 11): gantt, pie and xychart-beta.
 * User text (titles, value streams) is reduced to a safe alphabet before it enters a diagram: no `:` `;` `#` `%`
 * quotes, brackets, backticks, `<`/`>` or `@`, so it can neither break the diagram's syntax, start a directive or
 * comment, close the code fence, inject HTML into the rendered SVG nor mention anyone. Labels always start with a
 * fixed prefix, so a title such as "section x" or "title y" cannot become a Mermaid keyword.
 */
import { AT_RISK_STATUSES, type ReportModel, type UseCaseRow } from "./model.js";

/** Plain text safe anywhere in a Mermaid diagram: letters, digits, spaces and `. , - _ / +` only. */
export function mermaidText(text: string, maxLength = 40): string {
  let out = text
    .normalize("NFKC")
    .replace(/[^\p{L}\p{N} .,\-_/+]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (out.length > maxLength) out = `${out.slice(0, maxLength - 1).trimEnd()}…`;
  return out;
}

/** Use cases shown in the gantt: the most urgent ones (the chart stays readable and small). */
export const GANTT_MAX_USE_CASES = 25;

function ganttRows(model: ReportModel): UseCaseRow[] {
  const open = model.useCases.filter((u) => u.status !== "deployed" && u.p85 !== null);
  const risky = open.filter((u) => AT_RISK_STATUSES.has(u.status));
  const rest = open.filter((u) => !AT_RISK_STATUSES.has(u.status));
  const byDeadline = (a: UseCaseRow, b: UseCaseRow) => a.deadline.localeCompare(b.deadline) || a.id.localeCompare(b.id);
  return [...risky.sort(byDeadline), ...rest.sort(byDeadline)].slice(0, GANTT_MAX_USE_CASES);
}

/** Gantt: per use case a bar from today to its P85 date (critical when at risk) and a milestone at its deadline. */
export function ganttChart(model: ReportModel): { text: string; shown: number; total: number } | null {
  const rows = ganttRows(model);
  if (rows.length === 0) return null;
  const lines = [
    "gantt",
    "  title Deadline vs P85 forecast date",
    "  dateFormat YYYY-MM-DD",
    "  axisFormat %Y-%m-%d",
    "  todayMarker off",
  ];
  rows.forEach((u, i) => {
    const crit = AT_RISK_STATUSES.has(u.status) ? "crit, " : "";
    const end = u.p85 !== null && u.p85 > model.meta.now ? u.p85 : model.meta.now;
    lines.push(`  section UC ${u.number} ${mermaidText(u.title, 32)}`);
    lines.push(`    P85 forecast :${crit}f${i}, ${model.meta.now}, ${end === model.meta.now ? "1d" : end}`);
    lines.push(`    Deadline :milestone, d${i}, ${u.deadline}, 0d`);
  });
  const total = model.useCases.filter((u) => u.status !== "deployed" && u.p85 !== null).length;
  return { text: lines.join("\n"), shown: rows.length, total };
}

/** Largest slices shown in the pie; the rest are one "other value streams" slice. */
export const PIE_MAX_SLICES = 8;

/** Pie of planned benefit by value stream. */
export function benefitPie(model: ReportModel): string | null {
  const rows = model.benefits.byValueStream.filter((v) => v.planned > 0);
  if (rows.length === 0) return null;
  const sorted = [...rows].sort((a, b) => b.planned - a.planned || a.valueStream.localeCompare(b.valueStream));
  const shown = sorted.slice(0, PIE_MAX_SLICES);
  const other = sorted.slice(PIE_MAX_SLICES).reduce((sum, v) => sum + v.planned, 0);
  const lines = ["pie showData", `  title Planned benefit per year by value stream, ${mermaidText(model.meta.currency, 3)}`];
  for (const v of shown) lines.push(`  "VS ${mermaidText(v.valueStream, 30)}" : ${Math.round(v.planned)}`);
  if (other > 0) lines.push(`  "Other value streams" : ${Math.round(other)}`);
  return lines.join("\n");
}

/** Weeks shown in the trend chart. */
export const TREND_MAX_WEEKS = 12;

/** Line chart of the share of in-flight use cases at risk per week, next to the miss target. */
export function riskTrendChart(model: ReportModel): string | null {
  const points = model.trend.slice(-TREND_MAX_WEEKS);
  if (points.length === 0) return null;
  const values = points.map((p) => Math.round(p.atRiskShare * 1000) / 10);
  const target = Math.round(model.headline.missTarget * 1000) / 10;
  const top = Math.min(100, Math.max(10, Math.ceil((Math.max(target, ...values) + 5) / 10) * 10));
  return [
    "xychart-beta",
    '  title "Share of in-flight use cases at risk, %"',
    `  x-axis [${points.map((p) => `"${mermaidText(p.week, 10)}"`).join(", ")}]`,
    `  y-axis "% at risk" 0 --> ${top}`,
    `  line [${values.join(", ")}]`,
    `  line [${points.map(() => target).join(", ")}]`,
  ].join("\n");
}

/**
 * Reliability of P(on time) from the backtest (issue 13): per bin of forecast probability with any resolved forecast,
 * bars for the share that was on time and a line for the bin's mean forecast (on the line = calibrated).
 */
export function reliabilityChart(model: ReportModel): string | null {
  const bins = (model.calibration?.reliability ?? []).filter((b) => b.forecasts > 0 && b.observed !== null && b.meanForecast !== null);
  if (bins.length === 0) return null;
  const pct = (x: number) => Math.round(x * 1000) / 10;
  return [
    "xychart-beta",
    '  title "Forecast P(on time) vs share on time, %"',
    `  x-axis [${bins.map((b) => `"${Math.round(b.from * 100)}-${Math.round(b.to * 100)}"`).join(", ")}]`,
    '  y-axis "%" 0 --> 100',
    `  bar [${bins.map((b) => pct(b.observed!)).join(", ")}]`,
    `  line [${bins.map((b) => pct(b.meanForecast!)).join(", ")}]`,
  ].join("\n");
}

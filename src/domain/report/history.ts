/**
 * Replays the weekly reports of the past `weeks` weeks from one snapshot, each fed the previous one's summary, so a
 * report built from a single snapshot (the demo) shows "changes since last week" and a real at-risk trend.
 * Every engine cuts its input at its own `now`, so each replayed week sees only what was known then.
 */
import type { PortfolioSnapshot } from "../snapshot/schema.js";
import { buildReport, resolveNow, type BuildOptions } from "./build.js";
import type { ReportEngines } from "./engines.js";
import type { ReportModel } from "./model.js";

const WEEK_MS = 7 * 86_400_000;

export function buildReportWithHistory(snapshot: PortfolioSnapshot, options: Omit<BuildOptions, "previous">, weeks: number, engines?: ReportEngines): ReportModel {
  const now = resolveNow(options.now);
  let previous = null;
  for (let k = weeks; k >= 1; k--) {
    const then = new Date(now.ms - k * WEEK_MS).toISOString().slice(0, 10);
    previous = buildReport(snapshot, { ...options, now: then, previous }, engines).summary;
  }
  return buildReport(snapshot, { ...options, previous }, engines);
}

import type { BoardConfig } from "../../config/sections/portfolio.js";
import { percent } from "../report/format.js";
import type { ReportModel } from "../report/model.js";

/**
 * The program board's status update (on track / at risk / off track), computed from the weekly forecast instead of
 * typed by hand (ADR 0111): the expected share of in-flight use cases that miss their deadline, against the program's
 * target (fewer than 10% miss). One update per ISO week, found again by its hidden marker and updated in place.
 */

export type BoardHealth = "ON_TRACK" | "AT_RISK" | "OFF_TRACK";

export interface BoardStatusUpdate {
  week: string;
  status: BoardHealth;
  /** Monday of the report's ISO week (YYYY-MM-DD). */
  startDate: string;
  body: string;
}

const MARKER_PREFIX = "<!-- converge:board-status ";

export function boardStatusMarker(week: string): string {
  return `${MARKER_PREFIX}${week} -->`;
}

/** The ISO week a status update body was written for, if it carries Converge's marker. */
export function boardStatusWeek(body: string | null | undefined): string | undefined {
  return /<!-- converge:board-status (\d{4}-W\d{2}) -->/.exec(body ?? "")?.[1];
}

export function boardHealth(share: number | null, thresholds: BoardConfig["statusUpdate"]): BoardHealth {
  if (share === null || share < thresholds.atRiskShare) return "ON_TRACK";
  return share < thresholds.offTrackShare ? "AT_RISK" : "OFF_TRACK";
}

const LABEL: Record<BoardHealth, string> = { ON_TRACK: "On track", AT_RISK: "At risk", OFF_TRACK: "Off track" };

export function boardStatusUpdate(report: ReportModel, thresholds: BoardConfig["statusUpdate"]): BoardStatusUpdate {
  const h = report.headline;
  const status = boardHealth(h.expectedMissShare, thresholds);
  const c = h.statusCounts;
  const lines = [
    boardStatusMarker(report.meta.isoWeek),
    h.expectedMissShare === null
      ? `**${LABEL[status]}**: no use case is in flight (${h.deployed} deployed).`
      : `**${LABEL[status]}**: ${percent(h.expectedMissShare)} of the ${h.inFlight} in-flight use case${h.inFlight === 1 ? " is" : "s are"} expected to miss ${h.inFlight === 1 ? "its" : "their"} deadline ` +
        `(program target: under ${percent(h.missTarget, 0)}; at risk from ${percent(thresholds.atRiskShare, 0)}, off track from ${percent(thresholds.offTrackShare, 0)}).`,
    "",
    `On track ${c.on_track} · At risk ${c.at_risk} · Off track ${c.off_track} · Overdue ${c.overdue} · No forecast ${c.no_forecast} · Deployed ${c.deployed}`,
    "",
    `_Computed by Converge from the weekly forecast of ${report.meta.now} (${report.meta.isoWeek}); the Risk and Forecast P85 fields show it per use case._`,
  ];
  return { week: report.meta.isoWeek, status, startDate: mondayOf(report.meta.isoWeek), body: lines.join("\n") };
}

/** Monday (YYYY-MM-DD) of an ISO week "2026-W49". */
export function mondayOf(week: string): string {
  const [year, w] = week.split("-W").map(Number) as [number, number];
  const jan4 = Date.UTC(year, 0, 4);
  const jan4Weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday = 0
  const monday = jan4 - jan4Weekday * 86_400_000 + (w - 1) * 7 * 86_400_000;
  return new Date(monday).toISOString().slice(0, 10);
}

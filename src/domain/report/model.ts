import type { InitiativeBenefit } from "../benefits/rollup.js";
import type { Kpi, StuckUseCase } from "../kpis/compute.js";
import type { Trend } from "../kpis/stats.js";

/**
 * The computed weekly report (issue 4): every figure the Markdown, HTML and JSON renderers show, and nothing else.
 * `buildReport` fills it from a snapshot; renderers only format it. All strings that came from users (titles, logins,
 * squad and value-stream names, gate names) are treated as untrusted by every renderer.
 * Dates are calendar days `YYYY-MM-DD`; money is in the reporting currency (`meta.currency`), rounded to units.
 */
import type { ReportSummary } from "./summary.js";

export const REPORT_MODEL_VERSION = 1 as const;

/** Forecast status of a use case. `deployed` ones are done; `no_forecast` has no work or history to forecast. */
export type UseCaseStatus = "on_track" | "at_risk" | "off_track" | "overdue" | "deployed" | "no_forecast";

export type { Trend };

export interface ReportMeta {
  program: string;
  /** The report's "today" (`--now`). */
  now: string;
  /** ISO week of `now`, e.g. 2026-W48: the report's identity (one report per week). */
  isoWeek: string;
  seed: number;
  /** How the forecast was computed (config forecast.method, ADR 0033): exactly, or by `trials` seeded trials. */
  method: "exact" | "monte-carlo";
  trials: number;
  currency: string;
  snapshotGeneratedAt: string;
  /** Program-level caveats, e.g. squads forecast from the org-wide distribution. */
  notes: string[];
}

export interface GateCount {
  /** Gate id, or "" for use cases that have passed no gate yet. */
  gate: string;
  count: number;
}

export interface Headline {
  total: number;
  inFlight: number;
  deployed: number;
  useCasesByGate: GateCount[];
  /** Expected share of in-flight use cases that miss their deadline (mean of 1 − P(on time)); null with none in flight. */
  expectedMissShare: number | null;
  missTarget: number;
  /** Share of deployed use cases that deployed after their deadline; null when none deployed. */
  realizedMissRate: number | null;
  realizedMissed: number;
  statusCounts: Record<UseCaseStatus, number>;
  benefit: { planned: number; forecast: number; realized: number; atRisk: number };
}

export interface UseCaseRow {
  id: string;
  number: number;
  title: string;
  url: string;
  owner: string | null;
  squads: readonly string[];
  valueStream: string;
  /** Last gate passed (id), null if none. */
  gate: string | null;
  gatesLeft: number;
  deadline: string;
  status: UseCaseStatus;
  /** P(deployed by its deadline); null when deployed or not forecast. */
  pOnTime: number | null;
  p50: string | null;
  p85: string | null;
  remainingStories: number;
  /** Remaining work (partly) estimated from acceptance criteria, not counted from stories. */
  estimated: boolean;
  /** Forecast from the org-wide distribution because the squad's history is short. */
  lowConfidence: boolean;
  /** Mean weekly throughput (stories/week) of the squads doing the work. */
  throughputPerWeek: number | null;
  /** Plain-language reasons (generated text, still escaped when rendered). */
  why: string[];
  deployedAt: string | null;
}

/** An initiative as the report shows it: the benefits module's identity fields plus its rolled-up amounts. */
export type InitiativeRow = Pick<InitiativeBenefit, "id" | "number" | "title" | "url" | "owner" | "valueStream" | "useCases"> & {
  planned: number;
  forecast: number;
  realized: number;
  /** An enabling use case is at risk, off track or overdue. */
  atRisk: boolean;
};

export interface ValueStreamRow {
  valueStream: string;
  initiatives: number;
  planned: number;
  forecast: number;
  realized: number;
  atRisk: number;
}

/** KPI rows and stuck items have the KPI module's shapes (src/domain/kpis/compute.ts), which computes them. */
export type KpiRow = Kpi;
export type StuckRow = StuckUseCase;

export interface Calibration {
  /** Weeks replayed. */
  weeks: number;
  forecasts: number;
  /** Share of outcomes on or before their P85 date (ideal ≈ 0.85). */
  p85Coverage: number | null;
  brier: number | null;
  baselineBrier: number | null;
  /** The backtest's one-line verdict, as the forecast module words it. */
  line: string;
  /** Weeks between replays (the report's section says which forecasts were scored). */
  everyWeeks?: number;
  /** How often each percentile's date held (P50, P70, P85, P95), over the forecasts whose date has passed. */
  coverage?: Array<{
    percentile: number;
    resolved: number;
    covered: number;
    coverage: number | null;
    /** Distinct use cases among the scored forecasts, and the coverage's 95% interval counting each once (ADR 0133). */
    useCases?: number;
    interval?: { low: number; high: number } | null;
  }>;
  /** Reliability of P(on time): resolved forecasts per bin, their mean forecast and the share that was on time. */
  reliability?: Array<{ from: number; to: number; forecasts: number; meanForecast: number | null; observed: number | null }>;
}

export interface UseCaseRef {
  id: string;
  number: number;
  title: string;
  url: string;
}

export interface Changes {
  /** ISO week of the previous report, null when there is none (first report). */
  since: string | null;
  newUseCases: UseCaseRef[];
  slipped: Array<UseCaseRef & { from: string; to: string; reason: string }>;
  gatesPassed: Array<UseCaseRef & { gates: string[] }>;
  deployed: Array<UseCaseRef & { at: string }>;
}

export interface TrendPoint {
  week: string;
  atRiskShare: number;
}

/** A story that moved to a later sprint unfinished, or sits open in an ended sprint: a suggestion to re-plan. */
export interface CarryOverRow extends UseCaseRef {
  /** The story, owner/repo#n (a code span in the report: never a link that would notify its issue). */
  story: string;
  squad: string;
  from: string;
  /** null: still planned in the ended sprint `from`. */
  to: string | null;
}

export interface ReportModel {
  version: typeof REPORT_MODEL_VERSION;
  meta: ReportMeta;
  headline: Headline;
  /** Every open or deployed use case, ordered by status severity then deadline. */
  useCases: UseCaseRow[];
  /** Value streams by name; initiatives by planned benefit, largest first. */
  benefits: { byValueStream: ValueStreamRow[]; byInitiative: InitiativeRow[] };
  kpis: KpiRow[];
  stuck: StuckRow[];
  /** Sprint carry-over of in-flight use cases' stories; present only for snapshots fetched from GitHub (issue 11). */
  carryOver?: CarryOverRow[];
  calibration: Calibration | null;
  changes: Changes;
  /** % of in-flight use cases at risk/off track/overdue, week by week (previous reports' values, then this week's). */
  trend: TrendPoint[];
  /** What next week's report reads back (embedded hidden in the Markdown). */
  summary: ReportSummary;
}

export const AT_RISK_STATUSES: ReadonlySet<UseCaseStatus> = new Set(["at_risk", "off_track", "overdue"]);

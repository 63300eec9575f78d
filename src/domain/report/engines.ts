/**
 * What the report needs from the forecast, benefits and KPI engines, as narrow views. `buildReport` takes the engines
 * as a parameter (defaulting to `defaultEngines`, ./adapters.ts), so the report assembles what the engines compute
 * and the renderers never depend on their internals; tests and benchmarks can swap one engine.
 */
import type { ConvergeConfig } from "../../config/schema.js";
import type { PortfolioSnapshot } from "../snapshot/schema.js";
import type { Calibration, InitiativeRow, KpiRow, StuckRow, UseCaseStatus, ValueStreamRow } from "./model.js";
import type { ReportSummary } from "./summary.js";

export interface EngineOptions {
  /** The report's instant, ISO date-time (start of the `--now` day, UTC, unless given exactly). */
  now: string;
  nowMs: number;
  config: ConvergeConfig;
  seed: number;
  /** Last week's summary, if any. */
  previous: ReportSummary | null;
}

export interface UseCaseForecastView {
  status: Exclude<UseCaseStatus, "deployed" | "no_forecast">;
  pOnTime: number;
  p50: string | null;
  p85: string | null;
  /** Open stories, or the expected number when estimated. */
  remainingStories: number;
  /** Stories known now, open and closed (scope). */
  scopeStories: number;
  estimated: boolean;
  lowConfidence: boolean;
  /** Mean weekly throughput of the squads with work on it. */
  throughputPerWeek: number;
  /** Squads with work left on it (empty when none is left). Shared lists: never mutated. */
  squads: readonly string[];
  gatesRemaining: readonly string[];
  why: string[];
  /** Why the forecast moved since last week (when last week had this use case). */
  movement: { p85ShiftDays: number | null; reasons: string[] } | null;
}

export interface PortfolioForecastView {
  /** In-flight use cases by id. */
  useCases: Map<string, UseCaseForecastView>;
  /** Deployed use cases by id: deployment day and whether it was after the deadline. */
  deployed: Map<string, { at: string; late: boolean }>;
  program: { expectedMissShare: number | null; realizedMissRate: number | null; deployedLate: number };
  /** Mean weekly throughput per squad id (kept in the summary for next week's movement explanations). */
  squadThroughput: Map<string, number>;
  notes: string[];
}

export interface BenefitsView {
  /** Reporting currency of every amount. */
  currency: string;
  byInitiative: InitiativeRow[];
  byValueStream: ValueStreamRow[];
  notes: string[];
}

export interface KpiView {
  kpis: KpiRow[];
  stuck: StuckRow[];
}

export interface ReportEngines {
  forecast(snapshot: PortfolioSnapshot, options: EngineOptions): PortfolioForecastView;
  benefits(snapshot: PortfolioSnapshot, forecast: PortfolioForecastView, options: EngineOptions): BenefitsView;
  kpis(snapshot: PortfolioSnapshot, options: EngineOptions): KpiView;
  calibration(snapshot: PortfolioSnapshot, options: EngineOptions): Calibration | null;
}

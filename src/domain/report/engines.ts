/**
 * What the report needs from the forecast, benefits and KPI engines, as narrow views. `buildReport` takes the engines
 * as a parameter (defaulting to `defaultEngines`), so the report assembles whatever the engines compute and the
 * renderers never depend on their internals. Adapters from the engines' own APIs live in ./interim.ts until the
 * forecast (`forecastPortfolio`), benefits and KPI modules export theirs.
 */
import type { ConvergeConfig } from "../../config/schema.js";
import type { PortfolioSnapshot } from "../snapshot/schema.js";
import type { Calibration, InitiativeRow, KpiRow, StuckRow, UseCaseStatus, ValueStreamRow } from "./model.js";

export interface EngineOptions {
  /** Epoch ms of the report's "now" (start of the `--now` day, UTC). */
  now: number;
  config: ConvergeConfig;
  seed: number;
}

export interface UseCaseForecastView {
  status: Exclude<UseCaseStatus, "deployed">;
  pOnTime: number | null;
  p50: string | null;
  p85: string | null;
  remainingStories: number;
  estimated: boolean;
  lowConfidence: boolean;
  throughputPerWeek: number | null;
  squads: string[];
  gatesLeft: number;
  why: string[];
}

export interface PortfolioForecastView {
  /** Keyed by use-case id; in-flight (not deployed) use cases only. */
  useCases: Map<string, UseCaseForecastView>;
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
  kpis: Array<Omit<KpiRow, "previous" | "trend">>;
  stuck: StuckRow[];
}

export interface ReportEngines {
  forecast(snapshot: PortfolioSnapshot, options: EngineOptions): PortfolioForecastView;
  benefits(snapshot: PortfolioSnapshot, forecast: PortfolioForecastView, options: EngineOptions): BenefitsView;
  kpis(snapshot: PortfolioSnapshot, options: EngineOptions): KpiView;
  calibration(snapshot: PortfolioSnapshot, options: EngineOptions): Calibration | null;
}

/**
 * The default engines: the forecast module (`forecastPortfolio`, `backtestPortfolio`), the benefits module
 * (`rollupBenefits`) and the KPI module (`computeKpis`), adapted to the report's views. Pure.
 */
import { backtestPortfolio, calibrationLine, forecastPortfolio, type ForecastSummary } from "../forecast/index.js";
import { rollupBenefits, currencySettings, type UseCaseOutlook } from "../benefits/index.js";
import { computeKpis } from "../kpis/index.js";
import type { PortfolioSnapshot } from "../snapshot/schema.js";
import type { InitiativeRow, ValueStreamRow } from "./model.js";
import type { BenefitsView, EngineOptions, KpiView, PortfolioForecastView, ReportEngines, UseCaseForecastView } from "./engines.js";
import { toForecastSummary } from "./summary.js";

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const round1 = (x: number) => Math.round(x * 10) / 10;

function forecast(snapshot: PortfolioSnapshot, options: EngineOptions): PortfolioForecastView {
  const previous: ForecastSummary | undefined = options.previous ? toForecastSummary(options.previous) : undefined;
  const f = forecastPortfolio(snapshot, { now: options.now, config: options.config.forecast, seed: options.seed, ...(previous ? { previous } : {}) });
  const squadThroughput = new Map(f.squads.map((s) => [s.id, s.meanThroughput]));
  const useCases = new Map<string, UseCaseForecastView>();
  for (const u of f.useCases) {
    useCases.set(u.id, {
      status: u.status,
      pOnTime: u.pOnTime,
      p50: u.p50Date,
      p85: u.p85Date,
      remainingStories: u.estimated ? Math.round(u.expectedStories) : u.remainingStories,
      scopeStories: u.scopeStories,
      estimated: u.estimated,
      lowConfidence: u.lowConfidence,
      throughputPerWeek: round1(u.squads.reduce((s, id) => s + (squadThroughput.get(id) ?? 0), 0)),
      squads: u.squads,
      gatesRemaining: u.gatesRemaining,
      why: u.confidenceNotes.length > 0 ? [...u.why, ...u.confidenceNotes] : u.why,
      movement: u.movement ? { p85ShiftDays: u.movement.p85ShiftDays, reasons: u.movement.reasons } : null,
    });
  }
  const deployed = new Map(f.deployed.map((d) => [d.id, { at: d.deployedAt.slice(0, 10), late: d.late }]));
  const notes = f.squads.filter((s) => s.lowConfidence).map((s) => `Squad ${s.name}: ${s.reason ?? "short throughput history"}; forecast from the org-wide throughput (low confidence).`);
  return {
    useCases,
    deployed,
    program: { expectedMissShare: f.program.inFlight ? f.program.expectedMissShare : null, realizedMissRate: f.program.realizedMissRate, deployedLate: f.program.deployedLate },
    squadThroughput,
    notes,
  };
}

function benefits(snapshot: PortfolioSnapshot, fc: PortfolioForecastView, options: EngineOptions): BenefitsView {
  // The forecast's views read as outlooks when the rollup asks (in-flight first, as a forecast wins over a deployment
  // record), not a map of ten thousand outlook objects kept for the whole rollup.
  const outlook = {
    get(id: string): UseCaseOutlook | undefined {
      const f = fc.useCases.get(id);
      if (f) return { status: f.status, pOnTime: f.pOnTime, goLive: f.p50 };
      const d = fc.deployed.get(id);
      return d ? { status: "deployed", pOnTime: 1, goLive: d.at } : undefined;
    },
  };
  // Rows made straight from each initiative's figures (tens of thousands of them: no full InitiativeBenefit each).
  const rollup = rollupBenefits(
    snapshot,
    { now: options.now.slice(0, 10), currency: currencySettings(snapshot, options.config.report), outlook },
    (i, f): InitiativeRow => ({
      id: i.id,
      number: i.number,
      title: i.title,
      url: i.url,
      owner: i.owner,
      valueStream: i.valueStream,
      planned: Math.round(f.planned ?? 0),
      forecast: Math.round(f.forecast ?? 0),
      realized: Math.round(f.realized ?? 0),
      atRisk: f.atRisk,
      useCases: f.useCases,
    }),
  );
  const byInitiative = rollup.initiatives;
  byInitiative.sort((a, b) => b.planned - a.planned || cmp(a.id, b.id));
  const byValueStream: ValueStreamRow[] = rollup.byValueStream.map((v) => ({
    valueStream: v.valueStream,
    initiatives: v.initiatives,
    planned: Math.round(v.planned),
    forecast: Math.round(v.forecast),
    realized: Math.round(v.realized),
    atRisk: Math.round(v.atRisk),
  }));
  const notes = rollup.problems.slice(0, 10).map((p) => `Benefit: ${p}.`);
  if (rollup.problems.length > 10) notes.push(`Benefit: ${rollup.problems.length - 10} more problems (see --format json).`);
  return { currency: rollup.currency, byInitiative, byValueStream, notes };
}

function kpis(snapshot: PortfolioSnapshot, options: EngineOptions): KpiView {
  const result = computeKpis(snapshot, { now: options.nowMs, config: options.config.report, previous: options.previous?.kpi ?? null });
  return { kpis: result.kpis, stuck: result.stuck };
}

function calibration(snapshot: PortfolioSnapshot, options: EngineOptions) {
  const c = backtestPortfolio(snapshot, { now: options.now, config: options.config.forecast, seed: options.seed });
  return {
    weeks: c.weeks,
    forecasts: c.resolved,
    p85Coverage: c.p85.coverage,
    brier: c.brier,
    baselineBrier: c.baseBrier,
    line: calibrationLine(c),
    everyWeeks: c.everyWeeks,
    coverage: c.coverage,
    reliability: c.reliability,
  };
}

export const defaultEngines: ReportEngines = { forecast, benefits, kpis, calibration };

/**
 * buildReport: the weekly report as a pure function of (snapshot, now, config, seed[, previous summary]).
 * It asks the engines for the forecast, benefit rollups, KPIs and calibration, then assembles the headline, the
 * at-risk list, changes since last week (from the previous report's summary) and the trend. Same inputs, same model.
 */
import type { ConvergeConfig } from "../../config/schema.js";
import type { PortfolioSnapshot } from "../snapshot/schema.js";
import type { ReportEngines } from "./engines.js";
import { interimEngines, isDeployed, lastGateIndex, passedGates } from "./interim.js";
import { AT_RISK_STATUSES, REPORT_MODEL_VERSION, type Changes, type KpiRow, type ReportModel, type Trend, type UseCaseRow, type UseCaseStatus } from "./model.js";
import { STATUS_CODES, TREND_WEEKS, parseSummary, type ReportSummary } from "./summary.js";
import { isoWeek } from "./format.js";

export const defaultEngines: ReportEngines = interimEngines;

export interface BuildOptions {
  /** The report's day (`YYYY-MM-DD`, taken as the end of that day, UTC) or an exact ISO date-time. */
  now: string;
  config: ConvergeConfig;
  seed: number;
  /** Last week's summary; defaults to the snapshot's `previousReport`. */
  previous?: ReportSummary | null;
}

const DAY_MS = 86_400_000;
const SEVERITY: Record<UseCaseStatus, number> = { overdue: 0, off_track: 1, at_risk: 2, on_track: 3, no_forecast: 4, deployed: 5 };
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function resolveNow(now: string): { ms: number; day: string } {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(now) ? Date.parse(`${now}T00:00:00Z`) + DAY_MS - 1 : Date.parse(now);
  if (Number.isNaN(ms)) throw new RangeError(`now: expected a date like 2026-11-23, got "${now}"`);
  return { ms, day: new Date(ms).toISOString().slice(0, 10) };
}

function trendOf(value: number | null, previous: number | null, tolerance: number): Trend {
  if (value === null || previous === null) return "none";
  const scale = Math.max(Math.abs(previous), 1e-9);
  if (Math.abs(value - previous) / scale < tolerance) return "flat";
  return value > previous ? "up" : "down";
}

export function buildReport(snapshot: PortfolioSnapshot, options: BuildOptions, engines: ReportEngines = defaultEngines): ReportModel {
  const { config, seed } = options;
  const now = resolveNow(options.now);
  const engineOptions = { now: now.ms, config, seed };
  const pipeline = snapshot.governance.pipeline.map((g) => g.id);
  const week = isoWeek(now.day);

  let previous: ReportSummary | null = options.previous ?? null;
  const notes: string[] = [];
  if (options.previous === undefined && snapshot.previousReport !== undefined) {
    const parsed = parseSummary(snapshot.previousReport);
    if (parsed.ok) previous = parsed.summary;
    else notes.push(`Previous report's summary ignored: ${parsed.problem}.`);
  }
  if (previous !== null && previous.week >= week) {
    notes.push(`Previous summary is from ${previous.week}, not before this report's week; changes are not computed.`);
    previous = null;
  }

  const forecast = engines.forecast(snapshot, engineOptions);
  const benefits = engines.benefits(snapshot, forecast, engineOptions);
  const kpiView = engines.kpis(snapshot, engineOptions);
  const calibration = engines.calibration(snapshot, engineOptions);

  const rows: UseCaseRow[] = [];
  for (const u of snapshot.useCases) {
    if (Date.parse(u.filedAt) > now.ms) continue;
    const deployed = isDeployed(u, now.ms, pipeline);
    const f = forecast.useCases.get(u.id);
    if (!deployed && !f) continue; // closed without deploying (withdrawn): not part of the report
    const last = lastGateIndex(pipeline, passedGates(u, now.ms));
    const base = { id: u.id, number: u.number, title: u.title, url: u.url, owner: u.productOwner ?? null, valueStream: u.valueStream, gate: last >= 0 ? pipeline[last]! : null, deadline: u.deadline };
    if (deployed || !f) {
      const at = u.deployedAt ?? [...u.gates].reverse().find((g) => g.gate === pipeline[pipeline.length - 1] && g.action === "passed")?.at ?? null;
      rows.push({ ...base, squads: [u.squad], gatesLeft: 0, status: "deployed", pOnTime: null, p50: null, p85: null, remainingStories: 0, estimated: false, lowConfidence: false, throughputPerWeek: null, why: [], deployedAt: at === null ? null : at.slice(0, 10) });
    } else {
      rows.push({ ...base, squads: f.squads, gatesLeft: f.gatesLeft, status: f.status, pOnTime: f.pOnTime, p50: f.p50, p85: f.p85, remainingStories: f.remainingStories, estimated: f.estimated, lowConfidence: f.lowConfidence, throughputPerWeek: f.throughputPerWeek, why: f.why, deployedAt: null });
    }
  }
  rows.sort((a, b) => SEVERITY[a.status] - SEVERITY[b.status] || cmp(a.deadline, b.deadline) || cmp(a.id, b.id));

  const inFlight = rows.filter((r) => r.status !== "deployed");
  const deployed = rows.filter((r) => r.status === "deployed");
  const forecastable = inFlight.filter((r) => r.pOnTime !== null);
  const expectedMissShare = forecastable.length ? forecastable.reduce((s, r) => s + (1 - r.pOnTime!), 0) / forecastable.length : null;
  const realizedMissed = deployed.filter((r) => r.deployedAt !== null && r.deployedAt > r.deadline).length;
  const statusCounts = { on_track: 0, at_risk: 0, off_track: 0, overdue: 0, deployed: 0, no_forecast: 0 } as Record<UseCaseStatus, number>;
  for (const r of rows) statusCounts[r.status]++;
  const gateCounts = new Map<string, number>([["", 0], ...pipeline.map((g) => [g, 0] as [string, number])]);
  for (const r of rows) gateCounts.set(r.gate ?? "", (gateCounts.get(r.gate ?? "") ?? 0) + 1);
  const atRiskShare = inFlight.length ? inFlight.filter((r) => AT_RISK_STATUSES.has(r.status)).length / inFlight.length : null;
  const sum = (f: (v: (typeof benefits.byValueStream)[number]) => number) => benefits.byValueStream.reduce((s, v) => s + f(v), 0);

  const kpis: KpiRow[] = kpiView.kpis.map((k) => {
    const prev = previous?.kpi[k.id] ?? null;
    return { ...k, previous: prev, trend: trendOf(k.value, prev, config.report.trendTolerance) };
  });

  // Changes since last week
  const changes: Changes = { since: previous?.week ?? null, newUseCases: [], slipped: [], gatesPassed: [], deployed: [] };
  if (previous !== null) {
    const prevById = new Map(previous.uc.map((e) => [e[0], e]));
    const byNumber = [...rows].sort((a, b) => cmp(a.id, b.id));
    for (const r of byNumber) {
      const ref = { id: r.id, number: r.number, title: r.title, url: r.url };
      const p = prevById.get(r.id);
      if (!p) {
        changes.newUseCases.push(ref);
        continue;
      }
      const [, prevGateIdx, prevStatus, prevP85, prevRemaining, prevTp] = p;
      const prevGate = prevGateIdx >= 0 ? previous.gates[prevGateIdx] : undefined;
      const prevIndex = prevGate === undefined ? -1 : pipeline.indexOf(prevGate);
      const curIndex = r.gate === null ? -1 : pipeline.indexOf(r.gate);
      if (curIndex > prevIndex) changes.gatesPassed.push({ ...ref, gates: pipeline.slice(prevIndex + 1, curIndex + 1) });
      if (r.status === "deployed" && prevStatus !== STATUS_CODES.deployed) changes.deployed.push({ ...ref, at: r.deployedAt ?? now.day });
      if (r.p85 !== null && prevP85 !== null && r.p85 > prevP85) {
        const reasons: string[] = [];
        if (r.remainingStories > prevRemaining) reasons.push(`scope added: ${prevRemaining} → ${r.remainingStories} stories left`);
        if (prevTp !== null && r.throughputPerWeek !== null && r.throughputPerWeek < prevTp) reasons.push(`throughput down: ${prevTp} → ${r.throughputPerWeek}/week`);
        if (curIndex < prevIndex) reasons.push(`gate reverted: back to ${r.gate ?? "no gate"}`);
        if (reasons.length === 0) reasons.push(r.remainingStories < prevRemaining ? "less progress than forecast" : "no progress this week");
        changes.slipped.push({ ...ref, from: prevP85, to: r.p85, reason: reasons.join("; ") });
      }
    }
  }

  const trend = (previous?.trend ?? []).filter(([w]) => w < week).map(([w, s]) => ({ week: w, atRiskShare: s }));
  if (atRiskShare !== null) trend.push({ week, atRiskShare });
  const trendKept = trend.slice(-TREND_WEEKS);

  const summary: ReportSummary = {
    v: 1,
    week,
    now: now.day,
    gates: pipeline,
    uc: [...rows]
      .sort((a, b) => cmp(a.id, b.id))
      .map((r) => [r.id, r.gate === null ? -1 : pipeline.indexOf(r.gate), STATUS_CODES[r.status], r.p85, r.remainingStories, r.throughputPerWeek]),
    kpi: Object.fromEntries(kpis.map((k) => [k.id, k.value])),
    atRiskShare,
    trend: trendKept.map((p) => [p.week, p.atRiskShare]),
  };

  return {
    version: REPORT_MODEL_VERSION,
    meta: {
      program: snapshot.program.name,
      now: now.day,
      isoWeek: week,
      seed,
      trials: config.forecast.trials,
      currency: benefits.currency,
      snapshotGeneratedAt: snapshot.generatedAt,
      notes: [...notes, ...forecast.notes, ...benefits.notes],
    },
    headline: {
      total: rows.length,
      inFlight: inFlight.length,
      deployed: deployed.length,
      useCasesByGate: [...gateCounts].map(([gate, count]) => ({ gate, count })),
      expectedMissShare,
      missTarget: config.forecast.missTarget,
      realizedMissRate: deployed.length ? realizedMissed / deployed.length : null,
      realizedMissed,
      statusCounts,
      benefit: { planned: sum((v) => v.planned), forecast: sum((v) => v.forecast), realized: sum((v) => v.realized), atRisk: sum((v) => v.atRisk) },
    },
    useCases: rows,
    benefits: { byValueStream: benefits.byValueStream, byInitiative: benefits.byInitiative },
    kpis,
    stuck: kpiView.stuck,
    calibration,
    changes,
    trend: trendKept,
    summary,
  };
}

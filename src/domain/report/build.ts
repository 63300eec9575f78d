/**
 * buildReport: the weekly report as a pure function of (snapshot, now, config, seed[, previous summary]).
 * It asks the engines (forecast, benefits, KPIs, backtest) for their figures, then assembles the headline, the
 * at-risk list, changes since last week (from the previous report's summary) and the trend. Same inputs, same model.
 */
import type { ConvergeConfig } from "../../config/schema.js";
import type { PortfolioSnapshot, UseCase } from "../snapshot/schema.js";
import type { ReportEngines } from "./engines.js";
import { defaultEngines } from "./adapters.js";
import { AT_RISK_STATUSES, REPORT_MODEL_VERSION, type CarryOverRow, type Changes, type ReportModel, type UseCaseRow, type UseCaseStatus } from "./model.js";
import { STATUS_CODES, TREND_WEEKS, gateMask, parseSummary, type ReportSummary, type SummaryUseCase } from "./summary.js";
import { timelineOf } from "../forecast/timeline.js";
import { lastPassedGate, pipelineLookup } from "../forecast/history.js";
import { isoWeek } from "./format.js";
import { idOrder } from "../snapshot/id-order.js";

export { defaultEngines };

export interface BuildOptions {
  /** The report's day (`YYYY-MM-DD`, taken as the start of that day, UTC, as the forecast does) or an ISO date-time. */
  now: string;
  config: ConvergeConfig;
  seed: number;
  /** Last week's summary; defaults to the snapshot's `previousReport`. */
  previous?: ReportSummary | null;
}

const SEVERITY: Record<UseCaseStatus, number> = { overdue: 0, off_track: 1, at_risk: 2, on_track: 3, no_forecast: 4, deployed: 5 };
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function resolveNow(now: string): { iso: string; ms: number; day: string } {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(now) ? Date.parse(`${now}T00:00:00Z`) : Date.parse(now);
  if (Number.isNaN(ms)) throw new RangeError(`now: expected a date like 2026-11-23, got "${now}"`);
  const iso = new Date(ms).toISOString();
  return { iso, ms, day: iso.slice(0, 10) };
}

export function buildReport(snapshot: PortfolioSnapshot, options: BuildOptions, engines: ReportEngines = defaultEngines): ReportModel {
  const { config, seed } = options;
  const now = resolveNow(options.now);
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

  notes.push(...completenessNotes(snapshot));

  const engineOptions = { now: now.iso, nowMs: now.ms, config, seed, previous };
  const forecast = engines.forecast(snapshot, engineOptions);
  const benefits = engines.benefits(snapshot, forecast, engineOptions);
  const kpiView = engines.kpis(snapshot, engineOptions);
  const calibration = engines.calibration(snapshot, engineOptions);

  const squadIds = [...forecast.squadThroughput.keys()].sort(cmp);
  const squadIndex = new Map(squadIds.map((id, i) => [id, i]));
  // Each use case's report row and summary entry.
  const entries: Array<{ row: UseCaseRow; summary: SummaryUseCase }> = [];
  // Walked in id order (kept per use-case list, shared with the forecast): the summary and the changes list use cases
  // by id, so the entries need no sort of their own.
  // The gate each use case is at, from the history the forecast parsed (the snapshot's timeline: dates parsed once).
  const timeline = timelineOf(snapshot);
  const lookup = pipelineLookup(timeline, snapshot.governance.pipeline);
  const passedAt = new Float64Array(pipeline.length);
  const order = idOrder(snapshot.useCases);
  for (let k = 0; k < order.length; k++) {
    const u = snapshot.useCases[order[k]!]!;
    const f = forecast.useCases.get(u.id);
    const d = forecast.deployed.get(u.id);
    if (!f && !d) continue; // not filed yet, or closed without deploying (withdrawn)
    const last = lastPassedGate(timeline, order[k]!, now.ms, lookup, passedAt);
    const gate = last >= 0 ? pipeline[last]! : null;
    if (f) {
      entries.push({
        row: useCaseRow(u, gate, { squads: f.squads.length ? f.squads : [u.squad], gatesLeft: f.gatesRemaining.length, status: f.status, pOnTime: f.pOnTime, p50: f.p50, p85: f.p85, remainingStories: f.remainingStories, estimated: f.estimated, lowConfidence: f.lowConfidence, throughputPerWeek: f.throughputPerWeek, why: f.why, deployedAt: null }),
        summary: [u.id, last, STATUS_CODES[f.status], f.p85, f.remainingStories, f.throughputPerWeek, Math.round(f.pOnTime * 1e4) / 1e4, f.scopeStories, f.estimated ? 1 : 0, gateMask(pipeline, f.gatesRemaining), f.squads.map((s) => squadIndex.get(s)).filter((i): i is number => i !== undefined)],
      });
    } else {
      entries.push({
        row: useCaseRow(u, gate, { squads: [u.squad], gatesLeft: 0, status: "deployed", pOnTime: null, p50: null, p85: null, remainingStories: 0, estimated: false, lowConfidence: false, throughputPerWeek: null, why: [], deployedAt: d!.at }),
        summary: [u.id, last, STATUS_CODES.deployed, null, 0, null, null, 0, 0, 0, []],
      });
    }
  }
  const byId = entries;
  const summaryRows = byId.map((e) => e.summary);
  const rows = entries.map((e) => e.row);
  // Then by id: entries are in id order and the sort is stable, so ties keep it (no id comparisons).
  rows.sort((a, b) => SEVERITY[a.status] - SEVERITY[b.status] || cmp(a.deadline, b.deadline));

  const inFlight = rows.filter((r) => r.status !== "deployed");
  const deployed = rows.filter((r) => r.status === "deployed");
  const statusCounts = { on_track: 0, at_risk: 0, off_track: 0, overdue: 0, deployed: 0, no_forecast: 0 } as Record<UseCaseStatus, number>;
  for (const r of rows) statusCounts[r.status]++;
  const gateCounts = new Map<string, number>([["", 0], ...pipeline.map((g) => [g, 0] as [string, number])]);
  for (const r of rows) gateCounts.set(r.gate ?? "", (gateCounts.get(r.gate ?? "") ?? 0) + 1);
  const atRiskShare = inFlight.length ? inFlight.filter((r) => AT_RISK_STATUSES.has(r.status)).length / inFlight.length : null;
  const sum = (f: (v: (typeof benefits.byValueStream)[number]) => number) => benefits.byValueStream.reduce((s, v) => s + f(v), 0);

  // Changes since last week
  const changes: Changes = { since: previous?.week ?? null, newUseCases: [], slipped: [], gatesPassed: [], deployed: [] };
  if (previous !== null) {
    const prevById = new Map(previous.uc.map((e) => [e[0], e]));
    for (const { row: r } of byId) {
      const ref = { id: r.id, number: r.number, title: r.title, url: r.url };
      const p = prevById.get(r.id);
      if (!p) {
        changes.newUseCases.push(ref);
        continue;
      }
      const [, prevGateIdx, prevStatus, prevP85] = p;
      const prevGate = prevGateIdx >= 0 ? previous.gates[prevGateIdx] : undefined;
      const prevIndex = prevGate === undefined ? -1 : pipeline.indexOf(prevGate);
      const curIndex = r.gate === null ? -1 : pipeline.indexOf(r.gate);
      if (curIndex > prevIndex) changes.gatesPassed.push({ ...ref, gates: pipeline.slice(prevIndex + 1, curIndex + 1) });
      if (r.status === "deployed" && prevStatus !== STATUS_CODES.deployed) changes.deployed.push({ ...ref, at: r.deployedAt ?? now.day });
      if (r.p85 !== null && prevP85 !== null && r.p85 > prevP85) {
        const moved = forecast.useCases.get(r.id)?.movement?.reasons ?? [];
        changes.slipped.push({ ...ref, from: prevP85, to: r.p85, reason: moved.length ? moved.join("; ") : "no recorded cause" });
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
    squads: squadIds.map((id) => [id, Math.round((forecast.squadThroughput.get(id) ?? 0) * 1e4) / 1e4]),
    uc: summaryRows,
    kpi: Object.fromEntries(kpiView.kpis.map((k) => [k.id, k.value])),
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
      method: config.forecast.method,
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
      expectedMissShare: forecast.program.expectedMissShare,
      missTarget: config.forecast.missTarget,
      realizedMissRate: forecast.program.realizedMissRate,
      realizedMissed: forecast.program.deployedLate,
      statusCounts,
      benefit: { planned: sum((v) => v.planned), forecast: sum((v) => v.forecast), realized: sum((v) => v.realized), atRisk: sum((v) => v.atRisk) },
    },
    useCases: rows,
    benefits: { byValueStream: benefits.byValueStream, byInitiative: benefits.byInitiative },
    kpis: kpiView.kpis,
    stuck: kpiView.stuck,
    ...(snapshot.sprints ? { carryOver: carryOverRows(snapshot) } : {}),
    calibration,
    changes,
    trend: trendKept,
    summary,
  };
}

type RowFigures = Omit<UseCaseRow, "id" | "number" | "title" | "url" | "owner" | "valueStream" | "gate" | "deadline">;

/**
 * A use case's report row. Written as one object literal (not a spread of shared fields) so every row has the same
 * shape: spreading into ten thousand 20-field objects was the slowest part of assembling a large report. The key
 * order is the model's JSON order.
 */
function useCaseRow(u: UseCase, gate: string | null, f: RowFigures): UseCaseRow {
  return {
    id: u.id,
    number: u.number,
    title: u.title,
    url: u.url,
    owner: u.productOwner ?? null,
    valueStream: u.valueStream,
    gate,
    deadline: u.deadline,
    squads: f.squads,
    gatesLeft: f.gatesLeft,
    status: f.status,
    pOnTime: f.pOnTime,
    p50: f.p50,
    p85: f.p85,
    remainingStories: f.remainingStories,
    estimated: f.estimated,
    lowConfidence: f.lowConfidence,
    throughputPerWeek: f.throughputPerWeek,
    why: f.why,
    deployedAt: f.deployedAt,
  };
}

const SHOWN_OMISSIONS = 5;

/** What the fetch from GitHub left out (issue 11): the report says so, so nobody reads a partial portfolio as whole. */
function completenessNotes(snapshot: PortfolioSnapshot): string[] {
  const omitted = snapshot.completeness?.omitted ?? [];
  if (omitted.length === 0) return [];
  const notes = [`Incomplete portfolio: ${omitted.length} item${omitted.length === 1 ? " was" : "s were"} left out of the snapshot fetched from GitHub.`];
  for (const o of omitted.slice(0, SHOWN_OMISSIONS)) notes.push(`Left out${o.id ? ` ${o.id}` : ""}: ${o.reason}`);
  if (omitted.length > SHOWN_OMISSIONS) notes.push(`…and ${omitted.length - SHOWN_OMISSIONS} more (the snapshot's completeness.omitted lists them all).`);
  return notes;
}

/** Carry-over of the stories of use cases still in flight, most recent sprint first, then by use case and story. */
function carryOverRows(snapshot: PortfolioSnapshot): CarryOverRow[] {
  const byId = new Map(snapshot.useCases.map((u) => [u.id, u]));
  const start = new Map((snapshot.sprints?.list ?? []).map((s) => [s.title, s.start]));
  return (snapshot.sprints?.carryOver ?? [])
    .flatMap((c) => {
      const u = byId.get(c.useCase);
      if (!u || u.state === "closed" || u.deployedAt !== undefined) return [];
      return [{ id: u.id, number: u.number, title: u.title, url: u.url, story: c.story, squad: c.squad, from: c.from, to: c.to }];
    })
    .sort((a, b) => (start.get(b.from) ?? "").localeCompare(start.get(a.from) ?? "") || a.id.localeCompare(b.id) || a.story.localeCompare(b.story));
}

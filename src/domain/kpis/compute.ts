import type { ReportConfig } from "../../config/sections/report.js";
import type { PortfolioSnapshot, UseCase } from "../snapshot/schema.js";
import { GateWalk, gateColumns, msToDays, pipelineIndex, timedGateEvents, type GateColumns } from "./gates.js";
import { timelineOf } from "../forecast/timeline.js";
import { median, round1, spread, trendOf, type Trend } from "./stats.js";
import { parseIsoMs } from "../values/dates.js";

/**
 * The program's common KPIs (issue 4), computed from a snapshot as of `now`. Every KPI carries a one-line definition;
 * durations are median and P85 (nearest rank), never an average alone; trends compare with the previous report's
 * values (keyed by KPI id). Rows have the report model's KpiRow shape.
 */

export type KpiUnit = "percent" | "days" | "count";

export interface Kpi {
  id: string;
  name: string;
  /** One-line definition shown next to the KPI. */
  definition: string;
  unit: KpiUnit;
  /** Headline value: a share (0–1) for percent, a count, or the median for durations. */
  value: number | null;
  /** For durations: median and P85 (never an average alone). */
  median: number | null;
  p85: number | null;
  sample: number;
  target: number | null;
  /** Last week's value (from the previous summary), null if unknown. */
  previous: number | null;
  trend: Trend;
  betterWhen: "up" | "down";
  note: string | null;
}

export interface StuckUseCase {
  id: string;
  number: number;
  title: string;
  url: string;
  owner: string | null;
  /** The gate the use case waits for (next after the last passed one). */
  waitingFor: string;
  days: number;
  thresholdDays: number;
}

export interface GateDuration {
  gate: string;
  /** Completed waits, in days. */
  median: number | null;
  p85: number | null;
  sample: number;
  /** Open use cases waiting for this gate now. */
  waitingNow: number;
}

export interface QuarterMvp {
  quarter: string;
  median: number | null;
  p85: number | null;
  sample: number;
  /** Share of these use cases that reached MVP within the target. */
  withinTarget: number | null;
}

export interface RepoChangeFailure {
  repo: string;
  deployments: number;
  failed: number;
  rate: number | null;
}

export interface RepoCoverage {
  repo: string;
  percent: number;
  at: string;
  belowMinimum: boolean;
}

export interface EscapedDefect {
  id: string;
  useCase: string;
  openedAt: string;
  deployedAt: string;
}

export interface KpiResult {
  kpis: Kpi[];
  stuck: StuckUseCase[];
  gateDurations: GateDuration[];
  timeToMvpByQuarter: QuarterMvp[];
  changeFailureByRepo: RepoChangeFailure[];
  coverageByRepo: RepoCoverage[];
  escapedDefects: EscapedDefect[];
}

export type KpiConfig = Pick<
  ReportConfig,
  "defectLabel" | "productionEnvironmentPattern" | "mvpTargetDays" | "stuckGateDays" | "coverage" | "trendTolerance" | "kpiWindowDays"
>;

export interface KpiOptions {
  /** The report's "now", epoch ms. Nothing after it is counted. */
  now: number;
  config: KpiConfig;
  /** Last report's KPI values by id (the previous summary's `kpi`), for trends. */
  previous?: Readonly<Record<string, number | null>> | null;
  /** Gate that starts the time to MVP (default: the first gate of the pipeline). */
  intakeGate?: string;
  /** Gate that ends it (default "mvp"). */
  mvpGate?: string;
}

const DAY_MS = 86_400_000;
const t = (iso: string): number => parseIsoMs(iso);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const FAILED = new Set(["failure", "error"]);

export function computeKpis(snapshot: Pick<PortfolioSnapshot, "useCases" | "kpiInputs" | "governance" | "squads">, options: KpiOptions): KpiResult {
  const { now, config } = options;
  const pipeline = snapshot.governance.pipeline.map((g) => g.id);
  const windowStart = now - config.kpiWindowDays * DAY_MS;
  const windowText = `last ${config.kpiWindowDays} days`;
  const rows: Kpi[] = [];
  const row = (kpi: Omit<Kpi, "previous" | "trend" | "median" | "p85" | "target" | "note"> & Partial<Pick<Kpi, "median" | "p85" | "target" | "note">>) => {
    const previous = options.previous?.[kpi.id] ?? null;
    rows.push({
      median: null,
      p85: null,
      target: null,
      note: null,
      ...kpi,
      previous,
      trend: trendOf(kpi.value, previous, config.trendTolerance),
    });
  };

  // Escaped defects.
  const useCases = new Map(snapshot.useCases.map((u) => [u.id, u]));
  const label = config.defectLabel.toLowerCase();
  const escapedDefects: EscapedDefect[] = [];
  for (const d of snapshot.kpiInputs.defects) {
    const u = useCases.get(d.useCase);
    // Cheap checks first: dates are only parsed for labelled defects of deployed use cases.
    if (!u?.deployedAt || !d.labels.some((l) => l.toLowerCase() === label)) continue;
    const opened = t(d.openedAt);
    const deployedAt = t(u.deployedAt);
    if (opened <= now && opened > deployedAt && deployedAt <= now) escapedDefects.push({ id: d.id, useCase: u.id, openedAt: d.openedAt, deployedAt: u.deployedAt });
  }
  escapedDefects.sort((a, b) => cmp(a.openedAt, b.openedAt) || cmp(a.id, b.id));
  const recentEscaped = escapedDefects.filter((d) => t(d.openedAt) > windowStart);
  row({
    id: "escapedDefects",
    name: "Escaped defects",
    definition: `Issues labelled "${config.defectLabel}", linked to a use case and opened after it deployed, ${windowText}.`,
    unit: "count",
    value: recentEscaped.length,
    sample: recentEscaped.length,
    betterWhen: "down",
    note: `${escapedDefects.length} since the first deployment`,
  });

  // Change failure rate.
  const production = new RegExp(config.productionEnvironmentPattern, "i");
  const perRepo = new Map<string, { deployments: number; failed: number }>();
  for (const s of snapshot.kpiInputs.deploymentStatuses) {
    // Cheap checks first: only finished deployments to production need their date parsed.
    if (s.state !== "success" && !FAILED.has(s.state)) continue;
    if (!production.test(s.environment)) continue;
    const at = t(s.at);
    if (at > now || at <= windowStart) continue;
    const r = perRepo.get(s.repo) ?? { deployments: 0, failed: 0 };
    r.deployments += 1;
    if (FAILED.has(s.state)) r.failed += 1;
    perRepo.set(s.repo, r);
  }
  const changeFailureByRepo = [...perRepo]
    .map(([repo, r]) => ({ repo, ...r, rate: r.deployments === 0 ? null : r.failed / r.deployments }))
    .sort((a, b) => cmp(a.repo, b.repo));
  const deployments = changeFailureByRepo.reduce((s, r) => s + r.deployments, 0);
  const failed = changeFailureByRepo.reduce((s, r) => s + r.failed, 0);
  const worst = changeFailureByRepo.filter((r) => r.failed > 0).sort((a, b) => b.rate! - a.rate! || cmp(a.repo, b.repo))[0];
  row({
    id: "changeFailureRate",
    name: "Failed deployments",
    definition: `Change failure rate: failed or errored deployment statuses ÷ finished ones to environments matching /${config.productionEnvironmentPattern}/i, ${windowText}.`,
    unit: "percent",
    value: deployments === 0 ? null : failed / deployments,
    sample: deployments,
    betterWhen: "down",
    note: deployments === 0 ? "no production deployments in the window" : worst ? `highest: ${worst.repo} ${worst.failed}/${worst.deployments}` : null,
  });

  // Coverage: latest reading per repo.
  const latest = new Map<string, { at: string; percent: number }>();
  for (const c of snapshot.kpiInputs.coverage) {
    if (t(c.at) > now) continue;
    const prev = latest.get(c.repo);
    if (!prev || t(c.at) > t(prev.at)) latest.set(c.repo, { at: c.at, percent: c.percent });
  }
  const minimum = config.coverage.minimumPercent;
  const coverageByRepo = [...latest]
    .map(([repo, c]) => ({ repo, percent: c.percent, at: c.at, belowMinimum: c.percent < minimum }))
    .sort((a, b) => cmp(a.repo, b.repo));
  const below = coverageByRepo.filter((c) => c.belowMinimum);
  const coverageMedian = median(coverageByRepo.map((c) => c.percent / 100));
  row({
    id: "coverage",
    name: "Test coverage",
    definition: `Median over repositories of the latest "${config.coverage.checkName}" coverage reading on the default branch.`,
    unit: "percent",
    value: coverageMedian,
    median: coverageMedian,
    sample: coverageByRepo.length,
    target: minimum / 100,
    betterWhen: "up",
    note: below.length === 0 ? null : `below ${minimum}%: ${below.map((c) => `${c.repo} ${c.percent}%`).join(", ")}`,
  });

  // Gate timelines: time to MVP, time in each gate, stuck use cases.
  const intakeGate = options.intakeGate ?? pipeline[0] ?? "intake";
  const mvpGate = options.mvpGate ?? "mvp";
  const mvps: Array<{ days: number; at: number }> = [];
  const waits: number[][] = pipeline.map(() => []);
  const waitingNow = new Float64Array(pipeline.length);
  const stuck: StuckUseCase[] = [];
  // Gate events from the snapshot's timeline (dates parsed once for the whole report, shared with the forecast).
  const history = timelineOf(snapshot);
  const index = pipelineIndex(pipeline);
  const columns: GateColumns = { gate: history.gate, passed: history.passed, at: history.gateAt, gateIds: history.gateIds, position: history.gateIds.map((id) => index.get(id) ?? -1) };
  const intakeCode = history.gateIds.indexOf(intakeGate);
  const mvpCode = history.gateIds.indexOf(mvpGate);
  const walk = new GateWalk(pipeline.length);
  const addWait = (g: number, ms: number) => waits[g]!.push(msToDays(ms));
  snapshot.useCases.forEach((u, i) => {
    const filed = history.filed[i]!;
    if (filed > now) return;
    // Events up to now: a prefix of the use case's, which the timeline keeps in time order.
    const from = history.gateFrom[i]!;
    let to = from;
    while (to < history.gateFrom[i + 1]! && history.gateAt[to]! <= now) to++;
    const closed = history.closedState[i] === 0 ? null : history.closed[i]!;
    walk.run(columns, from, to, filed, closed, now);
    walk.forEachCompleted(addWait);
    const mvp = mvpOf(columns, from, to, intakeCode, mvpCode, filed, u.mvpAt, now);
    if (mvp) mvps.push(mvp);
    const deployed = history.deployed[i]! <= now;
    if (u.state === "open" && !deployed && walk.current >= 0) {
      const gate = pipeline[walk.current]!;
      waitingNow[walk.current] = waitingNow[walk.current]! + 1;
      const days = Math.floor((now - walk.since) / DAY_MS);
      if (days > config.stuckGateDays) {
        stuck.push({ id: u.id, number: u.number, title: u.title, url: u.url, owner: u.productOwner ?? null, waitingFor: gate, days, thresholdDays: config.stuckGateDays });
      }
    }
  });
  stuck.sort((a, b) => b.days - a.days || cmp(a.id, b.id));

  const yearAgo = now - 365 * DAY_MS;
  const recentMvps = mvps.filter((m) => m.at > yearAgo).map((m) => m.days);
  const quarters = new Map<string, number[]>();
  for (const m of mvps) {
    const q = quarterOf(m.at);
    const list = quarters.get(q);
    if (list) list.push(m.days);
    else quarters.set(q, [m.days]);
  }
  const timeToMvpByQuarter = [...quarters]
    .sort(([a], [b]) => cmp(a, b))
    .map(([quarter, days]) => ({
      quarter,
      ...spread(days),
      withinTarget: days.length === 0 ? null : days.filter((d) => d <= config.mvpTargetDays).length / days.length,
    }));
  const mvpSpread = spread(recentMvps);
  row({
    id: "timeToMvp",
    name: "Time to MVP",
    definition: `Days from passing the ${intakeGate} gate to passing the ${mvpGate} gate, for MVPs reached in the last 365 days.`,
    unit: "days",
    value: mvpSpread.median,
    ...mvpSpread,
    target: config.mvpTargetDays,
    betterWhen: "down",
    note:
      timeToMvpByQuarter.length === 0
        ? null
        : timeToMvpByQuarter
            .slice(-4)
            .map((q) => `${q.quarter}: median ${q.median} d (n=${q.sample})`)
            .join("; "),
  });

  const gateDurations: GateDuration[] = pipeline.map((gate, g) => ({ gate, ...spread(waits[g]!), waitingNow: waitingNow[g]! }));
  const allWaits = spread(([] as number[]).concat(...waits));
  row({
    id: "timeInGate",
    name: "Time in gate",
    definition: "Days a use case waited for a gate it has passed, while open (a removed and re-added label counts the wait again), all gates.",
    unit: "days",
    value: allWaits.median,
    ...allWaits,
    betterWhen: "down",
  });
  for (const g of gateDurations) {
    row({
      id: `timeInGate.${g.gate}`,
      name: `Time in gate: ${g.gate}`,
      definition: `Days a use case waited for the ${g.gate} gate before passing it, while open.`,
      unit: "days",
      value: g.median,
      median: g.median,
      p85: g.p85,
      sample: g.sample,
      betterWhen: "down",
      note: g.waitingNow === 0 ? null : `${g.waitingNow} waiting now`,
    });
  }
  row({
    id: "stuckUseCases",
    name: "Stuck in a gate",
    definition: `Open use cases waiting for the same gate for more than ${config.stuckGateDays} days.`,
    unit: "count",
    value: stuck.length,
    sample: stuck.length,
    target: 0,
    betterWhen: "down",
  });

  return { kpis: rows, stuck, gateDurations, timeToMvpByQuarter, changeFailureByRepo, coverageByRepo, escapedDefects };
}

/**
 * Intake → MVP in days: from the first time the intake gate was passed (filing when it never was) to the time the MVP
 * gate was last passed, if its label is still on as of now (the snapshot's `mvpAt` when the history has no MVP event).
 */
export function timeToMvp(u: Pick<UseCase, "gates" | "filedAt" | "mvpAt">, intakeGate: string, mvpGate: string, now: number): { days: number; at: number } | null {
  const columns = gateColumns(timedGateEvents(u.gates, now), new Map());
  return mvpOf(columns, 0, columns.at.length, columns.gateIds.indexOf(intakeGate), columns.gateIds.indexOf(mvpGate), t(u.filedAt), u.mvpAt, now);
}

/**
 * `timeToMvp` from the use case's gate events from…to−1 (up to now, oldest first); `intake` and `mvp` are the gates'
 * codes in the columns (−1: no such event).
 */
function mvpOf(c: GateColumns, from: number, to: number, intake: number, mvp: number, filed: number, mvpAt: string | undefined, now: number): { days: number; at: number } | null {
  let start = Number.NaN;
  let lastMvp = -1;
  for (let e = from; e < to; e++) {
    const gate = c.gate[e]!;
    if (Number.isNaN(start) && gate === intake && c.passed[e] === 1) start = c.at[e]!;
    if (gate === mvp) lastMvp = e;
  }
  if (Number.isNaN(start)) start = filed;
  let end: number | null = null;
  if (lastMvp >= 0) end = c.passed[lastMvp] === 1 ? c.at[lastMvp]! : null;
  else if (mvpAt !== undefined && t(mvpAt) <= now) end = t(mvpAt);
  if (end === null) return null;
  return { days: round1(Math.max(0, end - start) / DAY_MS)!, at: end };
}

export function quarterOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

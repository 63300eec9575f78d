/**
 * Default engines for the report, built on the committed forecast core (`runQueueTrial`, seeded streams) and on the
 * snapshot alone. They stand in until the forecast module exports `forecastPortfolio` (and the benefits and KPI
 * modules their rollups); swapping them is a change to `defaultEngines` only. Benefits already come from the benefits
 * module. Simplifications, stated in the report's notes: remaining gates add no time (they are counted in "why"), no
 * backtest yet.
 */
import { createRng, deriveSeed } from "../random.js";
import { runQueueTrial, ThroughputSampler, DEFAULT_MAX_PERIODS } from "../forecast/simulate.js";
import type { PortfolioSnapshot, UseCase } from "../snapshot/schema.js";
import { computeBenefits, currencySettings, type UseCaseOutlook } from "../benefits/index.js";
import type { InitiativeRow, StuckRow, ValueStreamRow } from "./model.js";
import type { BenefitsView, EngineOptions, KpiView, PortfolioForecastView, ReportEngines, UseCaseForecastView } from "./engines.js";

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const MIN_NONZERO_PERIODS = 5;

const t = (iso: string) => Date.parse(iso);
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Gates currently passed (passed minus reverted, in time order) as of `now`. */
export function passedGates(u: Pick<UseCase, "gates">, now: number): Map<string, number> {
  const passed = new Map<string, number>();
  for (const e of [...u.gates].sort((a, b) => t(a.at) - t(b.at))) {
    if (t(e.at) > now) continue;
    if (e.action === "passed") passed.set(e.gate, t(e.at));
    else passed.delete(e.gate);
  }
  return passed;
}

/** Index in the pipeline of the last gate passed, -1 if none. */
export function lastGateIndex(pipeline: readonly string[], passed: Map<string, number>): number {
  let last = -1;
  pipeline.forEach((g, i) => {
    if (passed.has(g)) last = i;
  });
  return last;
}

export function isDeployed(u: UseCase, now: number, pipeline: readonly string[]): boolean {
  if (u.deployedAt !== undefined && t(u.deployedAt) <= now) return true;
  const last = pipeline[pipeline.length - 1];
  return last === "deployed" && passedGates(u, now).has(last);
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

function median(values: readonly number[]): number | null {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return null;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function weeklyThroughput(snapshot: PortfolioSnapshot, now: number, weeks: number): Map<string, number[]> {
  const out = new Map(snapshot.squads.map((s) => [s.id, new Array<number>(weeks).fill(0)]));
  const start = now - weeks * WEEK_MS;
  for (const u of snapshot.useCases)
    for (const s of u.stories) {
      if (s.closedAt === null) continue;
      const c = t(s.closedAt);
      if (c < start || c >= now) continue;
      const k = Math.floor((c - start) / WEEK_MS);
      const row = out.get(s.squad);
      if (row) row[k] = (row[k] ?? 0) + 1;
    }
  return out;
}

function forecast(snapshot: PortfolioSnapshot, options: EngineOptions): PortfolioForecastView {
  const { now, config, seed } = options;
  const trials = config.forecast.trials;
  const pipeline = snapshot.governance.pipeline.map((g) => g.id);
  const history = weeklyThroughput(snapshot, now, config.forecast.throughputWindowWeeks);
  const pooled = [...history.values()].flat();
  const notes: string[] = [];
  const samplers = new Map<string, { sampler: ThroughputSampler; low: boolean; median: number }>();
  for (const [squad, values] of history) {
    const low = values.filter((v) => v > 0).length < MIN_NONZERO_PERIODS;
    const used = low ? pooled : values;
    if (low) notes.push(`Squad ${squad}: fewer than ${MIN_NONZERO_PERIODS} weeks with closed stories in the last ${values.length}; forecast from the org-wide throughput (low confidence).`);
    samplers.set(squad, { sampler: new ThroughputSampler(used.length ? used : [0]), low, median: median(used) ?? 0 });
  }
  // Stories per acceptance criterion, org-wide, from use cases already split: estimates unsplit work.
  let stories = 0;
  let criteria = 0;
  for (const u of snapshot.useCases)
    if (u.stories.length > 0 && u.acceptanceCriteria.length > 0) {
      stories += u.stories.length;
      criteria += u.acceptanceCriteria.length;
    }
  const perCriterion = criteria > 0 ? stories / criteria : 1;

  type Work = { id: string; squad: string; amount: number };
  const open = snapshot.useCases
    .filter((u) => t(u.filedAt) <= now && !isDeployed(u, now, pipeline) && u.state === "open")
    .sort((a, b) => a.priority - b.priority || cmp(a.deadline, b.deadline) || cmp(a.id, b.id));
  const work = new Map<string, Work[]>();
  const info = new Map<string, { remaining: number; estimated: boolean; squads: string[] }>();
  for (const u of open) {
    const perSquad = new Map<string, number>();
    for (const s of u.stories) if (t(s.openedAt) <= now && (s.closedAt === null || t(s.closedAt) > now)) perSquad.set(s.squad, (perSquad.get(s.squad) ?? 0) + 1);
    const estimated = u.stories.length === 0;
    if (estimated) perSquad.set(u.squad, Math.max(1, Math.ceil(u.acceptanceCriteria.length * perCriterion)));
    const squads = [...perSquad.keys()].sort(cmp);
    info.set(u.id, { remaining: [...perSquad.values()].reduce((a, b) => a + b, 0), estimated, squads: squads.length ? squads : [u.squad] });
    for (const [squad, amount] of perSquad) {
      if (!work.has(squad)) work.set(squad, []);
      work.get(squad)!.push({ id: u.id, squad, amount });
    }
  }
  // Joint simulation: in trial k every squad runs its queue; a use case is done when its last squad is.
  const maxPeriods = DEFAULT_MAX_PERIODS;
  const index = new Map(open.map((u, i) => [u.id, i]));
  const hist = new Uint32Array(open.length * (maxPeriods + 2));
  const finish = new Int32Array(open.length);
  const queues = [...work.entries()].sort((a, b) => cmp(a[0], b[0])).map(([squad, items]) => {
    const cumulative = new Float64Array(items.length);
    let sum = 0;
    items.forEach((w, i) => (cumulative[i] = sum += w.amount));
    const s = samplers.get(squad) ?? { sampler: new ThroughputSampler(pooled.length ? pooled : [0]), low: true, median: 0 };
    return { rng: createRng(deriveSeed(seed, "squad", squad)), sampler: s.sampler, cumulative, idx: Int32Array.from(items.map((w) => index.get(w.id)!)), out: new Int32Array(items.length) };
  });
  for (let k = 0; k < trials; k++) {
    finish.fill(0);
    for (const q of queues) {
      q.rng.select(k);
      runQueueTrial(q.rng, q.sampler, q.cumulative, q.cumulative.length, maxPeriods, q.out);
      for (let i = 0; i < q.out.length; i++) {
        const u = q.idx[i]!;
        if (q.out[i]! > finish[u]!) finish[u] = q.out[i]!;
      }
    }
    for (let u = 0; u < open.length; u++) hist[u * (maxPeriods + 2) + finish[u]!]!++;
  }
  const result = new Map<string, UseCaseForecastView>();
  open.forEach((u, i) => {
    const base = i * (maxPeriods + 2);
    const pct = (q: number): number | null => {
      let cum = 0;
      for (let p = 0; p <= maxPeriods; p++) {
        cum += hist[base + p]!;
        if (cum >= q * trials) return p;
      }
      return null;
    };
    const deadlineEnd = t(`${u.deadline}T00:00:00Z`) + DAY_MS - 1;
    const byPeriods = Math.floor((deadlineEnd - now) / WEEK_MS);
    let onTime = 0;
    for (let p = 0; p <= Math.min(byPeriods, maxPeriods); p++) onTime += hist[base + p]!;
    const inf = info.get(u.id)!;
    const p50 = pct(0.5);
    const p85 = pct(0.85);
    const pOnTime = deadlineEnd < now ? 0 : onTime / trials;
    const fc = config.forecast;
    const status = deadlineEnd < now ? "overdue" : pOnTime >= fc.onTrackProbability ? "on_track" : pOnTime >= fc.atRiskProbability ? "at_risk" : "off_track";
    const passed = passedGates(u, now);
    const gatesLeft = pipeline.length - 1 - lastGateIndex(pipeline, passed);
    const low = inf.squads.some((s) => samplers.get(s)?.low ?? true);
    const tp = inf.squads.reduce((sum, s) => sum + (samplers.get(s)?.median ?? 0), 0);
    const why = [
      `${inf.estimated ? "~" : ""}${inf.remaining} stories left${inf.estimated ? " (estimated from acceptance criteria)" : ""} vs ${Math.round(tp * 10) / 10}/week (${inf.squads.join(", ")}, shared with higher-priority work)`,
      `${gatesLeft} gate${gatesLeft === 1 ? "" : "s"} left`,
    ];
    if (p85 === null) why.unshift(`not done within ${maxPeriods} weeks in 15% or more of trials`);
    result.set(u.id, {
      status,
      pOnTime,
      p50: p50 === null ? null : day(now + p50 * WEEK_MS),
      p85: p85 === null ? null : day(now + p85 * WEEK_MS),
      remainingStories: inf.remaining,
      estimated: inf.estimated,
      lowConfidence: low,
      throughputPerWeek: Math.round(tp * 10) / 10,
      squads: inf.squads,
      gatesLeft,
      why,
    });
  });
  notes.push("Remaining governance gates are listed per use case but add no time to the forecast yet.");
  return { useCases: result, notes };
}

/** Benefits: the benefits module's rollup, fed with the forecast's outlook per use case (P50 date as go-live). */
function benefits(snapshot: PortfolioSnapshot, fc: PortfolioForecastView, options: EngineOptions): BenefitsView {
  const { now, config } = options;
  const pipeline = snapshot.governance.pipeline.map((g) => g.id);
  const outlook = new Map<string, UseCaseOutlook>();
  for (const u of snapshot.useCases) {
    if (isDeployed(u, now, pipeline)) {
      outlook.set(u.id, { status: "deployed", pOnTime: 1, goLive: (u.deployedAt ?? day(now)).slice(0, 10) });
      continue;
    }
    const f = fc.useCases.get(u.id);
    if (f) outlook.set(u.id, { status: f.status, pOnTime: f.pOnTime, goLive: f.p50 });
  }
  const rollup = computeBenefits(snapshot, { now: day(now), currency: currencySettings(snapshot, config.report), outlook });
  const byInitiative: InitiativeRow[] = rollup.initiatives.map((i) => ({
    id: i.id,
    number: i.number,
    title: i.title,
    url: i.url,
    owner: i.owner,
    valueStream: i.valueStream,
    planned: Math.round(i.planned ?? 0),
    forecast: Math.round(i.forecast ?? 0),
    realized: Math.round(i.realized ?? 0),
    atRisk: i.atRisk,
    useCases: i.useCases,
  }));
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
  const { now, config } = options;
  const rc = config.report;
  const pipeline = snapshot.governance.pipeline.map((g) => g.id);
  const byId = new Map(snapshot.useCases.map((u) => [u.id, u]));
  const rows: KpiView["kpis"] = [];
  const base = { median: null, p85: null, target: null, note: null } as const;

  const escaped = snapshot.kpiInputs.defects.filter((d) => {
    const u = byId.get(d.useCase);
    return d.labels.includes(rc.defectLabel) && t(d.openedAt) <= now && u?.deployedAt !== undefined && t(d.openedAt) > t(u.deployedAt);
  });
  rows.push({ ...base, id: "escapedDefects", name: "Escaped defects", unit: "count", value: escaped.length, sample: escaped.length, betterWhen: "down", definition: `Issues labelled "${rc.defectLabel}", linked to a use case and opened after it deployed (all time).` });

  const prod = new RegExp(rc.productionEnvironmentPattern, "i");
  const since = now - 90 * DAY_MS;
  const outcomes = snapshot.kpiInputs.deploymentStatuses.filter((s) => prod.test(s.environment) && ["success", "failure", "error"].includes(s.state) && t(s.at) <= now && t(s.at) > since);
  const failed = outcomes.filter((s) => s.state !== "success").length;
  rows.push({ ...base, id: "changeFailureRate", name: "Failed deployments", unit: "percent", value: outcomes.length ? failed / outcomes.length : null, sample: outcomes.length, betterWhen: "down", definition: "Change failure rate: failed or errored deployment statuses ÷ all finished ones to production-like environments, last 90 days." });

  const latest = new Map<string, { at: number; percent: number }>();
  for (const c of snapshot.kpiInputs.coverage) {
    const at = t(c.at);
    if (at > now) continue;
    const prev = latest.get(c.repo);
    if (!prev || at > prev.at) latest.set(c.repo, { at, percent: c.percent });
  }
  const cov = [...latest.values()].map((c) => c.percent / 100);
  const below = cov.filter((c) => c < rc.coverage.minimumPercent / 100).length;
  rows.push({ ...base, id: "coverage", name: "Test coverage", unit: "percent", value: median(cov), sample: cov.length, target: rc.coverage.minimumPercent / 100, betterWhen: "up", note: below ? `${below} repositories below target` : null, definition: `Median over use-case repositories of the latest "${rc.coverage.checkName}" reading on the default branch.` });

  const mvpDays: number[] = [];
  const gateWaits: number[] = [];
  const stuck: StuckRow[] = [];
  for (const u of snapshot.useCases) {
    if (t(u.filedAt) > now) continue;
    const passed = passedGates(u, now);
    const intake = passed.get(pipeline[0] ?? "intake") ?? t(u.filedAt);
    const mvp = passed.get("mvp");
    if (mvp !== undefined) mvpDays.push((mvp - intake) / DAY_MS);
    let prev = t(u.filedAt);
    for (const g of pipeline) {
      const at = passed.get(g);
      if (at === undefined) break;
      gateWaits.push(Math.max(0, (at - prev) / DAY_MS));
      prev = at;
    }
    const last = lastGateIndex(pipeline, passed);
    if (u.state === "open" && !isDeployed(u, now, pipeline) && last < pipeline.length - 1) {
      const since = last >= 0 ? passed.get(pipeline[last]!)! : t(u.filedAt);
      const waited = Math.floor((now - since) / DAY_MS);
      if (waited > rc.stuckGateDays)
        stuck.push({ id: u.id, number: u.number, title: u.title, url: u.url, owner: u.productOwner ?? null, waitingFor: pipeline[last + 1]!, days: waited, thresholdDays: rc.stuckGateDays });
    }
  }
  const dist = (values: number[]) => {
    const s = [...values].sort((a, b) => a - b);
    const m = median(s);
    return { value: m === null ? null : Math.round(m * 10) / 10, median: m === null ? null : Math.round(m * 10) / 10, p85: quantile(s, 0.85) === null ? null : Math.round(quantile(s, 0.85)! * 10) / 10, sample: s.length };
  };
  rows.push({ ...base, ...dist(mvpDays), id: "timeToMvp", name: "Time to MVP", unit: "days", target: rc.mvpTargetDays, betterWhen: "down", definition: "Days from passing the intake gate to passing the MVP gate (all use cases that reached MVP)." });
  rows.push({ ...base, ...dist(gateWaits), id: "timeInGate", name: "Time in gate", unit: "days", betterWhen: "down", definition: "Days a use case waited for each gate it passed: from the previous gate (or filing) to passing this one." });
  stuck.sort((a, b) => b.days - a.days || cmp(a.id, b.id));
  return { kpis: rows, stuck };
}

export const interimEngines: ReportEngines = {
  forecast,
  benefits,
  kpis,
  calibration: () => null,
};


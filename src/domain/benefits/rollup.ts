import type { Initiative, PortfolioSnapshot, UseCase } from "../snapshot/schema.js";
import { convert, type CurrencySettings } from "./money.js";
import { parseIsoMs } from "../values/dates.js";
import { idOrder } from "../snapshot/id-order.js";
import { initiativeReferences } from "../snapshot/references.js";

/**
 * Benefit rollups (issue 4, ADR 0040): planned, forecast and realized benefit per initiative and per value stream,
 * and the benefit at risk. Pure: the forecast's per-use-case outlook is an input.
 *
 * - planned  = the initiative's planned yearly benefit, in the reporting currency.
 * - probability = P(every enabling use case deploys by its deadline): an initiative needs ALL its enabling use cases
 *   (ADR 0040). Deployed use cases count as 1. Without a joint estimate from the forecast, the product of the
 *   per-use-case probabilities is used (independence assumed; pass `jointProbability` to override).
 * - forecastYearly = planned × probability (the run rate the forecast expects).
 * - forecast = forecastYearly phased over the benefit window (`now` + 365 days by default): only the part of the
 *   window after the forecast go-live date (the latest go-live of the enabling use cases) counts, prorated by day.
 * - plannedInWindow = planned phased the same way from the planned go-live (the latest enabling deadline).
 * - realized = sum of the realized records, converted.
 * - at risk: some enabling use case is at risk, off track or overdue; benefit at risk sums their planned benefit.
 * An amount that cannot be converted, or a use case with no forecast, makes that figure null and adds a problem;
 * rollups sum the known figures and count what they left out.
 */

/** Forecast status of a use case (same values as the report model's UseCaseStatus). */
export type UseCaseRiskStatus = "on_track" | "at_risk" | "off_track" | "overdue" | "deployed" | "no_forecast";
export const AT_RISK: ReadonlySet<UseCaseRiskStatus> = new Set(["at_risk", "off_track", "overdue"]);
const SEVERITY: UseCaseRiskStatus[] = ["overdue", "off_track", "at_risk", "no_forecast", "on_track", "deployed"];

export interface UseCaseOutlook {
  status: UseCaseRiskStatus;
  /** P(deployed by its deadline) from the forecast; ignored for deployed use cases (1). Null: not forecast. */
  pOnTime: number | null;
  /** Forecast go-live day (YYYY-MM-DD, e.g. the P50 date); for deployed ones the deployment day. Null: unknown. */
  goLive: string | null;
}

/** Where the rollup reads each use case's outlook: a Map, or anything that answers `get` (e.g. a view of the forecast). */
export interface OutlookLookup {
  get(useCaseId: string): UseCaseOutlook | undefined;
}

export interface BenefitOptions {
  /** Report day, YYYY-MM-DD: the benefit window starts here. */
  now: string;
  currency: CurrencySettings;
  /** Per use case id. A use case missing here is treated as not forecast (unless the snapshot says it deployed). */
  outlook: OutlookLookup;
  /** Length of the benefit window in days (default 365). */
  windowDays?: number;
  /** Joint P(all enabling use cases on time) per initiative id, when the forecast computed it in one simulation. */
  jointProbability?: ReadonlyMap<string, number>;
}

export interface InitiativeBenefit extends InitiativeFigures {
  id: string;
  number: number;
  title: string;
  url: string;
  owner: string;
  valueStream: string;
}

/** What the rollup works out for one initiative (InitiativeBenefit without the initiative's own fields). */
export interface InitiativeFigures {
  /** Enabling use case ids, sorted. */
  useCases: string[];
  planned: number | null;
  plannedInWindow: number | null;
  probability: number | null;
  goLive: string | null;
  plannedGoLive: string | null;
  forecastYearly: number | null;
  forecast: number | null;
  realized: number | null;
  /** Worst status among the enabling use cases (null when none is linked). */
  status: UseCaseRiskStatus | null;
  atRisk: boolean;
  /** Empty (one shared, frozen array) for most initiatives. */
  problems: readonly string[];
}

export interface BenefitTotals {
  initiatives: number;
  planned: number;
  plannedInWindow: number;
  forecastYearly: number;
  forecast: number;
  realized: number;
  /** Planned benefit of initiatives with an enabling use case at risk, off track or overdue. */
  atRisk: number;
  atRiskInitiatives: number;
  /** Initiatives whose figure could not be computed (missing rate or forecast) and is left out of a sum. */
  incomplete: number;
}

export interface ValueStreamBenefit extends BenefitTotals {
  valueStream: string;
}

export interface BenefitRollup<Row = InitiativeBenefit> {
  currency: string;
  window: { start: string; end: string; days: number };
  /** One row per initiative, in snapshot order. */
  initiatives: Row[];
  byValueStream: ValueStreamBenefit[];
  total: BenefitTotals;
  problems: string[];
}

const DAY_MS = 86_400_000;
const dayNumber = (day: string): number => Math.floor(parseIsoMs(`${day.slice(0, 10)}T00:00:00Z`) / DAY_MS);
const isoDay = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);
const SEVERITY_RANK = new Map(SEVERITY.map((s, rank) => [s, rank]));

/**
 * Share of the window [start, start + days) that lies on or after go-live, prorated by whole days.
 * Go-live before the window → 1; on or after its end → 0.
 */
export function phaseShare(goLive: string, windowStart: string, windowDays = 365): number {
  return shareFrom(dayNumber(goLive), dayNumber(windowStart), windowDays);
}

function shareFrom(live: number, start: number, windowDays: number): number {
  return Math.min(1, Math.max(0, (start + windowDays - Math.max(live, start)) / windowDays));
}

/** Per-run context: everything that is the same for every initiative, computed once. */
interface Context {
  options: BenefitOptions;
  windowDays: number;
  windowStart: number;
}

/**
 * A use case as an enabler, resolved once (it enables several initiatives): its outlook, and the day numbers of its
 * deadline and go-live (Date.parse is slow enough to matter when tens of thousands of initiatives need them).
 */
interface Enabler {
  id: string;
  deadline: string;
  deadlineDay: number;
  /** Its outlook's figures, held here (not as an outlook object each: ten thousand use cases). */
  status: UseCaseRiskStatus;
  pOnTime: number | null;
  goLive: string | null;
  goLiveDay: number | null;
  /** Its status's rank in SEVERITY (lower is worse), and whether it is at risk, off track or overdue. */
  severity: number;
  atRisk: boolean;
}

function enablerOf(useCase: UseCase, outlooks: OutlookLookup): Enabler {
  const outlook = outlookOf(useCase, outlooks);
  return {
    id: useCase.id,
    deadline: useCase.deadline,
    deadlineDay: dayNumber(useCase.deadline),
    status: outlook.status,
    pOnTime: outlook.pOnTime,
    goLive: outlook.goLive,
    goLiveDay: outlook.goLive === null ? null : dayNumber(outlook.goLive),
    severity: SEVERITY_RANK.get(outlook.status)!,
    atRisk: AT_RISK.has(outlook.status),
  };
}

export function computeBenefits(snapshot: Pick<PortfolioSnapshot, "initiatives" | "useCases">, options: BenefitOptions): BenefitRollup {
  return rollupBenefits(snapshot, options, (i, figures) => ({ id: i.id, number: i.number, title: i.title, url: i.url, owner: i.owner, valueStream: i.valueStream, ...figures }));
}

/**
 * `computeBenefits` with rows of the caller's making: `rowOf` gets each initiative and its figures and returns what to
 * keep. A report keeps a small row for each of tens of thousands of initiatives; building the full InitiativeBenefit
 * first, only to copy part of it, was most of what the rollup left behind for the garbage collector to move.
 */
export function rollupBenefits<Row>(
  snapshot: Pick<PortfolioSnapshot, "initiatives" | "useCases">,
  options: BenefitOptions,
  rowOf: (initiative: Initiative, figures: InitiativeFigures) => Row,
): BenefitRollup<Row> {
  const windowDays = options.windowDays ?? 365;
  const context: Context = { options, windowDays, windowStart: dayNumber(options.now) };
  const enablers = enablersOf(snapshot, options);
  const rows = new Array<Row>(snapshot.initiatives.length);
  // Totals per value stream and overall, added in initiative order (the same floats as summing the rows in order).
  const byStream = new Map<string, ValueStreamBenefit>();
  const total = emptyTotals();
  const problems: string[] = [];
  for (let k = 0; k < snapshot.initiatives.length; k++) {
    const initiative = snapshot.initiatives[k]!;
    const n = enablers.numberOf[k]!;
    const figures = initiativeFigures(initiative, enablers.flat, enablers.from[n]!, enablers.from[n + 1]!, context);
    rows[k] = rowOf(initiative, figures);
    let stream = byStream.get(initiative.valueStream);
    if (!stream) byStream.set(initiative.valueStream, (stream = { valueStream: initiative.valueStream, ...emptyTotals() }));
    addTo(stream, figures);
    addTo(total, figures);
    for (const p of figures.problems) problems.push(`${initiative.id}: ${p}`);
  }
  const streams = [...byStream.keys()].sort();
  return {
    currency: options.currency.reportingCurrency,
    window: { start: options.now, end: isoDay(context.windowStart + windowDays - 1), days: windowDays },
    initiatives: rows,
    byValueStream: streams.map((valueStream) => byStream.get(valueStream)!),
    total,
    problems,
  };
}

/**
 * Every initiative's enabling use cases, sorted by id, end to end in `flat`: initiative k's are flat[from[n] …
 * from[n + 1]) with n = numberOf[k] (initiatives with the same id, refused by the snapshot schema, share one list, as
 * they did when grouped by id). One array for all (tens of thousands of initiatives), no list each.
 */
interface EnablerLists {
  flat: Enabler[];
  from: Int32Array;
  numberOf: Int32Array;
}

function enablersOf(snapshot: Pick<PortfolioSnapshot, "initiatives" | "useCases">, options: BenefitOptions): EnablerLists {
  // Each reference as an initiative number (validation resolved them already: see references.ts).
  const { numberOf, count: initiatives, from: refFrom, number } = initiativeReferences(snapshot);
  // Each reference (initiative number, enabler), use cases in id order; then a counting sort by initiative number,
  // which is stable, so every list comes out sorted by use-case id (code-unit order, as the forecast's: the same on
  // every ICU build) without sorting tens of thousands of small lists.
  const refNumber = new Int32Array(number.length);
  const refEnabler = new Int32Array(number.length);
  const enablers: Enabler[] = [];
  const from = new Int32Array(initiatives + 1);
  let count = 0;
  const byId = idOrder(snapshot.useCases);
  for (let k = 0; k < byId.length; k++) {
    const u = byId[k]!;
    enablers.push(enablerOf(snapshot.useCases[u]!, options.outlook));
    for (let r = refFrom[u]!; r < refFrom[u + 1]!; r++) {
      const n = number[r]!;
      if (n < 0) continue; // not an initiative of this snapshot
      refNumber[count] = n;
      refEnabler[count++] = k;
      from[n + 1]!++;
    }
  }
  for (let n = 0; n < initiatives; n++) from[n + 1] = from[n + 1]! + from[n]!;
  const next = from.slice(0, initiatives);
  const flat = new Array<Enabler>(count);
  for (let r = 0; r < count; r++) flat[next[refNumber[r]!]!++] = enablers[refEnabler[r]!]!;
  return { flat, from, numberOf };
}

/** An initiative's figures from its enabling use cases enablers[from … to), sorted by id. */
function initiativeFigures(initiative: Initiative, enablers: readonly Enabler[], from: number, to: number, context: Context): InitiativeFigures {
  const { options, windowDays, windowStart } = context;
  const problems: string[] = [];
  const planned = convert(initiative.plannedBenefit, options.currency);
  if (!planned.ok) problems.push(`planned benefit: ${planned.problem}`);
  const realized = realizedSum(initiative, options.currency, problems);

  let probability: number | null = null;
  let goLive: Enabler | null = null;
  let plannedGoLive: Enabler | null = null;
  if (to === from) problems.push("no enabling use case is linked: benefit cannot be forecast");
  else {
    const e = enablerFigures(enablers, from, to);
    plannedGoLive = e.latestDeadline;
    if (e.missing.length > 0) problems.push(`no forecast for enabling use case ${e.missing.join(", ")}`);
    else probability = options.jointProbability?.get(initiative.id) ?? e.probability;
    if (e.latestGoLive !== null) goLive = e.latestGoLive;
    else if (e.missing.length === 0) problems.push("the forecast gives no go-live date for an enabling use case");
  }

  const plannedAmount = planned.ok ? planned.amount : null;
  const forecastYearly = plannedAmount !== null && probability !== null ? plannedAmount * probability : null;
  const forecast = forecastYearly !== null && goLive !== null ? forecastYearly * shareFrom(goLive.goLiveDay!, windowStart, windowDays) : null;
  const plannedInWindow = plannedAmount !== null && plannedGoLive !== null ? plannedAmount * shareFrom(plannedGoLive.deadlineDay, windowStart, windowDays) : null;
  const { status, atRisk } = worstStatus(enablers, from, to);
  const useCases = new Array<string>(to - from);
  for (let e = from; e < to; e++) useCases[e - from] = enablers[e]!.id;
  return {
    useCases,
    planned: plannedAmount,
    plannedInWindow,
    probability,
    goLive: goLive?.goLive ?? null,
    plannedGoLive: plannedGoLive?.deadline ?? null,
    forecastYearly,
    forecast,
    realized,
    status,
    atRisk,
    problems: problems.length > 0 ? problems : NONE, // kept only when there is something to say
  };
}

/** Sum of the realized records, converted; null (with a problem each) when one cannot be converted. */
function realizedSum(initiative: Initiative, currency: CurrencySettings, problems: string[]): number | null {
  let realized: number | null = 0;
  for (const record of initiative.realized) {
    const amount = convert(record, currency);
    if (amount.ok) realized = realized === null ? null : realized + amount.amount;
    else {
      problems.push(`realized benefit as of ${record.asOf}: ${amount.problem}`);
      realized = null;
    }
  }
  return realized;
}

/**
 * One pass over the (non-empty, sorted) enablers: the one with the latest deadline, the ids without a forecast, the
 * product of the on-time probabilities (in id order, so the float result does not depend on how it is computed), and
 * the one with the latest go-live day (null when any is unknown). Latest means the greatest day text, as before.
 */
function enablerFigures(enablers: readonly Enabler[], from: number, to: number) {
  let latestDeadline = enablers[from]!;
  let latestGoLive: Enabler | null = null;
  let allGoLives = true;
  let probability = 1;
  let missing: string[] | null = null; // mostly none: no array each
  for (let k = from; k < to; k++) {
    const e = enablers[k]!;
    if (e.deadline > latestDeadline.deadline) latestDeadline = e;
    if (e.pOnTime === null) (missing ??= []).push(e.id);
    else probability *= e.pOnTime;
    const day = e.goLive;
    if (day === null) allGoLives = false;
    else if (latestGoLive === null || day > latestGoLive.goLive!) latestGoLive = e;
  }
  return { latestDeadline, missing: missing ?? NONE, probability, latestGoLive: allGoLives ? latestGoLive : null };
}

/** Worst status among the enablers (SEVERITY order; null for none), and whether any is at risk. */
function worstStatus(enablers: readonly Enabler[], from: number, to: number): { status: UseCaseRiskStatus | null; atRisk: boolean } {
  let worst = -1; // the first enabler of the worst rank, as a scan comparing ranks finds it
  let atRisk = false;
  for (let k = from; k < to; k++) {
    const e = enablers[k]!;
    if (worst < 0 || e.severity < enablers[worst]!.severity) worst = k;
    if (e.atRisk) atRisk = true;
  }
  return { status: worst < 0 ? null : enablers[worst]!.status, atRisk };
}

function outlookOf(useCase: UseCase, outlook: OutlookLookup): UseCaseOutlook {
  const given = outlook.get(useCase.id);
  if (given?.status === "deployed" || (given === undefined && useCase.deployedAt !== undefined)) {
    return { status: "deployed", pOnTime: 1, goLive: given?.goLive ?? useCase.deployedAt?.slice(0, 10) ?? null };
  }
  if (given === undefined) return { status: "no_forecast", pOnTime: null, goLive: null };
  const p = given.pOnTime;
  return { ...given, pOnTime: p === null || !Number.isFinite(p) ? null : Math.min(1, Math.max(0, p)) };
}

/** The empty list most initiatives have (no problems, no enabler without a forecast): one, shared and frozen. */
const NONE: readonly string[] = Object.freeze([]);

function emptyTotals(): BenefitTotals {
  return { initiatives: 0, planned: 0, plannedInWindow: 0, forecastYearly: 0, forecast: 0, realized: 0, atRisk: 0, atRiskInitiatives: 0, incomplete: 0 };
}

/** Adds an initiative's figures to running totals (called in initiative order). */
function addTo(t: BenefitTotals, i: InitiativeFigures): void {
  t.initiatives += 1;
  t.planned += i.planned ?? 0;
  t.plannedInWindow += i.plannedInWindow ?? 0;
  t.forecastYearly += i.forecastYearly ?? 0;
  t.forecast += i.forecast ?? 0;
  t.realized += i.realized ?? 0;
  t.atRisk += (i.atRisk ? i.planned : 0) ?? 0;
  if (i.atRisk) t.atRiskInitiatives += 1;
  if (i.planned === null || i.forecast === null || i.realized === null) t.incomplete += 1;
}

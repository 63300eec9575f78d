import type { Initiative, PortfolioSnapshot, UseCase } from "../snapshot/schema.js";
import { convert, type CurrencySettings } from "./money.js";

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

export interface BenefitOptions {
  /** Report day, YYYY-MM-DD: the benefit window starts here. */
  now: string;
  currency: CurrencySettings;
  /** Per use case id. A use case missing here is treated as not forecast (unless the snapshot says it deployed). */
  outlook: ReadonlyMap<string, UseCaseOutlook>;
  /** Length of the benefit window in days (default 365). */
  windowDays?: number;
  /** Joint P(all enabling use cases on time) per initiative id, when the forecast computed it in one simulation. */
  jointProbability?: ReadonlyMap<string, number>;
}

export interface InitiativeBenefit {
  id: string;
  number: number;
  title: string;
  url: string;
  owner: string;
  valueStream: string;
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
  problems: string[];
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

export interface BenefitRollup {
  currency: string;
  window: { start: string; end: string; days: number };
  initiatives: InitiativeBenefit[];
  byValueStream: ValueStreamBenefit[];
  total: BenefitTotals;
  problems: string[];
}

const DAY_MS = 86_400_000;
const dayNumber = (day: string): number => Math.floor(Date.parse(`${day.slice(0, 10)}T00:00:00Z`) / DAY_MS);
const isoDay = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);

/**
 * Share of the window [start, start + days) that lies on or after go-live, prorated by whole days.
 * Go-live before the window → 1; on or after its end → 0.
 */
export function phaseShare(goLive: string, windowStart: string, windowDays = 365): number {
  const start = dayNumber(windowStart);
  const live = dayNumber(goLive);
  return Math.min(1, Math.max(0, (start + windowDays - Math.max(live, start)) / windowDays));
}

export function computeBenefits(snapshot: Pick<PortfolioSnapshot, "initiatives" | "useCases">, options: BenefitOptions): BenefitRollup {
  const windowDays = options.windowDays ?? 365;
  const enablers = new Map<string, UseCase[]>();
  for (const u of snapshot.useCases) {
    for (const id of u.initiatives) {
      const list = enablers.get(id);
      if (list) list.push(u);
      else enablers.set(id, [u]);
    }
  }
  const initiatives = snapshot.initiatives.map((initiative) =>
    initiativeBenefit(initiative, enablers.get(initiative.id) ?? [], options, windowDays),
  );
  const byStream = new Map<string, InitiativeBenefit[]>();
  for (const i of initiatives) {
    const list = byStream.get(i.valueStream);
    if (list) list.push(i);
    else byStream.set(i.valueStream, [i]);
  }
  const streams = [...byStream.keys()].sort();
  const problems = initiatives.flatMap((i) => i.problems.map((p) => `${i.id}: ${p}`));
  return {
    currency: options.currency.reportingCurrency,
    window: { start: options.now, end: isoDay(dayNumber(options.now) + windowDays - 1), days: windowDays },
    initiatives,
    byValueStream: streams.map((valueStream) => ({ valueStream, ...totals(byStream.get(valueStream)!) })),
    total: totals(initiatives),
    problems,
  };
}

function initiativeBenefit(initiative: Initiative, useCases: UseCase[], options: BenefitOptions, windowDays: number): InitiativeBenefit {
  const problems: string[] = [];
  const planned = convert(initiative.plannedBenefit, options.currency);
  if (!planned.ok) problems.push(`planned benefit: ${planned.problem}`);
  let realized: number | null = 0;
  for (const record of initiative.realized) {
    const amount = convert(record, options.currency);
    if (amount.ok) realized = realized === null ? null : realized + amount.amount;
    else {
      problems.push(`realized benefit as of ${record.asOf}: ${amount.problem}`);
      realized = null;
    }
  }

  const sorted = [...useCases].sort((a, b) => a.id.localeCompare(b.id));
  const outlooks = sorted.map((u) => outlookOf(u, options.outlook));
  let probability: number | null = null;
  let goLive: string | null = null;
  let plannedGoLive: string | null = null;
  if (sorted.length === 0) problems.push("no enabling use case is linked: benefit cannot be forecast");
  else {
    plannedGoLive = sorted.map((u) => u.deadline).reduce((a, b) => (a > b ? a : b));
    const missing = sorted.filter((_, k) => outlooks[k]!.pOnTime === null);
    if (missing.length > 0) problems.push(`no forecast for enabling use case ${missing.map((u) => u.id).join(", ")}`);
    else {
      const joint = options.jointProbability?.get(initiative.id);
      probability = joint ?? outlooks.reduce((p, o) => p * o.pOnTime!, 1);
    }
    const dates = outlooks.map((o) => o.goLive);
    if (dates.every((d): d is string => d !== null)) goLive = dates.reduce((a, b) => (a > b ? a : b));
    else if (missing.length === 0) problems.push("the forecast gives no go-live date for an enabling use case");
  }

  const plannedAmount = planned.ok ? planned.amount : null;
  const forecastYearly = plannedAmount !== null && probability !== null ? plannedAmount * probability : null;
  const forecast = forecastYearly !== null && goLive !== null ? forecastYearly * phaseShare(goLive, options.now, windowDays) : null;
  const plannedInWindow = plannedAmount !== null && plannedGoLive !== null ? plannedAmount * phaseShare(plannedGoLive, options.now, windowDays) : null;
  const statuses = outlooks.map((o) => o.status);
  const status = statuses.length === 0 ? null : SEVERITY.find((s) => statuses.includes(s))!;
  return {
    id: initiative.id,
    number: initiative.number,
    title: initiative.title,
    url: initiative.url,
    owner: initiative.owner,
    valueStream: initiative.valueStream,
    useCases: sorted.map((u) => u.id),
    planned: plannedAmount,
    plannedInWindow,
    probability,
    goLive,
    plannedGoLive,
    forecastYearly,
    forecast,
    realized,
    status,
    atRisk: statuses.some((s) => AT_RISK.has(s)),
    problems,
  };
}

function outlookOf(useCase: UseCase, outlook: ReadonlyMap<string, UseCaseOutlook>): UseCaseOutlook {
  const given = outlook.get(useCase.id);
  if (given?.status === "deployed" || (given === undefined && useCase.deployedAt !== undefined)) {
    return { status: "deployed", pOnTime: 1, goLive: given?.goLive ?? useCase.deployedAt?.slice(0, 10) ?? null };
  }
  if (given === undefined) return { status: "no_forecast", pOnTime: null, goLive: null };
  const p = given.pOnTime;
  return { ...given, pOnTime: p === null || !Number.isFinite(p) ? null : Math.min(1, Math.max(0, p)) };
}

function totals(rows: InitiativeBenefit[]): BenefitTotals {
  const sum = (pick: (i: InitiativeBenefit) => number | null) => rows.reduce((s, i) => s + (pick(i) ?? 0), 0);
  return {
    initiatives: rows.length,
    planned: sum((i) => i.planned),
    plannedInWindow: sum((i) => i.plannedInWindow),
    forecastYearly: sum((i) => i.forecastYearly),
    forecast: sum((i) => i.forecast),
    realized: sum((i) => i.realized),
    atRisk: sum((i) => (i.atRisk ? i.planned : 0)),
    atRiskInitiatives: rows.filter((i) => i.atRisk).length,
    incomplete: rows.filter((i) => i.planned === null || i.forecast === null || i.realized === null).length,
  };
}

import { parseIsoMs } from "../values/dates.js";

/**
 * What the forecast reads from a portfolio snapshot: a structural subset of `PortfolioSnapshot`
 * (src/domain/snapshot/schema.ts), so a parsed snapshot is passed as is and tests can build small inputs by hand.
 * `asOf` cuts the input at an instant: the forecast only ever sees the result, so a forecast "as of" a past week
 * cannot use anything that happened after it (the backtest depends on this).
 */

export interface ForecastStory {
  id: string;
  squad: string;
  openedAt: string;
  closedAt: string | null;
  /** `openedAt` / `closedAt` as epoch ms: set on `asOf`'s views (dates are parsed once), read in the hot paths. */
  openedMs?: number;
  closedMs?: number | null;
}

export interface ForecastGateEvent {
  gate: string;
  action: "passed" | "reverted";
  at: string;
  /** `at` as epoch ms (set on `asOf`'s views). */
  atMs?: number;
}

export interface ForecastUseCase {
  id: string;
  title: string;
  /** 1 = highest. */
  priority: number;
  /** Owning squad: unsplit work is estimated for it. */
  squad: string;
  /** Deployment deadline, a calendar day (YYYY-MM-DD), met when deployed by the end of that day (UTC). */
  deadline: string;
  filedAt: string;
  state?: "open" | "closed";
  closedAt?: string | null;
  acceptanceCriteria: readonly string[];
  stories: readonly ForecastStory[];
  splitAt?: string;
  gates: readonly ForecastGateEvent[];
  deployedAt?: string;
  /** `filedAt` / `splitAt` as epoch ms (set on `asOf`'s views). */
  filedMs?: number;
  splitMs?: number;
}

export interface ForecastInput {
  squads: ReadonlyArray<{ id: string; name: string }>;
  useCases: readonly ForecastUseCase[];
  governance: { pipeline: ReadonlyArray<{ id: string }> };
}

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/** Epoch ms of an ISO date-time; throws on garbage so a bad date never silently becomes NaN arithmetic. */
export function ms(iso: string): number {
  const t = parseIsoMs(iso);
  if (Number.isNaN(t)) throw new RangeError(`not a date: "${iso}"`);
  return t;
}

/** End of a calendar day (UTC): a deadline is met by anything up to and including that day. */
export function endOfDay(day: string): number {
  return ms(`${day}T00:00:00Z`) + DAY_MS - 1;
}

export function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** Every date of a use case, parsed once (NaN where absent or unparseable: `asOf` throws if it has to use one). */
interface ParsedDates {
  filed: number;
  split: number;
  deployed: number;
  closed: number;
  opened: Float64Array;
  storyClosed: Float64Array;
  gates: Float64Array;
  /** The latest of all its dates (NaN if any is unparseable): a cut at or after it keeps the use case whole. */
  latest: number;
}

/** Parsed dates of a use-case list, and the list's order by id (cuts keep it, so none has to sort). */
interface ParsedInput {
  dates: ParsedDates[];
  byId: Int32Array;
}

/** One use case's shared views (see CutViews). */
interface UseCaseViews {
  stories: Array<ForecastStory | undefined>;
  openStories: Array<ForecastStory | undefined>;
  gates: Array<ForecastGateEvent | undefined>;
  allStories?: readonly ForecastStory[];
  allGates?: readonly ForecastGateEvent[];
  /** The use case's view when nothing about it is after the cut: the same for every such cut. */
  whole?: ForecastUseCase;
}

/**
 * Views shared by the cuts of one snapshot that a caller makes in a row (the backtest makes a dozen): each story's view
 * as in the snapshot and, made when first needed, with its close undone; each gate event's view; and the whole lists
 * when a cut keeps them all. Views are read-only by contract (`readonly` in ForecastInput), so sharing them between
 * cuts is safe, and it saves copying every story per cut. The caller owns the cache and drops it when done, so the
 * views do not outlive the backtest (kept with the snapshot, they would add a copy of every story to its live heap).
 */
export class CutViews {
  private readonly byInput = new WeakMap<readonly ForecastUseCase[], UseCaseViews[]>();

  /** @internal */
  for(useCases: readonly ForecastUseCase[]): UseCaseViews[] {
    let views = this.byInput.get(useCases);
    if (!views) {
      views = freshViews(useCases);
      this.byInput.set(useCases, views);
    }
    return views;
  }
}

function freshViews(useCases: readonly ForecastUseCase[]): UseCaseViews[] {
  return useCases.map((u) => ({
    stories: new Array<ForecastStory | undefined>(u.stories.length),
    openStories: new Array<ForecastStory | undefined>(u.stories.length),
    gates: new Array<ForecastGateEvent | undefined>(u.gates.length),
  }));
}

function date(iso: string | null | undefined): number {
  return iso === null || iso === undefined ? Number.NaN : parseIsoMs(iso);
}

/**
 * Parsed dates per use-case list. The backtest cuts the same snapshot at a dozen instants; Date.parse on every date
 * each time was a tenth of its run time. Keyed by the (immutable, by contract) `useCases` array itself.
 */
const parsedByInput = new WeakMap<readonly ForecastUseCase[], ParsedInput>();

function parseDates(useCases: readonly ForecastUseCase[]): ParsedInput {
  let parsed = parsedByInput.get(useCases);
  if (parsed) return parsed;
  const dates = useCases.map((u) => {
    // Plain loops: Float64Array.from with a mapping function goes through the iterator protocol, per element.
    const opened = new Float64Array(u.stories.length);
    const storyClosed = new Float64Array(u.stories.length);
    for (let j = 0; j < u.stories.length; j++) {
      const s = u.stories[j]!;
      opened[j] = date(s.openedAt);
      storyClosed[j] = date(s.closedAt);
    }
    const gates = new Float64Array(u.gates.length);
    for (let j = 0; j < u.gates.length; j++) gates[j] = date(u.gates[j]!.at);
    const d: ParsedDates = {
      filed: date(u.filedAt),
      split: date(u.splitAt),
      deployed: date(u.deployedAt),
      closed: date(u.closedAt),
      opened,
      storyClosed,
      gates,
      latest: Number.NaN,
    };
    // Absent dates are NaN too, so only present ones are checked: one that does not parse leaves `latest` NaN.
    let latest = d.filed;
    let readable = !Number.isNaN(d.filed);
    const consider = (t: number, iso: string | null | undefined) => {
      if (iso === null || iso === undefined) return;
      if (Number.isNaN(t)) readable = false;
      else if (t > latest) latest = t;
    };
    consider(d.split, u.splitAt);
    consider(d.deployed, u.deployedAt);
    consider(d.closed, u.closedAt);
    u.stories.forEach((s, j) => {
      consider(d.opened[j]!, s.openedAt);
      consider(d.storyClosed[j]!, s.closedAt);
    });
    u.gates.forEach((g, j) => consider(d.gates[j]!, g.at));
    if (readable) d.latest = latest;
    return d;
  });
  const byId = Int32Array.from(useCases.keys()).sort((a, b) => compareIds(useCases[a]!.id, useCases[b]!.id) || a - b);
  parsed = { dates, byId };
  parsedByInput.set(useCases, parsed);
  return parsed;
}

/**
 * The input as it was known at `now`: use cases filed later vanish, stories opened later vanish, later closes,
 * gate events, splits and deployments are undone. The returned use cases are sorted by id (stable order for seeds).
 * The views carry their dates as epoch ms too (`openedMs`, `closedMs`, `atMs`, `filedMs`, `splitMs`).
 */
export function asOf(input: ForecastInput, now: number, views?: CutViews): ForecastInput {
  const { dates: parsed, byId } = parseDates(input.useCases);
  const shared = views ? views.for(input.useCases) : freshViews(input.useCases);
  /** Known at `now`: present and not later (a present but unparseable date throws, as `ms` does). */
  const before = (t: number, iso: string | null | undefined): iso is string => {
    if (iso === null || iso === undefined) return false;
    if (Number.isNaN(t)) throw new RangeError(`not a date: "${iso}"`);
    return t <= now;
  };
  const useCases: ForecastUseCase[] = [];
  // In id order (stable for equal ids), so the cut is sorted without sorting it.
  for (const i of byId) {
    const u = input.useCases[i]!;
    const d = parsed[i]!;
    const v = shared[i]!;
    // Nothing about it after the cut: its view is the one every such cut makes (made below the first time).
    if (v.whole && d.latest <= now) {
      useCases.push(v.whole);
      continue;
    }
    if (!before(d.filed, u.filedAt)) continue;
    // Stories known at `now`, each as the snapshot has it or with a later close undone (views shared, see CutViews).
    // A first pass without allocating: most cuts keep a use case's stories whole, and then the shared list is reused.
    let known = 0;
    let undone = 0;
    for (let j = 0; j < u.stories.length; j++) {
      const s = u.stories[j]!;
      if (!before(d.opened[j]!, s.openedAt)) continue;
      known++;
      if (s.closedAt !== null && !before(d.storyClosed[j]!, s.closedAt)) undone++;
    }
    let stories: readonly ForecastStory[];
    if (known === u.stories.length && undone === 0 && v.allStories) stories = v.allStories;
    else {
      const list = new Array<ForecastStory>(known);
      let at = 0;
      for (let j = 0; j < u.stories.length; j++) {
        const s = u.stories[j]!;
        const opened = d.opened[j]!;
        if (!(opened <= now)) continue;
        if (s.closedAt === null || d.storyClosed[j]! <= now) {
          list[at++] = v.stories[j] ??= { id: s.id, squad: s.squad, openedAt: s.openedAt, closedAt: s.closedAt, openedMs: opened, closedMs: s.closedAt === null ? null : d.storyClosed[j]! };
        } else {
          list[at++] = v.openStories[j] ??= { id: s.id, squad: s.squad, openedAt: s.openedAt, closedAt: null, openedMs: opened, closedMs: null };
        }
      }
      if (known === u.stories.length && undone === 0) v.allStories = list;
      stories = list;
    }
    let gates: ForecastGateEvent[] | null = [];
    for (let j = 0; j < u.gates.length; j++) {
      const g = u.gates[j]!;
      if (before(d.gates[j]!, g.at)) gates.push((v.gates[j] ??= { gate: g.gate, action: g.action, at: g.at, atMs: d.gates[j]! }));
    }
    if (gates.length === u.gates.length) {
      v.allGates ??= gates;
      gates = null;
    }
    const view: ForecastUseCase = {
      id: u.id,
      title: u.title,
      priority: u.priority,
      squad: u.squad,
      deadline: u.deadline,
      filedAt: u.filedAt,
      filedMs: d.filed,
      acceptanceCriteria: u.acceptanceCriteria,
      stories,
      gates: gates ?? v.allGates!,
    };
    if (before(d.split, u.splitAt)) {
      view.splitAt = u.splitAt;
      view.splitMs = d.split;
    }
    if (before(d.deployed, u.deployedAt)) view.deployedAt = u.deployedAt;
    // A close is only known once it happened; a closed issue with no close time is taken as closed all along.
    if (u.state === "closed" && (u.closedAt === undefined || u.closedAt === null || before(d.closed, u.closedAt))) {
      view.state = "closed";
      if (u.closedAt) view.closedAt = u.closedAt;
    } else view.state = "open";
    if (d.latest <= now) v.whole = view;
    useCases.push(view);
  }
  return { squads: input.squads, useCases, governance: input.governance };
}

/** Locale-independent id order (localeCompare varies by ICU build; a forecast must not). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

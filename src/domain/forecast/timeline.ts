import { idOrder } from "../snapshot/id-order.js";
import { compareIds, endOfDay, ms, type ForecastInput, type ForecastUseCase } from "./input.js";

/**
 * A portfolio's history as flat arrays, built once per snapshot: every date parsed once, every story and gate event of
 * every use case in one typed array each. The forecast asks its "as of t" questions of this (history.ts) instead of
 * copying the snapshot cut at t: the backtest asks at half a dozen instants, and building a cut copy of ten thousand
 * use cases per instant was most of its cost (ADR 0035). Nothing here is cut: every reader compares each time with
 * its instant, so nothing after it can leak in (test/domain/forecast/timeline.test.ts checks every figure against an
 * input cut by hand). It is the report's one parse of the snapshot's history: the KPIs' gate walk and the report's
 * current gate read its gate events too (ADR 0036).
 *
 * Absent dates are NaN, so "known at t" is `x <= t` throughout (NaN fails every comparison). A present date that does
 * not parse throws here, once, naming it.
 */
export interface Timeline {
  useCases: readonly ForecastUseCase[];
  /** Use-case indexes in id order (stable for equal ids): the order forecasts list, seed and sample them in. */
  byId: Int32Array;
  /** rank[i]: use case i's position in id order (byId's inverse). */
  rank: Int32Array;
  /** Priority (1 = highest) and number of acceptance criteria, read without touching the use-case objects. */
  priority: Float64Array;
  criteria: Int32Array;
  filed: Float64Array;
  /** `splitAt` when the snapshot recorded it. */
  split: Float64Array;
  deployed: Float64Array;
  /** `closedAt` of a use case closed without deploying (or of any closed issue); NaN when closed with no time. */
  closed: Float64Array;
  /** The issue is closed (`state: "closed"`): cancelled once `closed` has passed, or all along when it has no time. */
  closedState: Uint8Array;
  /** Last instant of the deadline day. */
  deadlineEnd: Float64Array;
  /** Owning squad (index into `squadIds`). */
  owner: Int32Array;
  /**
   * The latest time of anything about the use case (filing, split, deployment, close, every story's opening and
   * close, every gate event): from then on it reads the same as of any instant, so its history figures can be kept.
   */
  settled: Float64Array;
  /**
   * From when its gate overheads read as they finally do: its filing, its last gate event, and the opening of any
   * story recorded as closed before it was opened (the only story that could change one later). Usually long before
   * `settled`: stories keep moving while the gates stand still.
   */
  gatesSettled: Float64Array;
  /** Use case i's stories are story indexes storyFrom[i] … storyFrom[i + 1] − 1, in snapshot order. */
  storyFrom: Int32Array;
  opened: Float64Array;
  /** NaN while open. */
  storyClosed: Float64Array;
  storySquad: Int32Array;
  /** Use case i's gate events are gateFrom[i] … gateFrom[i + 1] − 1, in time order (stable). */
  gateFrom: Int32Array;
  gateAt: Float64Array;
  /** Index into `gateIds`. */
  gate: Int32Array;
  /** 1 for "passed", 0 for "reverted". */
  passed: Uint8Array;
  gateIds: string[];
  /** Every squad listed or referenced (owner or story), sorted. */
  squadIds: string[];
  /** When each squad is first known: −∞ if listed, else its first use case's filing or story's opening (if later). */
  squadSince: Float64Array;
}

/** Up to this many distinct gate ids, an event's gate is found by scanning them. */
const SCANNED_GATES = 24;

/** Built once per use-case list (immutable by contract), so a report's forecast and its backtest share it. */
const timelines = new WeakMap<readonly ForecastUseCase[], Timeline>();

export function timelineOf(input: ForecastInput): Timeline {
  let timeline = timelines.get(input.useCases);
  if (!timeline) timelines.set(input.useCases, (timeline = buildTimeline(input)));
  return timeline;
}

/** Epoch ms of a present date, NaN when absent; a present one that does not parse throws (see `ms`). */
function optional(iso: string | null | undefined): number {
  return iso === null || iso === undefined ? Number.NaN : ms(iso);
}

function buildTimeline(input: ForecastInput): Timeline {
  const { useCases } = input;
  const n = useCases.length;
  let stories = 0;
  let events = 0;
  for (let i = 0; i < n; i++) {
    stories += useCases[i]!.stories.length;
    events += useCases[i]!.gates.length;
  }

  // Squads: listed ones first (known all along), then every reference, interned to indexes sorted by id below.
  const squadIndex = new Map<string, number>();
  const since: number[] = [];
  const intern = (id: string, at: number): number => {
    let s = squadIndex.get(id);
    if (s === undefined) {
      squadIndex.set(id, (s = since.length));
      since.push(at);
    } else if (at < since[s]!) since[s] = at;
    return s;
  };
  for (const squad of input.squads) intern(squad.id, Number.NEGATIVE_INFINITY);
  const gateIds: string[] = [];
  // A pipeline has a handful of gates: their ids are scanned (no hash lookup per event), up to a few dozen.
  const gateIndex = new Map<string, number>();
  const gateOf = (id: string): number => {
    if (gateIds.length <= SCANNED_GATES) {
      for (let g = 0; g < gateIds.length; g++) if (gateIds[g] === id) return g;
    } else {
      const g = gateIndex.get(id);
      if (g !== undefined) return g;
    }
    gateIndex.set(id, gateIds.length);
    return gateIds.push(id) - 1;
  };

  const t: Timeline = {
    useCases,
    byId: idOrder(useCases),
    rank: new Int32Array(n),
    priority: new Float64Array(n),
    criteria: new Int32Array(n),
    filed: new Float64Array(n),
    split: new Float64Array(n),
    deployed: new Float64Array(n),
    closed: new Float64Array(n),
    closedState: new Uint8Array(n),
    deadlineEnd: new Float64Array(n),
    owner: new Int32Array(n),
    settled: new Float64Array(n),
    gatesSettled: new Float64Array(n),
    storyFrom: new Int32Array(n + 1),
    opened: new Float64Array(stories),
    storyClosed: new Float64Array(stories),
    storySquad: new Int32Array(stories),
    gateFrom: new Int32Array(n + 1),
    gateAt: new Float64Array(events),
    gate: new Int32Array(events),
    passed: new Uint8Array(events),
    gateIds,
    squadIds: [],
    squadSince: new Float64Array(0),
  };
  let story = 0;
  let event = 0;
  for (let i = 0; i < n; i++) {
    const u = useCases[i]!;
    const filed = ms(u.filedAt);
    t.filed[i] = filed;
    t.split[i] = optional(u.splitAt);
    t.deployed[i] = optional(u.deployedAt);
    t.closed[i] = optional(u.closedAt);
    t.closedState[i] = u.state === "closed" ? 1 : 0;
    t.priority[i] = u.priority;
    t.criteria[i] = u.acceptanceCriteria.length;
    t.deadlineEnd[i] = endOfDay(u.deadline);
    t.owner[i] = intern(u.squad, filed);
    t.storyFrom[i] = story;
    // A use case's stories mostly sit with one squad: a repeat is compared, not looked up (a hash lookup per story
    // of a large portfolio is measurable; every story's squad is its own string).
    let lastSquad = "";
    let lastIndex = -1;
    for (let j = 0; j < u.stories.length; j++, story++) {
      const s = u.stories[j]!;
      const opened = ms(s.openedAt);
      t.opened[story] = opened;
      t.storyClosed[story] = optional(s.closedAt);
      // A story is known once both it and its use case are.
      const known = Math.max(filed, opened);
      if (lastIndex >= 0 && s.squad === lastSquad && known >= since[lastIndex]!) t.storySquad[story] = lastIndex;
      else t.storySquad[story] = lastIndex = intern((lastSquad = s.squad), known);
    }
    // Gate events in time order (stable): snapshots list them so already, which is checked before sorting.
    t.gateFrom[i] = event;
    let sorted = true;
    for (let j = 0; j < u.gates.length; j++) {
      t.gateAt[event + j] = ms(u.gates[j]!.at);
      if (j > 0 && t.gateAt[event + j]! < t.gateAt[event + j - 1]!) sorted = false;
    }
    const at = sorted ? null : t.gateAt.slice(event, event + u.gates.length);
    const order = at === null ? null : [...u.gates.keys()].sort((a, b) => at[a]! - at[b]! || a - b);
    for (let j = 0; j < u.gates.length; j++, event++) {
      const k = order === null ? j : order[j]!;
      const e = u.gates[k]!;
      if (at !== null) t.gateAt[event] = at[k]!;
      t.gate[event] = gateOf(e.gate);
      t.passed[event] = e.action === "passed" ? 1 : 0;
    }
  }
  t.storyFrom[n] = story;
  t.gateFrom[n] = event;
  for (let i = 0; i < n; i++) {
    t.settled[i] = latestOf(t, i);
    t.gatesSettled[i] = gatesSettledOf(t, i);
  }
  for (let k = 0; k < n; k++) t.rank[t.byId[k]!] = k;

  // Squad indexes in id order, so that index order is the squads' sort order everywhere downstream.
  const interned = [...squadIndex.keys()];
  const sorted = interned.map((_, s) => s).sort((a, b) => compareIds(interned[a]!, interned[b]!));
  const rank = new Int32Array(interned.length);
  sorted.forEach((s, r) => (rank[s] = r));
  t.squadIds = sorted.map((s) => interned[s]!);
  t.squadSince = Float64Array.from(sorted, (s) => since[s]!);
  for (let i = 0; i < n; i++) t.owner[i] = rank[t.owner[i]!]!;
  for (let j = 0; j < stories; j++) t.storySquad[j] = rank[t.storySquad[j]!]!;
  return t;
}

/** The latest present time about use case i (absent ones are NaN and never win a comparison). */
function latestOf(t: Timeline, i: number): number {
  // Math.max would let a NaN (absent) win: compared one by one instead (no closure either: ten thousand calls).
  let latest = t.filed[i]!;
  if (t.split[i]! > latest) latest = t.split[i]!;
  if (t.deployed[i]! > latest) latest = t.deployed[i]!;
  if (t.closed[i]! > latest) latest = t.closed[i]!;
  for (let j = t.storyFrom[i]!; j < t.storyFrom[i + 1]!; j++) {
    if (t.opened[j]! > latest) latest = t.opened[j]!;
    if (t.storyClosed[j]! > latest) latest = t.storyClosed[j]!;
  }
  for (let e = t.gateFrom[i]!; e < t.gateFrom[i + 1]!; e++) if (t.gateAt[e]! > latest) latest = t.gateAt[e]!;
  return latest;
}

/** See Timeline.gatesSettled. */
function gatesSettledOf(t: Timeline, i: number): number {
  let latest = t.filed[i]!;
  for (let e = t.gateFrom[i]!; e < t.gateFrom[i + 1]!; e++) if (t.gateAt[e]! > latest) latest = t.gateAt[e]!;
  for (let j = t.storyFrom[i]!; j < t.storyFrom[i + 1]!; j++) {
    if (t.storyClosed[j]! < t.opened[j]! && t.opened[j]! > latest) latest = t.opened[j]!;
  }
  return latest;
}

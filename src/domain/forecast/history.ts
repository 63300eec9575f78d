import { DAY_MS, WEEK_MS } from "./input.js";
import { Float64List } from "../number-list.js";
import type { Timeline } from "./timeline.js";

/**
 * Everything the forecast learns from the past, each as it was known at `now` (nothing later is read): which squads
 * exist, weekly throughput per squad, stories per acceptance criterion, scope growth after splitting, and the time
 * gates add beyond the work. Plain index loops over the timeline's arrays: these run over every story of the portfolio
 * once per forecast and once per backtest replay.
 *
 * Squads are the timeline's indexes (sorted by id); use cases its indexes into the snapshot's list.
 */

/** Filed by `now`: the use case exists in the forecast's view. */
export function isFiled(t: Timeline, i: number, now: number): boolean {
  return t.filed[i]! <= now;
}

export function isDeployed(t: Timeline, i: number, now: number): boolean {
  return t.deployed[i]! <= now;
}

/** Closed without deploying by `now` (cancelled); a closed issue with no close time counts as closed all along. */
export function isCancelled(t: Timeline, i: number, now: number): boolean {
  return t.closedState[i] === 1 && !isDeployed(t, i, now) && (Number.isNaN(t.closed[i]!) || t.closed[i]! <= now);
}

/** Filed, not deployed, not cancelled: the use cases the forecast is about. */
export function isInFlight(t: Timeline, i: number, now: number): boolean {
  return isFiled(t, i, now) && !isDeployed(t, i, now) && !isCancelled(t, i, now);
}

/** Squads known at `now`: listed ones and every one referenced by then. `local[s]` is squad s's position, −1 if unknown. */
export function squadsKnown(t: Timeline, now: number): { ids: string[]; local: Int32Array } {
  const local = new Int32Array(t.squadIds.length).fill(-1);
  const ids: string[] = [];
  for (let s = 0; s < t.squadIds.length; s++) if (t.squadSince[s]! <= now) local[s] = ids.push(t.squadIds[s]!) - 1;
  return { ids, local };
}

/**
 * Stories closed per week for each known squad (rows by `local` position), oldest week first, zero weeks included.
 * Week w ends at now − (n−1−w) weeks.
 */
export function weeklyThroughput(t: Timeline, now: number, weeks: number, local: Int32Array, count: number): Float64Array {
  const rows = new Float64Array(count * weeks); // squad s's weeks at s × weeks … (s + 1) × weeks − 1
  const start = now - weeks * WEEK_MS;
  for (let i = 0; i < t.useCases.length; i++) {
    if (!isFiled(t, i, now)) continue;
    for (let j = t.storyFrom[i]!; j < t.storyFrom[i + 1]!; j++) {
      const c = t.storyClosed[j]!;
      // (start, now] split into `weeks` half-open weeks (…, end]: a close exactly at `now` is in the last week.
      if (!(c > start && c <= now) || !(t.opened[j]! <= now)) continue;
      const week = Math.min(weeks - 1, Math.ceil((c - start) / WEEK_MS) - 1);
      rows[local[t.storySquad[j]!]! * weeks + week]!++;
    }
  }
  return rows;
}

/** When use case i was split as known at `now`: `splitAt`, or its first story if the snapshot did not record it. */
export function splitTime(t: Timeline, i: number, now: number): number | undefined {
  if (t.split[i]! <= now) return t.split[i]!;
  let first = Number.POSITIVE_INFINITY;
  for (let j = t.storyFrom[i]!; j < t.storyFrom[i + 1]!; j++) if (t.opened[j]! <= now && t.opened[j]! < first) first = t.opened[j]!;
  return first === Number.POSITIVE_INFINITY ? undefined : first;
}

/** Stories created in the first day after the split are the split itself; later ones are scope growth. */
export const SPLIT_GRACE_MS = DAY_MS;

/**
 * Each squad's share of a use case's stories known at `now`, by squad (timeline index, ascending): open then, all of
 * them, and those right after the split. One reused set of arrays: plans ask this of every in-flight use case at
 * every replay, and a list of share objects each was a measurable share of the backtest's garbage.
 */
export class SquadShares {
  count = 0;
  squad = new Int32Array(4);
  open = new Int32Array(4);
  current = new Int32Array(4);
  initial = new Int32Array(4);

  /** Row of `squad`, added (zeroed) if new. */
  rowOf(squad: number): number {
    for (let k = 0; k < this.count; k++) if (this.squad[k] === squad) return k;
    if (this.count === this.squad.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(2 * a.length);
        b.set(a);
        return b;
      };
      this.squad = grow(this.squad);
      this.open = grow(this.open);
      this.current = grow(this.current);
      this.initial = grow(this.initial);
    }
    const k = this.count++;
    this.squad[k] = squad;
    this.open[k] = 0;
    this.current[k] = 0;
    this.initial[k] = 0;
    return k;
  }

  /** Rows in squad order (a use case has a handful of squads at most: insertion sort). */
  sortBySquad(): void {
    for (let i = 1; i < this.count; i++) {
      for (let k = i; k > 0 && this.squad[k - 1]! > this.squad[k]!; k--) {
        for (const a of [this.squad, this.open, this.current, this.initial]) {
          const x = a[k]!;
          a[k] = a[k - 1]!;
          a[k - 1] = x;
        }
      }
    }
  }
}

/** Use case i's stories known at `now`, per squad (in squad id order), in one pass, into `out`. */
export function sharesBySquad(t: Timeline, i: number, now: number, out: SquadShares): void {
  out.count = 0;
  const from = t.storyFrom[i]!;
  const to = t.storyFrom[i + 1]!;
  if (from === to) return;
  const split = splitTime(t, i, now);
  const cutoff = split === undefined ? Number.NEGATIVE_INFINITY : split + SPLIT_GRACE_MS;
  let row = -1;
  for (let j = from; j < to; j++) {
    const opened = t.opened[j]!;
    if (!(opened <= now)) continue;
    const squad = t.storySquad[j]!;
    // A use case's stories mostly sit with one squad: the same row as the last story's, else found or added.
    if (row < 0 || out.squad[row] !== squad) row = out.rowOf(squad);
    out.current[row]!++;
    if (!(t.storyClosed[j]! <= now)) out.open[row]!++;
    if (opened <= cutoff) out.initial[row]!++;
  }
  if (out.count > 1) out.sortBySquad();
}

/** Stories known at `now` and how many of them were created by the split (all squads). */
function storyCounts(t: Timeline, i: number, now: number): { current: number; initial: number } {
  const split = splitTime(t, i, now);
  const cutoff = split === undefined ? Number.NEGATIVE_INFINITY : split + SPLIT_GRACE_MS;
  let current = 0;
  let initial = 0;
  for (let j = t.storyFrom[i]!; j < t.storyFrom[i + 1]!; j++) {
    if (!(t.opened[j]! <= now)) continue;
    current++;
    if (t.opened[j]! <= cutoff) initial++;
  }
  return { current, initial };
}

/**
 * Stories per acceptance criterion of use cases deployed by `now` (their scope is final), per owning squad (timeline
 * index) and org-wide, in id order. Used to estimate use cases not split yet. Also: total stories / stories at split
 * of the same use cases: how much scope grew after splitting.
 */
export function deployedScope(t: Timeline, now: number): { bySquad: Map<number, number[]>; org: number[]; growth: number[] } {
  const bySquad = new Map<number, number[]>();
  const org: number[] = [];
  const growth: number[] = [];
  const kept = keptScope(t);
  for (let k = 0; k < t.byId.length; k++) {
    const i = t.byId[k]!;
    if (!isFiled(t, i, now) || !isDeployed(t, i, now)) continue;
    let ratio: number;
    let grew: number;
    if (kept.known[i] === 1 && t.settled[i]! <= now) {
      ratio = kept.ratio[i]!;
      grew = kept.growth[i]!;
    } else {
      const { current, initial } = storyCounts(t, i, now);
      const criteria = t.criteria[i]!;
      grew = initial > 0 ? current / initial : Number.NaN;
      ratio = current > 0 && criteria > 0 ? current / criteria : Number.NaN;
      if (t.settled[i]! <= now) {
        kept.ratio[i] = ratio;
        kept.growth[i] = grew;
        kept.known[i] = 1;
      }
    }
    if (!Number.isNaN(grew)) growth.push(grew);
    if (Number.isNaN(ratio)) continue;
    org.push(ratio);
    const own = bySquad.get(t.owner[i]!);
    if (own) own.push(ratio);
    else bySquad.set(t.owner[i]!, [ratio]);
  }
  return { bySquad, org, growth };
}

/**
 * History figures of settled use cases (nothing about them after the instant asked), kept per timeline: they read the
 * same as of every later instant, and the backtest asks at half a dozen. NaN: the use case gives no such figure.
 */
interface KeptScope {
  known: Uint8Array;
  ratio: Float64Array;
  growth: Float64Array;
}

const keptScopes = new WeakMap<Timeline, KeptScope>();

function keptScope(t: Timeline): KeptScope {
  let kept = keptScopes.get(t);
  if (!kept) {
    const n = t.useCases.length;
    kept = { known: new Uint8Array(n), ratio: new Float64Array(n), growth: new Float64Array(n) };
    keptScopes.set(t, kept);
  }
  return kept;
}

/**
 * Current pass time of each pipeline gate as known at `now` (the last "passed" not followed by a "reverted", replaying
 * events in time order) into `out[slot]`, NaN where not passed; `slotOf[timeline gate]` is −1 for gates outside the
 * pipeline (ignored). Returns whether any gate is passed.
 */
export function gatePasses(t: Timeline, i: number, now: number, slotOf: Int32Array, out: Float64Array): boolean {
  out.fill(Number.NaN);
  for (let e = t.gateFrom[i]!; e < t.gateFrom[i + 1]!; e++) {
    const at = t.gateAt[e]!;
    if (!(at <= now)) break; // in time order: the rest are later too
    const slot = slotOf[t.gate[e]!]!;
    if (slot >= 0) out[slot] = t.passed[e] === 1 ? at : Number.NaN;
  }
  let any = false;
  for (let g = 0; g < out.length; g++) if (!Number.isNaN(out[g]!)) any = true;
  return any;
}

/**
 * Position in the pipeline of the last gate passed as of `now` (passed, not reverted since; a pipeline listing an id
 * twice counts its later position), −1 if none: the gate the report shows a use case at. `passedAt` is scratch with a
 * slot per pipeline gate.
 */
export function lastPassedGate(t: Timeline, i: number, now: number, lookup: PipelineLookup, passedAt: Float64Array): number {
  const left = gatesLeftKey(t, i, now, lookup);
  if (left >= 0) return 31 - Math.clz32(~left & (2 ** lookup.position.length - 1)); // the highest position passed
  if (!gatePasses(t, i, now, lookup.slotOf, passedAt)) return -1;
  for (let g = lookup.position.length - 1; g >= 0; g--) if (!Number.isNaN(passedAt[lookup.position[g]!]!)) return g;
  return -1;
}

/**
 * Where gatePasses puts each gate: `slotOf[timeline gate]` is the gate's slot (the first position, if a pipeline
 * repeated an id; −1 outside the pipeline), and `position[g]` is the slot of the pipeline's g-th gate. One per
 * (timeline, pipeline), so it also keeps the gate overheads of settled use cases (see gateTimeSamples).
 */
export interface PipelineLookup {
  slotOf: Int32Array;
  position: Int32Array;
  /** @internal Made on first use: every use case's final overhead samples (pipeline position, days) and when it settled. */
  settled?: GateSampleList;
  /** @internal Made on first use: see gatesLeftKey. */
  leftAfter?: Int32Array;
}

/**
 * Which pipeline gates use case i has left as of `now`, as bits (bit g set: the g-th gate is not passed), for a
 * pipeline of at most 30 gates (`gatesLeftKey` returns −1 for a longer one). Gate state is a function of the events up
 * to `now` (in time order), so the key after each event is worked out once per timeline and pipeline (every replay of
 * the backtest asks again for thousands of use cases) and read here for the last event at or before `now`.
 */
export function gatesLeftKey(t: Timeline, i: number, now: number, lookup: PipelineLookup): number {
  const gates = lookup.position.length;
  if (gates > 30) return -1;
  const leftAfter = (lookup.leftAfter ??= leftAfterEachEvent(t, lookup));
  let last = -1;
  for (let e = t.gateFrom[i]!; e < t.gateFrom[i + 1]!; e++) {
    if (!(t.gateAt[e]! <= now)) break; // in time order: the rest are later too
    last = e;
  }
  return last < 0 ? 2 ** gates - 1 : leftAfter[last]!;
}

function leftAfterEachEvent(t: Timeline, lookup: PipelineLookup): Int32Array {
  const { slotOf, position } = lookup;
  const out = new Int32Array(t.gateAt.length);
  const passed = new Uint8Array(position.length); // per slot: passed, not reverted since
  for (let i = 0; i < t.useCases.length; i++) {
    passed.fill(0);
    for (let e = t.gateFrom[i]!; e < t.gateFrom[i + 1]!; e++) {
      const slot = slotOf[t.gate[e]!]!;
      if (slot >= 0) passed[slot] = t.passed[e]!;
      let key = 0;
      for (let g = 0; g < position.length; g++) if (passed[position[g]!] === 0) key += 1 << g;
      out[e] = key;
    }
  }
  return out;
}

const lookups = new WeakMap<Timeline, WeakMap<ReadonlyArray<{ id: string }>, PipelineLookup>>();

export function pipelineLookup(t: Timeline, pipeline: ReadonlyArray<{ id: string }>): PipelineLookup {
  let byPipeline = lookups.get(t);
  if (!byPipeline) lookups.set(t, (byPipeline = new WeakMap()));
  let lookup = byPipeline.get(pipeline);
  if (!lookup) {
    const index = new Map<string, number>();
    pipeline.forEach((g, i) => {
      if (!index.has(g.id)) index.set(g.id, i);
    });
    lookup = { slotOf: Int32Array.from(t.gateIds, (id) => index.get(id) ?? -1), position: Int32Array.from(pipeline, (g) => index.get(g.id)!) };
    byPipeline.set(pipeline, lookup);
  }
  return lookup;
}

/**
 * Gate time as it happens (ADR 0130): each passed gate's span, from the later of (the previous gate's pass, filing) to
 * its pass, split by where it lies against the use case's work: before the work started (the split), alongside it,
 * and after its last story closed. Only the part after the work delays a use case whose work is simulated (the
 * throughput covers the rest: a review running while the last stories close costs nothing extra); a use case not
 * split yet also waits for the part before its work (its estimated work is queued from now). The overlap is fitted
 * per gate and per use case from the timeline, not a constant: `afterWork[g]` and `outsideWork[g]` (before + after)
 * are the day samples of the pipeline's g-th gate, one per (use case, pass) as known at `now`.
 *
 * As known at `now`: a gate passed while a story is still open lies wholly before the work's end (nothing after it);
 * a use case with no story yet has not started its work (all of a passed gate lies before it).
 */
export interface GateTimeSamples {
  afterWork: Float64Array[];
  outsideWork: Float64Array[];
  /** Per gate: total days of its spans, and of the parts alongside the work (the fitted overlap is their ratio). */
  spanDays: Float64Array;
  overlapDays: Float64Array;
}

/**
 * The samples are a multiset (gate time is their exact sum distribution, which no order changes), so each use case's
 * final samples are computed once, and each of the backtest's replays takes those whose use case had settled by its
 * instant (Timeline.settled: story closes move the work's end, so the gates standing still is not enough) plus the
 * samples of the use cases still moving then.
 */
export function gateTimeSamples(t: Timeline, now: number, lookup: PipelineLookup): GateTimeSamples {
  const settled = (lookup.settled ??= settledGateDays(t, lookup));
  const gates = lookup.position.length;
  const fresh = new GateSampleList();
  const passedAt = new Float64Array(gates);
  for (let i = 0; i < t.useCases.length; i++) {
    if (isFiled(t, i, now) && !(settled.useCaseAt[i]! <= now)) gateSpansOf(t, i, now, lookup, passedAt, fresh);
  }
  const count = new Int32Array(gates);
  const spanDays = new Float64Array(gates);
  const overlapDays = new Float64Array(gates);
  const tally = (list: GateSampleList, x: number) => {
    const g = list.gate.values[x]!;
    count[g]!++;
    spanDays[g] = spanDays[g]! + list.span.values[x]!;
    overlapDays[g] = overlapDays[g]! + list.span.values[x]! - list.before.values[x]! - list.after.values[x]!;
  };
  for (let x = 0; x < fresh.gate.length; x++) tally(fresh, x);
  for (let x = 0; x < settled.gate.length; x++) if (settled.at.values[x]! <= now) tally(settled, x);
  const afterWork = Array.from(count, (n) => new Float64Array(n));
  const outsideWork = Array.from(count, (n) => new Float64Array(n));
  const filled = new Int32Array(gates);
  const put = (list: GateSampleList, x: number) => {
    const g = list.gate.values[x]!;
    afterWork[g]![filled[g]!] = list.after.values[x]!;
    outsideWork[g]![filled[g]!++] = list.before.values[x]! + list.after.values[x]!;
  };
  for (let x = 0; x < fresh.gate.length; x++) put(fresh, x);
  for (let x = 0; x < settled.gate.length; x++) if (settled.at.values[x]! <= now) put(settled, x);
  return { afterWork, outsideWork, spanDays, overlapDays };
}

/** Gate spans as columns (pipeline position, days of the span, before the work, after it, and when final). */
class GateSampleList {
  readonly gate = new Float64List();
  readonly span = new Float64List();
  readonly before = new Float64List();
  readonly after = new Float64List();
  readonly at = new Float64List();
  when = 0;
  /** Per use case: from when its spans read as they finally do (see settledGateDays). */
  useCaseAt = new Float64Array(0);

  push(g: number, span: number, before: number, after: number): void {
    this.gate.push(g);
    this.span.push(span);
    this.before.push(before);
    this.after.push(after);
    this.at.push(this.when);
  }
}

/**
 * Every use case's final spans, with the time they became final. That is Timeline.settled in general (a story closing
 * moves the work's end), but usually much earlier: once its gates stand still (Timeline.gatesSettled) while one of its
 * stories is open and its split is known, every passed gate lies before the work's end for good (that story closes
 * later still) and its part before the split cannot change either. Most in-flight use cases are in that state, and
 * the backtest asks at half a dozen instants.
 */
function settledGateDays(t: Timeline, lookup: PipelineLookup): GateSampleList {
  const list = new GateSampleList();
  const passedAt = new Float64Array(lookup.position.length);
  list.useCaseAt = new Float64Array(t.useCases.length);
  for (let i = 0; i < t.useCases.length; i++) {
    list.when = settledSpansAt(t, i);
    list.useCaseAt[i] = list.when;
    gateSpansOf(t, i, list.when, lookup, passedAt, list);
  }
  return list;
}

function settledSpansAt(t: Timeline, i: number): number {
  const gates = t.gatesSettled[i]!;
  const split = t.split[i]!;
  if (!Number.isNaN(split) && !(split <= gates)) return t.settled[i]!; // the recorded split is still to come
  for (let j = t.storyFrom[i]!; j < t.storyFrom[i + 1]!; j++) {
    if (t.opened[j]! <= gates && !(t.storyClosed[j]! <= gates)) return gates; // open then: the work ends later
  }
  return t.settled[i]!;
}

/** Use case i's gate spans as known at `now`, in days, split against its work (see GateTimeSamples). */
function gateSpansOf(t: Timeline, i: number, now: number, lookup: PipelineLookup, passedAt: Float64Array, out: GateSampleList): void {
  const { slotOf, position } = lookup;
  if (!gatePasses(t, i, now, slotOf, passedAt)) return;
  // The work as known at now: from the split to the last story's close; "not ended" while a story is open (or none
  // exists yet: the work has not started).
  let stories = 0;
  let open = false;
  let workEnd = Number.NEGATIVE_INFINITY;
  for (let j = t.storyFrom[i]!; j < t.storyFrom[i + 1]!; j++) {
    if (!(t.opened[j]! <= now)) continue;
    stories++;
    const c = t.storyClosed[j]!;
    if (!(c <= now)) open = true;
    else if (c > workEnd) workEnd = c;
  }
  const split = splitTime(t, i, now);
  let workStart = split ?? Number.POSITIVE_INFINITY;
  if (open) workEnd = Number.POSITIVE_INFINITY;
  else if (stories === 0) {
    // No story: the work has not started, unless the use case deployed without any (then there was none to overlap).
    workStart = workEnd = isDeployed(t, i, now) ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  for (let g = 0; g < position.length; g++) {
    const pass = passedAt[position[g]!]!;
    if (Number.isNaN(pass)) continue;
    let from = t.filed[i]!;
    for (let earlier = 0; earlier < g; earlier++) {
      const at = passedAt[position[earlier]!]!;
      if (at <= pass && at > from) from = at; // NaN (not passed) fails both comparisons
    }
    const span = Math.max(0, pass - from);
    const before = Math.max(0, Math.min(pass, workStart) - from);
    const after = Math.max(0, pass - Math.max(from, workEnd));
    out.push(g, span / DAY_MS, Math.min(before, span - after) / DAY_MS, after / DAY_MS);
  }
}

/**
 * Days (fractional) use case i has already spent, as of `now`, in the modelled part of its g-th pipeline gate (the
 * first it has left): the gate's span starts at the later of filing and the last earlier pass. Split (`outsideWork`
 * false): only what lies after the work counts, so −1 (not in it yet) while a story is open or none exists, else the
 * time since the later of that start and the last close. Not split (`outsideWork` true): all of it lies before the
 * work, so the time since the start. The forecast draws that gate's rest from the history's spans longer than this
 * (ADR 0130), not from spans that would already have ended, and counts it from now (ADR 0133).
 */
export function gateElapsedDays(t: Timeline, i: number, now: number, lookup: PipelineLookup, g: number, passedAt: Float64Array, outsideWork: boolean): number {
  gatePasses(t, i, now, lookup.slotOf, passedAt);
  let from = t.filed[i]!;
  for (let earlier = 0; earlier < g; earlier++) {
    const at = passedAt[lookup.position[earlier]!]!;
    if (at > from) from = at; // NaN (not passed) fails
  }
  if (!outsideWork) {
    let stories = 0;
    for (let j = t.storyFrom[i]!; j < t.storyFrom[i + 1]!; j++) {
      if (!(t.opened[j]! <= now)) continue;
      stories++;
      const c = t.storyClosed[j]!;
      if (!(c <= now)) return -1; // the work is still going: the gate's modelled part starts after it
      if (c > from) from = c;
    }
    if (stories === 0) return -1;
  }
  return Math.max(0, (now - from) / DAY_MS);
}

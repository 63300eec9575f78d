import type { UseCase } from "../snapshot/schema.js";
import { parseIsoMs } from "../values/dates.js";

/**
 * Gate timelines from the label history (issue 4). A use case waits for the gate after the furthest gate whose label
 * it currently carries (labels of optional gates it skipped do not block it). Walking the labeled/unlabeled events in
 * time order gives, for each gate, the total time spent waiting for it:
 * - a label removed and re-added sends the use case back to waiting for that gate, and the time before it was
 *   re-added counts again for that gate (the time it briefly carried the label counts for the next gate);
 * - the clock runs only while the issue is open: a label added after the issue was closed ends the wait at closing
 *   time, not when the label was added;
 * - a gate passed in the same instant it became due (several labels added together, a label removed and re-added at
 *   once) was not waited for and is not a sample.
 *
 * The walk reads events as columns (`GateColumns`): the KPIs read them straight from the snapshot's timeline (every
 * date parsed once for the whole report, forecast/timeline.ts); `gateTimeline` makes them from one use case's events.
 * Pipeline gate ids are unique (the snapshot schema refuses a repeat).
 */

const DAY_MS = 86_400_000;

export interface GateTimeline {
  /** Milliseconds spent waiting for each gate (only gates the use case waited for). */
  waitedMs: Map<string, number>;
  /** Gates whose wait is over: passed (or passed over), as of the end of the history. */
  completed: Set<string>;
  /** Gate it waits for now, with the start of the current continuous wait; null when all gates are passed. */
  current: { gate: string; sinceMs: number } | null;
  /** Index in the pipeline of the furthest gate whose label it carries now, -1 if none. */
  furthest: number;
}

export function gateTimeline(useCase: Pick<UseCase, "gates" | "filedAt" | "closedAt" | "state">, pipeline: readonly string[], nowMs: number): GateTimeline {
  const columns = gateColumns(timedGateEvents(useCase.gates, nowMs), pipelineIndex(pipeline));
  const walk = new GateWalk(pipeline.length);
  walk.run(columns, 0, columns.at.length, parseIsoMs(useCase.filedAt), closedOf(useCase), nowMs);
  const waitedMs = new Map<string, number>();
  const completed = new Set<string>();
  walk.forEachWait((position, ms) => waitedMs.set(pipeline[position]!, ms));
  walk.forEachCompleted((position) => completed.add(pipeline[position]!));
  return { waitedMs, completed, current: walk.current < 0 ? null : { gate: pipeline[walk.current]!, sinceMs: walk.since }, furthest: walk.furthest };
}

/** A gate event with its time parsed. */
export interface TimedGateEvent {
  gate: string;
  action: "passed" | "reverted";
  ms: number;
}

/**
 * The gate events up to `nowMs`, oldest first (ties keep their recorded order), each date parsed once. Histories are
 * almost always recorded in time order, so they are only sorted when they need it.
 */
export function timedGateEvents(gates: UseCase["gates"], nowMs: number): TimedGateEvent[] {
  const events: TimedGateEvent[] = [];
  let ordered = true;
  for (const e of gates) {
    const ms = parseIsoMs(e.at);
    if (!(ms <= nowMs)) continue; // also drops an unparsable date (NaN), as filtering on `ms <= nowMs` does
    if (events.length > 0 && ms < events[events.length - 1]!.ms) ordered = false;
    events.push({ gate: e.gate, action: e.action, ms });
  }
  if (!ordered) events.sort((a, b) => a.ms - b.ms); // stable: ties keep their recorded order
  return events;
}

/** Gate id → index in the pipeline. */
export function pipelineIndex(pipeline: readonly string[]): ReadonlyMap<string, number> {
  return new Map(pipeline.map((g, i) => [g, i]));
}

/**
 * Gate events as parallel columns, oldest first: event e is gate `gateIds[gate[e]]`, passed (1) or reverted (0), at
 * `at[e]`; `position[code]` is gate code's index in the pipeline, −1 outside it. The timeline's columns have this shape.
 */
export interface GateColumns {
  gate: ArrayLike<number>;
  passed: ArrayLike<number>;
  at: ArrayLike<number>;
  gateIds: readonly string[];
  position: ArrayLike<number>;
}

/** Columns of one use case's timed events. */
export function gateColumns(events: readonly TimedGateEvent[], index: ReadonlyMap<string, number>): GateColumns {
  const gateIds: string[] = [];
  const gate = events.map((e) => {
    const code = gateIds.indexOf(e.gate);
    return code >= 0 ? code : gateIds.push(e.gate) - 1;
  });
  return {
    gate,
    passed: events.map((e) => (e.action === "passed" ? 1 : 0)),
    at: events.map((e) => e.ms),
    gateIds,
    position: gateIds.map((id) => index.get(id) ?? -1),
  };
}

/**
 * When the issue closed, as the walk needs it: null while open; `closedAt`; else (closed with no date) NaN, read as
 * its last pipeline gate event, else never.
 */
function closedOf(useCase: Pick<UseCase, "closedAt" | "state">): number | null {
  if (useCase.state !== "closed") return null;
  return useCase.closedAt ? parseIsoMs(useCase.closedAt) : Number.NaN;
}

/**
 * One walk over a use case's events, its results in arrays indexed by pipeline position (reused from one use case to
 * the next: the KPIs walk ten thousand histories).
 */
export class GateWalk {
  /** Milliseconds waited for each pipeline gate; meaningful where `kept` is 1. */
  readonly waited: Float64Array;
  /** 1 for each gate it waited for (a gate passed the instant it became due is not kept). */
  readonly kept: Uint8Array;
  /** Pipeline gate it waits for now, −1 when all are passed; `since`: start of the current continuous wait. */
  current = -1;
  since = 0;
  /** Furthest pipeline gate whose label it carries now, −1 if none. */
  furthest = -1;
  /** Positions in the order their waits began (the order waits are listed in). */
  private readonly order: Int32Array;
  private count = 0;
  private readonly present: Uint8Array;

  constructor(private readonly gates: number) {
    this.waited = new Float64Array(gates);
    this.kept = new Uint8Array(gates);
    this.order = new Int32Array(gates);
    this.present = new Uint8Array(gates);
  }

  /**
   * Walk events from…to−1 (in time order, none after `nowMs`). `closed`: null while open, the closing time, or NaN
   * for a closed issue with no recorded time (then its last pipeline event, else never).
   */
  run(c: GateColumns, from: number, to: number, filed: number, closed: number | null, nowMs: number): void {
    const { waited, kept, present, gates } = this;
    kept.fill(0);
    present.fill(0);
    this.count = 0;
    let closedMs = closed;
    if (closedMs !== null && Number.isNaN(closedMs)) {
      closedMs = nowMs;
      for (let e = from; e < to; e++) if (c.position[c.gate[e]!]! >= 0) closedMs = c.at[e]!;
    }
    const openUntil = Math.min(closedMs ?? nowMs, nowMs);
    let furthest = -1;
    let gate = gates > 0 ? 0 : -1; // waiting for the gate after the furthest one carried (none past the last)
    let since = filed;
    let cursor = filed;
    this.track(gate);
    for (let e = from; e < to; e++) {
      const position = c.position[c.gate[e]!]!;
      if (position < 0) continue; // not a gate of this pipeline
      const at = c.at[e]!;
      this.credit(gate, cursor, at, filed, openUntil);
      cursor = Math.max(cursor, at);
      present[position] = c.passed[e]!;
      if (present[position] === 1 && position > furthest) furthest = position;
      else if (position === furthest && present[position] === 0) while (furthest >= 0 && present[furthest] === 0) furthest--;
      const next = furthest + 1 < gates ? furthest + 1 : -1;
      if (next !== gate) {
        gate = next;
        since = Math.max(at, filed);
        this.track(gate);
      }
    }
    this.credit(gate, cursor, nowMs, filed, openUntil);
    // A gate passed in the same instant it became due was not waited for: it is not a sample. Only the gate awaited
    // now may have waited 0 ms so far.
    for (let k = 0; k < this.count; k++) {
      const g = this.order[k]!;
      if (waited[g] === 0 && g !== gate) kept[g] = 0;
    }
    this.current = gate;
    this.since = since;
    this.furthest = furthest;
  }

  /** The open part of [start, end) (after filing, before `openUntil`) counts for `gate`, the gate awaited then. */
  private credit(gate: number, start: number, end: number, filed: number, openUntil: number): void {
    if (gate < 0) return;
    this.track(gate);
    this.waited[gate] = this.waited[gate]! + Math.max(0, Math.min(end, openUntil) - Math.max(start, filed));
  }

  // credit and track are methods, not closures made in run: no allocation per use case.

  /** Starts the wait for `gate` (a pipeline position; −1: none) unless it has one. */
  private track(gate: number): void {
    if (gate >= 0 && this.kept[gate] === 0) {
      this.kept[gate] = 1;
      this.waited[gate] = 0;
      this.order[this.count++] = gate;
    }
  }

  /** Each gate it waited for, in the order the waits began. */
  forEachWait(f: (position: number, ms: number) => void): void {
    this.each(this.gates, f);
  }

  /** Each gate whose wait is over (passed or passed over), in the order the waits began. */
  forEachCompleted(f: (position: number, ms: number) => void): void {
    this.each(this.furthest, f);
  }

  /** Each gate it waited for up to pipeline position `last`, in the order the waits began. */
  private each(last: number, f: (position: number, ms: number) => void): void {
    for (let k = 0; k < this.count; k++) {
      const g = this.order[k]!;
      if (this.kept[g] === 1 && g <= last) f(g, this.waited[g]!);
    }
  }
}

export const msToDays = (ms: number): number => ms / DAY_MS;

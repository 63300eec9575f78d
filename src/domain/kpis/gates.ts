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
  return timelineOf(useCase, timedGateEvents(useCase.gates, nowMs), pipelineIndex(pipeline), pipeline, nowMs);
}

/** A gate event with its time parsed. */
export interface TimedGateEvent {
  gate: string;
  action: "passed" | "reverted";
  ms: number;
}

/**
 * The gate events up to `nowMs`, oldest first (ties keep their recorded order), each date parsed once. Histories are
 * almost always recorded in time order, so they are only sorted when they need it. Computing the KPIs parses ten
 * thousand histories: callers that need the events twice (timeline and time to MVP) share this list.
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

/** The timeline from the use case's timed events (all gates, as `timedGateEvents` gives them). */
export function timelineOf(
  useCase: Pick<UseCase, "filedAt" | "closedAt" | "state">,
  events: readonly TimedGateEvent[],
  index: ReadonlyMap<string, number>,
  pipeline: readonly string[],
  nowMs: number,
): GateTimeline {
  let lastPipelineEventMs: number | undefined;
  for (const e of events) if (index.has(e.gate)) lastPipelineEventMs = e.ms;
  const filed = parseIsoMs(useCase.filedAt);
  const closed = closedAt(useCase, lastPipelineEventMs, nowMs);
  const openUntil = Math.min(closed ?? nowMs, nowMs);

  // present[i]: the label of pipeline gate i is on.
  const present: boolean[] = pipeline.map(() => false);
  const furthestOf = () => present.lastIndexOf(true);
  const waitingFor = (furthest: number) => (furthest + 1 < pipeline.length ? pipeline[furthest + 1]! : null);
  const waitedMs = new Map<string, number>();
  const credit = (gate: string | null, from: number, to: number) => {
    if (gate === null) return;
    const ms = Math.max(0, Math.min(to, openUntil) - Math.max(from, filed));
    waitedMs.set(gate, (waitedMs.get(gate) ?? 0) + ms);
  };

  let gate = waitingFor(-1);
  let since = filed;
  let cursor = filed;
  if (gate !== null) waitedMs.set(gate, 0);
  for (const e of events) {
    const i = index.get(e.gate);
    if (i === undefined) continue; // not a gate of this pipeline
    credit(gate, cursor, e.ms);
    cursor = Math.max(cursor, e.ms);
    present[i] = e.action === "passed";
    const next = waitingFor(furthestOf());
    if (next !== gate) {
      gate = next;
      since = Math.max(e.ms, filed);
      if (gate !== null && !waitedMs.has(gate)) waitedMs.set(gate, 0);
    }
  }
  credit(gate, cursor, nowMs);
  const furthest = furthestOf();
  // A gate passed in the same instant it became due (labels added together, a label removed and re-added at once)
  // was not waited for: it is not a sample. Only the gate awaited now may have waited 0 ms so far.
  // forEach, not for…of over entries: ten thousand histories, no [gate, ms] pair each. (Deleting the entry being
  // visited is safe in a Map's forEach.)
  waitedMs.forEach((ms, g) => {
    if (ms === 0 && g !== gate) waitedMs.delete(g);
  });
  const completed = new Set<string>();
  waitedMs.forEach((_, g) => {
    if (index.get(g)! <= furthest) completed.add(g);
  });
  return { waitedMs, completed, current: gate === null ? null : { gate, sinceMs: since }, furthest };
}

/** When the issue closed: `closedAt`, else (closed with no date) its last gate event, else never. */
function closedAt(useCase: Pick<UseCase, "closedAt" | "state">, lastEventMs: number | undefined, nowMs: number): number | null {
  if (useCase.state !== "closed") return null;
  if (useCase.closedAt) return parseIsoMs(useCase.closedAt);
  return lastEventMs ?? nowMs;
}

export const msToDays = (ms: number): number => ms / DAY_MS;

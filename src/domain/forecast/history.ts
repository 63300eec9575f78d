import { compareIds, DAY_MS, ms, WEEK_MS, type ForecastGateEvent, type ForecastInput, type ForecastUseCase } from "./input.js";

/**
 * Everything the forecast learns from the past, each from an input already cut at `now` (see `asOf`):
 * weekly throughput per squad, stories per acceptance criterion, scope growth after splitting, and the time gates
 * add beyond the work itself.
 */

/** Stories closed per week for each squad, oldest week first, zero weeks included. Week w ends at now − (n−1−w) weeks. */
export function weeklyThroughput(input: ForecastInput, now: number, weeks: number, ids: readonly string[] = squadIds(input)): Map<string, number[]> {
  const bySquad = new Map<string, number[]>();
  for (const id of ids) bySquad.set(id, new Array<number>(weeks).fill(0));
  const start = now - weeks * WEEK_MS;
  // Index loops throughout these history passes: they run over every story of the portfolio in every backtest replay.
  for (let i = 0; i < input.useCases.length; i++) {
    const stories = input.useCases[i]!.stories;
    // A use case's stories mostly sit with one squad: look its row up once per run of the same squad.
    let squad: string | undefined;
    let row: number[] | undefined;
    for (let j = 0; j < stories.length; j++) {
      const s = stories[j]!;
      if (s.closedAt === null) continue;
      const t = s.closedMs ?? ms(s.closedAt);
      if (t <= start || t > now) continue;
      // (start, now] split into `weeks` half-open weeks (…, end]: a close exactly at `now` is in the last week.
      const week = Math.min(weeks - 1, Math.ceil((t - start) / WEEK_MS) - 1);
      if (s.squad !== squad) row = bySquad.get((squad = s.squad));
      if (row) row[week] = (row[week] ?? 0) + 1;
    }
  }
  return bySquad;
}

/** Squad ids from the squad list and from every reference, sorted: a story's squad missing from the list still counts. */
export function squadIds(input: ForecastInput): string[] {
  const ids = new Set(input.squads.map((s) => s.id));
  for (let i = 0; i < input.useCases.length; i++) {
    const u = input.useCases[i]!;
    ids.add(u.squad);
    let last = u.squad;
    for (let j = 0; j < u.stories.length; j++) {
      // A use case's stories mostly sit with one squad: skip the set lookup for a repeat.
      const squad = u.stories[j]!.squad;
      if (squad !== last) ids.add((last = squad));
    }
  }
  return [...ids].sort(compareIds);
}

export function isDeployed(u: ForecastUseCase): boolean {
  return u.deployedAt !== undefined;
}

/** Open, not deployed, not closed without deploying (cancelled): the use cases the forecast is about. */
export function isInFlight(u: ForecastUseCase): boolean {
  return !isDeployed(u) && u.state !== "closed";
}

/** When the use case was split: `splitAt`, or its first story if the snapshot did not record it. */
export function splitTime(u: ForecastUseCase): number | undefined {
  if (u.splitAt !== undefined) return u.splitMs ?? ms(u.splitAt);
  if (u.stories.length === 0) return undefined;
  let first = Infinity;
  for (const s of u.stories) first = Math.min(first, s.openedMs ?? ms(s.openedAt));
  return first;
}

/** Stories created in the first day after the split are the split itself; later ones are scope growth. */
export const SPLIT_GRACE_MS = DAY_MS;

export function initialStories(u: ForecastUseCase, squad?: string): number {
  const split = splitTime(u);
  if (split === undefined) return 0;
  let count = 0;
  for (const s of u.stories) if ((squad === undefined || s.squad === squad) && (s.openedMs ?? ms(s.openedAt)) <= split + SPLIT_GRACE_MS) count++;
  return count;
}

/** One squad's share of a use case's stories: open now, all of them, and those it had right after the split. */
export interface SquadShare {
  squad: string;
  open: number;
  current: number;
  initial: number;
}

function bySquadId(a: SquadShare, b: SquadShare): number {
  return compareIds(a.squad, b.squad);
}

/** A use case's stories per squad (in squad id order), in one pass: what `initialStories(u, squad)` gives per squad. */
export function sharesBySquad(u: ForecastUseCase): SquadShare[] {
  if (u.stories.length === 0) return [];
  const split = splitTime(u);
  const cutoff = split === undefined ? Number.NEGATIVE_INFINITY : split + SPLIT_GRACE_MS;
  const shares: SquadShare[] = [];
  let share: SquadShare | undefined;
  for (let j = 0; j < u.stories.length; j++) {
    const s = u.stories[j]!;
    if (share?.squad !== s.squad) {
      share = undefined;
      for (let k = 0; k < shares.length; k++) if (shares[k]!.squad === s.squad) share = shares[k]; // a handful at most
      if (!share) shares.push((share = { squad: s.squad, open: 0, current: 0, initial: 0 }));
    }
    share.current++;
    if (s.closedAt === null) share.open++;
    if (split !== undefined && (s.openedMs ?? ms(s.openedAt)) <= cutoff) share.initial++;
  }
  return shares.length > 1 ? shares.sort(bySquadId) : shares;
}

/**
 * Stories per acceptance criterion of deployed use cases (their scope is final), per owning squad and org-wide.
 * Used to estimate use cases not split yet.
 */
export function storiesPerCriterion(input: ForecastInput): { bySquad: Map<string, number[]>; org: number[] } {
  const bySquad = new Map<string, number[]>();
  const org: number[] = [];
  for (const u of input.useCases) {
    if (!isDeployed(u) || u.stories.length === 0 || u.acceptanceCriteria.length === 0) continue;
    const ratio = u.stories.length / u.acceptanceCriteria.length;
    org.push(ratio);
    const own = bySquad.get(u.squad);
    if (own) own.push(ratio);
    else bySquad.set(u.squad, [ratio]);
  }
  return { bySquad, org };
}

/** total stories / stories at split, for deployed use cases: how much scope grew after splitting. */
export function growthFactors(input: ForecastInput): number[] {
  const factors: number[] = [];
  for (const u of input.useCases) {
    if (!isDeployed(u)) continue;
    const initial = initialStories(u);
    if (initial > 0) factors.push(u.stories.length / initial);
  }
  return factors;
}

/**
 * Current pass time of each pipeline gate (the last "passed" not followed by a "reverted", replaying events in time
 * order) into `out[gate index]`, NaN where not passed; events for gates outside the pipeline are ignored.
 * Returns whether any gate is passed. Typed arrays instead of a Map per use case: this runs for every use case in
 * every backtest replay.
 */
export function gatePasses(u: ForecastUseCase, gateIndex: ReadonlyMap<string, number>, out: Float64Array): boolean {
  out.fill(Number.NaN);
  const events = inTimeOrder(u.gates);
  let any = false;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const g = gateIndex.get(e.gate);
    if (g === undefined) continue;
    out[g] = e.action === "passed" ? eventTime(e) : Number.NaN;
  }
  for (let g = 0; g < out.length; g++) if (!Number.isNaN(out[g]!)) any = true;
  return any;
}

function eventTime(e: ForecastGateEvent): number {
  return e.atMs ?? ms(e.at);
}

/** Gate events by time (stable); snapshots list them in time order already, so that is checked before sorting. */
function inTimeOrder(events: readonly ForecastGateEvent[]): readonly ForecastGateEvent[] {
  for (let i = 1; i < events.length; i++) {
    if (eventTime(events[i]!) < eventTime(events[i - 1]!)) return [...events].sort(byEventTime);
  }
  return events;
}

function byEventTime(a: ForecastGateEvent, b: ForecastGateEvent): number {
  return eventTime(a) - eventTime(b);
}

/**
 * Where gatePasses puts each gate: `index` maps a gate id to its slot (the first position, if a pipeline repeated an
 * id), and `position[g]` is the slot of the pipeline's g-th gate.
 */
export interface PipelineLookup {
  index: ReadonlyMap<string, number>;
  position: Int32Array;
}

export function pipelineLookup(pipeline: ReadonlyArray<{ id: string }>): PipelineLookup {
  const index = new Map<string, number>();
  pipeline.forEach((g, i) => {
    if (!index.has(g.id)) index.set(g.id, i);
  });
  return { index, position: Int32Array.from(pipeline, (g) => index.get(g.id)!) };
}

/**
 * Days each gate added beyond the work, per gate id: from the later of (the previous gate's pass, or filing) and
 * (the last story closed before this pass) to this pass. Measured this way, the time a gate spent waiting for
 * stories is not counted twice (the throughput simulation already covers the stories) — ADR 0031.
 */
export function gateOverheadDays(input: ForecastInput): Map<string, number[]> {
  const pipeline = input.governance.pipeline;
  const { index: gateIndex, position } = pipelineLookup(pipeline);
  const samples = pipeline.map(() => [] as number[]);
  const passedAt = new Float64Array(pipeline.length);
  for (const u of input.useCases) {
    if (u.gates.length === 0 || !gatePasses(u, gateIndex, passedAt)) continue;
    const filed = u.filedMs ?? ms(u.filedAt);
    for (let g = 0; g < pipeline.length; g++) {
      const pass = passedAt[position[g]!]!;
      if (Number.isNaN(pass)) continue;
      let from = filed;
      for (let earlier = 0; earlier < g; earlier++) {
        const t = passedAt[position[earlier]!]!;
        if (t <= pass && t > from) from = t; // NaN (not passed) fails both comparisons
      }
      for (let i = 0; i < u.stories.length; i++) {
        const s = u.stories[i]!;
        if (s.closedAt === null) continue;
        const c = s.closedMs ?? ms(s.closedAt);
        if (c <= pass && c > from) from = c;
      }
      samples[g]!.push(Math.max(0, (pass - from) / DAY_MS));
    }
  }
  return new Map(pipeline.map((g, i) => [g.id, samples[i]!]));
}

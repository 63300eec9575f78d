import { hashSeed, intBelow, LEMIRE_MAX, mix32, seedState, streamKey, WORD_MIX_1, WORD_MIX_2, WORD_MIX_3 } from "../random.js";
import { PeriodDistribution } from "./distribution.js";
import type { ThroughputSampler } from "./simulate.js";

/**
 * The joint Monte Carlo of a whole portfolio (ADR 0031). In trial t every squad works its queue on its own stream t
 * (common random numbers, ADR 0030); a use case is done in the latest week any of its parts is done in that same
 * trial. Work per part is drawn per trial from the use case's own stream: an estimate for unsplit use cases, scope
 * growth for split ones. Everything hot is a flat typed array, because this loop runs use cases × trials times.
 */

export const WorkMode = {
  /** Exactly the open stories. */
  Fixed: 0,
  /** Open stories plus growth to initial × a drawn factor. */
  Grows: 1,
  /** Not split: acceptance criteria × a drawn stories-per-criterion ratio, on its single part. */
  Estimated: 2,
} as const;
export type WorkMode = (typeof WorkMode)[keyof typeof WorkMode];

/** A use case of a queue model, as an object (see `queueModelOf`; the model itself keeps columns). */
export interface JointUseCase {
  /** Seed of this use case's own stream (derived from its id, so order never matters). */
  seed: string;
  mode: WorkMode;
  /** Part ids (indexes into the model's parts). */
  parts: number[];
  /** Estimated: acceptance criteria (≥ 1) and the ratios to draw from. */
  criteria: number;
  ratios: Float64Array;
}

/** A part of a queue model, as an object (see `queueModelOf`). */
export interface JointPart {
  squad: number;
  open: number;
  /** Stories this squad had right after the split, and has now (open and closed): for scope growth. */
  initial: number;
  current: number;
}

export interface JointSquad {
  seed: string;
  sampler: ThroughputSampler;
  /** Part ids in the order the squad works them. */
  queue: number[];
}

/**
 * The parts of a queue model, a column per field: part p's values are at index p < count (columns may be longer). A
 * forecast has thousands of parts in each of its backtest's replays: columns, not an object each.
 */
export interface PartColumns {
  count: number;
  squad: Int32Array;
  open: Float64Array;
  initial: Float64Array;
  current: Float64Array;
}

/** The use cases of a queue model, a column per field (index i < count; columns may be longer). */
export interface UseCaseColumns {
  count: number;
  /** Seeds of the use cases' own streams: only the Monte Carlo reads them (empty for the exact method). */
  seed: readonly string[];
  mode: Uint8Array;
  /** Use case i's parts: partIds[partStart[i] … partStart[i + 1]). */
  partStart: Int32Array;
  partIds: Int32Array;
  /** Estimated: acceptance criteria (≥ 1) and the ratios to draw from. */
  criteria: Float64Array;
  ratios: readonly Float64Array[];
}

/** The portfolio as queues of parts: what both the exact computation (exact.ts) and the Monte Carlo read. */
export interface QueueModel {
  squads: JointSquad[];
  parts: PartColumns;
  useCases: UseCaseColumns;
  /** Scope-growth factors to draw from (shared by every growing use case; each part draws its own). */
  growth: Float64Array;
  maxPeriods: number;
}

/** A queue model from parts and use cases given as objects (tests, small callers). */
export function queueModelOf<M extends { parts: readonly JointPart[]; useCases: readonly JointUseCase[] }>(
  model: M,
): Omit<M, "parts" | "useCases"> & { parts: PartColumns; useCases: UseCaseColumns } {
  const { parts, useCases } = model;
  const partStart = new Int32Array(useCases.length + 1);
  useCases.forEach((u, i) => (partStart[i + 1] = partStart[i]! + u.parts.length));
  return {
    ...model,
    parts: {
      count: parts.length,
      squad: Int32Array.from(parts, (p) => p.squad),
      open: Float64Array.from(parts, (p) => p.open),
      initial: Float64Array.from(parts, (p) => p.initial),
      current: Float64Array.from(parts, (p) => p.current),
    },
    useCases: {
      count: useCases.length,
      seed: useCases.map((u) => u.seed),
      mode: Uint8Array.from(useCases, (u) => u.mode),
      partStart,
      partIds: Int32Array.from(useCases.flatMap((u) => u.parts)),
      criteria: Float64Array.from(useCases, (u) => u.criteria),
      ratios: useCases.map((u) => u.ratios),
    },
  };
}

export interface JointModel extends QueueModel {
  trials: number;
  /** Squads' drawn indices kept from an earlier run with the same seeds (the backtest's replays share them). */
  drawCache?: SquadDrawCache;
}

/**
 * The indices a squad's stream draws in trials 0…trials−1, weeks 1…weeks, kept across runs. Squad s's stream in trial
 * t depends only on its seed and t, and which past week it picks only on the number of past weeks n: the backtest's
 * replays (each simulating at most 12 weeks, with the same seeds and the same n for every squad with its own history)
 * would otherwise regenerate the very same draws a dozen times. Only small n (≤ 256, one byte per draw) and short
 * horizons are kept, so the cache stays a few bytes per squad × trial × week.
 */
export class SquadDrawCache {
  static readonly MAX_WEEKS = 26;
  static readonly MAX_N = 256;
  private readonly tables = new Map<string, { trials: number; weeks: number; indices: Uint8Array }>();

  /** Indices for trial t, week w (1-based) at `indices[t × weeks + w − 1]`; generated on first use. */
  table(seed: string, words: ArrayLike<number>, n: number, trials: number, weeks: number): { weeks: number; indices: Uint8Array } {
    const key = `${n}\u0000${seed}`;
    const kept = this.tables.get(key);
    if (kept && kept.trials >= trials && kept.weeks >= weeks) return kept;
    const threshold = (TWO_POW_32 - n) % n;
    const indices = new Uint8Array(trials * weeks);
    for (let trial = 0; trial < trials; trial++) {
      // seedState + Lemire's draw, as in runSquads.
      const key = streamKey(trial);
      let a = mix32(words[0]! ^ key);
      let b = mix32(words[1]! ^ Math.imul(key, WORD_MIX_1));
      let c = mix32(words[2]! ^ Math.imul(key, WORD_MIX_2));
      let d = mix32(words[3]! ^ Math.imul(key, WORD_MIX_3));
      for (let w = 0; w < weeks; w++) {
        let index: number;
        let low: number;
        do {
          const t = (((a + b) | 0) + d) | 0;
          a = b ^ (b >>> 9);
          b = (c + (c << 3)) | 0;
          c = (((c << 21) | (c >>> 11)) + t) | 0;
          d = (d + 1) | 0;
          const x = (t >>> 0) * n;
          index = (x * INV_TWO_POW_32) >>> 0;
          low = x - index * TWO_POW_32;
        } while (low < threshold);
        indices[trial * weeks + w] = index;
      }
    }
    const entry = { trials, weeks, indices };
    this.tables.set(key, entry);
    return entry;
  }
}

export interface JointResult {
  /** Per use case: trials done in each week, before gate time (see PeriodDistribution for the layout). */
  histograms: Uint32Array[];
  /** Per use case: mean work (stories) per trial, estimates and growth included. */
  meanWork: Float64Array;
}

/** Largest number of (trial × use case) periods buffered before folding them into the histograms. */
const BLOCK_CELLS = 4_000_000;
/** Use cases whose histograms are filled together from a block (64 × 2 bytes of a block row, 64 histograms). */
const FOLD_TILE = 64;
const TWO_POW_32 = 0x1_0000_0000;
/** 2^-32: multiplying by it is exact (a power of two), so floor(x × 2^-32) = floor(x / 2^32). */
const INV_TWO_POW_32 = 1 / TWO_POW_32;

/**
 * The trial loop is written out by hand: the sfc32 generator (src/domain/random.ts) and Lemire's bounded draw are
 * inlined on local variables, and every per-trial quantity lives in a flat typed array indexed by integers (no
 * closures, objects or method calls per draw). It produces exactly the random streams `createRng(seed).select(t)` and
 * `RngBank` produce — same draws, same order — so the results are bit-for-bit those of the straightforward loop
 * (test/domain/forecast/joint.test.ts checks this against a reference implementation).
 */
export function simulateJoint(model: JointModel): JointResult {
  const { squads, parts, useCases, growth, trials, maxPeriods } = model;
  const U = useCases.count;
  const S = squads.length;
  const { partStart, partIds } = useCases;
  if (useCases.seed.length < U) throw new RangeError("the Monte Carlo needs a seed for every use case");

  // Sample arrays (throughput per squad, stories-per-criterion per use case) flattened once; shared arrays (the
  // org-wide pool every low-confidence squad draws from) are stored once.
  const flat = new SampleStore();
  const squadOffset = new Int32Array(S);
  const squadN = new Int32Array(S);
  const squadThreshold = new Float64Array(S);
  const squadWords = new Int32Array(S * 4);
  const queueStart = new Int32Array(S + 1);
  squads.forEach((squad, s) => {
    const values = squad.sampler.values;
    squadOffset[s] = flat.add(values);
    // 0: every past week was zero (the squad cannot finish anything); −n: too many values for the inlined draw.
    squadN[s] = squad.sampler.allZero ? 0 : values.length > LEMIRE_MAX ? -values.length : values.length;
    squadThreshold[s] = (TWO_POW_32 - values.length) % values.length;
    squadWords.set(hashSeed(squad.seed), s * 4);
    queueStart[s + 1] = queueStart[s]! + squad.queue.length;
  });

  // Use cases: each has its own continuing stream (RngBank layout: four state words per use case).
  const drawN = new Int32Array(U);
  const drawThreshold = new Float64Array(U);
  const ratioOffset = new Int32Array(U);
  const bank = new Int32Array(U * 4);
  for (let i = 0; i < U; i++) {
    seedState(bank, i * 4, hashSeed(useCases.seed[i]!), 0);
    const mode = useCases.mode[i]!;
    if (mode === WorkMode.Fixed) continue;
    const n = mode === WorkMode.Estimated ? useCases.ratios[i]!.length : growth.length;
    if (!(n >= 1)) throw new RangeError(`use case ${useCases.seed[i]}: nothing to draw its work from`);
    drawN[i] = n;
    drawThreshold[i] = (TWO_POW_32 - n) % n;
    if (mode === WorkMode.Estimated) ratioOffset[i] = flat.add(useCases.ratios[i]!);
  }

  const k: Kernel = {
    U,
    S,
    maxPeriods,
    partStart,
    partIds,
    partOpen: parts.open,
    partInitial: parts.initial,
    partCurrent: parts.current,
    partWork: new Float64Array(parts.count),
    partDone: new Int32Array(parts.count),
    samples: flat.values(),
    squadOffset,
    squadN,
    squadThreshold,
    squadWords,
    queueStart,
    queueParts: Int32Array.from(squads.flatMap((s) => s.queue)),
    mode: useCases.mode,
    drawing: drawingOrder(useCases.mode, U),
    criteria: useCases.criteria,
    drawN,
    drawThreshold,
    ratioOffset,
    growth: Float64Array.from(growth),
    bank,
    scratch: new Int32Array(4),
    squadDraws: squads.map(() => NO_DRAWS),
    squadDrawWeeks: new Int32Array(S),
  };
  // Draws kept from an earlier run (the backtest): for squads that will draw, with a short enough horizon.
  if (model.drawCache && maxPeriods <= SquadDrawCache.MAX_WEEKS) {
    for (let s = 0; s < S; s++) {
      const n = squadN[s]!;
      if (n <= 0 || n > SquadDrawCache.MAX_N || queueStart[s] === queueStart[s + 1]) continue;
      const table = model.drawCache.table(squads[s]!.seed, squadWords.subarray(s * 4, s * 4 + 4), n, trials, maxPeriods);
      k.squadDraws[s] = table.indices;
      k.squadDrawWeeks[s] = table.weeks;
    }
  }

  const histograms = Array.from({ length: U }, () => PeriodDistribution.emptyCounts(maxPeriods));
  const workSum = new Float64Array(U);

  // Trials run in blocks written trial-major (sequential writes); each use case's histogram is then filled from the
  // block in one pass, instead of touching thousands of histograms once per trial.
  const blockTrials = Math.max(1, Math.min(256, Math.floor(BLOCK_CELLS / Math.max(1, U))));
  const block = new Uint16Array(blockTrials * U); // periods ≤ maxPeriods + 1 ≤ 2001

  fixedWork(k);
  for (let first = 0; first < trials; first += blockTrials) {
    const count = Math.min(blockTrials, trials - first);
    for (let b = 0; b < count; b++) {
      drawWork(k);
      runSquads(k, first + b);
      collect(k, block, b * U, workSum);
    }
    // Folded in tiles of use cases: each block row is read in short contiguous runs, and a tile's histograms stay
    // in cache (one use case at a time would read the block with a stride of U, a cache miss per read).
    for (let tile = 0; tile < U; tile += FOLD_TILE) {
      const tileEnd = Math.min(U, tile + FOLD_TILE);
      for (let b = 0; b < count; b++) {
        const row = b * U;
        for (let i = tile; i < tileEnd; i++) {
          const histogram = histograms[i]!;
          const period = block[row + i]!;
          histogram[period] = histogram[period]! + 1;
        }
      }
    }
  }

  return { histograms, meanWork: workSum.map((w) => w / trials) };
}

/**
 * Everything the trial loop touches, as flat typed arrays. The loop's functions are top-level and copy these into
 * locals first: variables captured by closures live in heap contexts and every access reloads them.
 */
interface Kernel {
  U: number;
  S: number;
  maxPeriods: number;
  /** Parts of use case i: partIds[partStart[i] … partStart[i+1]). */
  partStart: Int32Array;
  partIds: Int32Array;
  partOpen: Float64Array;
  partInitial: Float64Array;
  partCurrent: Float64Array;
  /** This trial's work per part, and the week it was done in. */
  partWork: Float64Array;
  partDone: Int32Array;
  /** Every sample list, end to end. */
  samples: Float64Array;
  squadOffset: Int32Array;
  squadN: Int32Array;
  squadThreshold: Float64Array;
  /** hashSeed words of each squad's seed. */
  squadWords: Int32Array;
  /** Queue of squad s: queueParts[queueStart[s] … queueStart[s+1]). */
  queueStart: Int32Array;
  queueParts: Int32Array;
  mode: Uint8Array;
  /** Use cases whose work is drawn each trial (not Fixed), estimated ones first. */
  drawing: Int32Array;
  criteria: Float64Array;
  drawN: Int32Array;
  drawThreshold: Float64Array;
  ratioOffset: Int32Array;
  growth: Float64Array;
  /** Use-case streams, four sfc32 state words each. */
  bank: Int32Array;
  scratch: Int32Array;
  /** Per squad: its drawn indices from a SquadDrawCache (NO_DRAWS: draw them here), `squadDrawWeeks[s]` per trial. */
  squadDraws: Uint8Array[];
  squadDrawWeeks: Int32Array;
}

const NO_DRAWS = new Uint8Array(0);

/** Use cases whose work is drawn in each trial: the estimated ones, then the growing ones (each in index order). */
function drawingOrder(mode: Uint8Array, U: number): Int32Array {
  const order: number[] = [];
  for (const m of [WorkMode.Estimated, WorkMode.Grows]) for (let i = 0; i < U; i++) if (mode[i] === m) order.push(i);
  return Int32Array.from(order);
}

/** Fixed work (exactly the open stories) is the same in every trial: set once. */
function fixedWork(k: Kernel): void {
  const { U, mode, partIds, partStart, partWork, partOpen, partInitial, partCurrent } = k;
  for (let i = 0; i < U; i++) {
    if (mode[i] !== WorkMode.Fixed) continue;
    for (let j = partStart[i]!; j < partStart[i + 1]!; j++) {
      const p = partIds[j]!;
      partWork[p] = partOpen[p]! + Math.max(0, Math.round(partInitial[p]! * 1) - partCurrent[p]!);
    }
  }
}

/**
 * This trial's work per part of every use case whose work is drawn, from its own stream: one draw for an estimate,
 * one per part for scope growth (each squad's part grows on its own, ADR 0033). Streams are per use case, so the
 * order use cases are visited in (estimated ones first, then growing ones) changes nothing.
 */
function drawWork(k: Kernel): void {
  const { drawing, mode, drawN, drawThreshold, bank, partIds, partStart, partWork, partOpen, partInitial, partCurrent, criteria, samples, ratioOffset, growth } = k;
  for (let u = 0; u < drawing.length; u++) {
    const i = drawing[u]!;
    const m = mode[i]!;
    const end = m === WorkMode.Estimated ? partStart[i]! + 1 : partStart[i + 1]!;
    for (let j = partStart[i]!; j < end; j++) {
      let index: number;
      const n = drawN[i]!;
      const o = i * 4;
      if (n > LEMIRE_MAX) index = intBelow(bank, o, n);
      else {
        // sfc32 step + Lemire's multiply-and-reject, exactly as intBelow (src/domain/random.ts) does.
        let a = bank[o]!;
        let b = bank[o + 1]!;
        let c = bank[o + 2]!;
        let d = bank[o + 3]!;
        let t = (((a + b) | 0) + d) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (((c << 21) | (c >>> 11)) + t) | 0;
        d = (d + 1) | 0;
        let x = (t >>> 0) * n;
        index = (x * INV_TWO_POW_32) >>> 0; // = floor(x / 2^32): x < 2^53, the quotient < 2^21
        let low = x - index * TWO_POW_32;
        const threshold = drawThreshold[i]!;
        while (low < threshold) {
          t = (((a + b) | 0) + d) | 0;
          a = b ^ (b >>> 9);
          b = (c + (c << 3)) | 0;
          c = (((c << 21) | (c >>> 11)) + t) | 0;
          d = (d + 1) | 0;
          x = (t >>> 0) * n;
          index = (x * INV_TWO_POW_32) >>> 0;
          low = x - index * TWO_POW_32;
        }
        bank[o] = a;
        bank[o + 1] = b;
        bank[o + 2] = c;
        bank[o + 3] = d;
      }
      const p = partIds[j]!;
      if (m === WorkMode.Estimated) {
        partWork[p] = Math.max(1, Math.round(criteria[i]! * samples[ratioOffset[i]! + index]!));
        continue;
      }
      // Scope grows to initial × factor; stories already added count towards it (never below the open ones).
      // floor(v + 0.5) is Math.round(v) for v = 0 and 1 ≤ v < 2^52 (initial is a whole count, factors are ≥ 1), and
      // far cheaper here; anything else takes Math.round itself.
      const v = partInitial[p]! * growth[index]!;
      const grown = (v >= 1 && v < 0x10_0000_0000_0000 ? Math.floor(v + 0.5) : Math.round(v)) - partCurrent[p]!;
      partWork[p] = partOpen[p]! + (grown > 0 ? grown : 0);
    }
  }
}

/**
 * Every squad works its queue in trial t, on its stream t: one drawn past week per simulated week until the
 * cumulative throughput covers each part in turn. A part with no work this trial is done at week 0; one not done
 * within maxPeriods gets maxPeriods + 1. A stream is seeded only when a draw is needed (seeding has no other effect).
 */
function runSquads(k: Kernel, trial: number): void {
  const { S, maxPeriods, queueStart, queueParts, partWork, partDone, squadN, squadThreshold, squadOffset, squadWords, samples, squadDraws, squadDrawWeeks } = k;
  const unfinished = maxPeriods + 1;
  // seedState's stream key and its per-word images: the same for every squad in this trial.
  const key0 = streamKey(trial);
  const key1 = Math.imul(key0, WORD_MIX_1);
  const key2 = Math.imul(key0, WORD_MIX_2);
  const key3 = Math.imul(key0, WORD_MIX_3);
  for (let s = 0; s < S; s++) {
    const qEnd = queueStart[s + 1]!;
    let j = queueStart[s]!;
    if (j === qEnd) continue;
    let p = queueParts[j]!;
    let need = partWork[p]!;
    while (need <= 0) {
      partDone[p] = 0;
      if (++j === qEnd) break;
      p = queueParts[j]!;
      need += partWork[p]!;
    }
    if (j === qEnd) continue;
    const n = squadN[s]!;
    if (n < 0) {
      runSquadGeneric(k, s, trial, j);
      continue;
    }
    const kept = squadDraws[s]!;
    if (n > 0 && kept.length > 0) {
      // The same draws, read from the cache (maxPeriods ≤ the weeks kept).
      const offset = squadOffset[s]!;
      const base = trial * squadDrawWeeks[s]! - 1;
      let done = 0;
      let period = 0;
      while (period < maxPeriods) {
        period++;
        done += samples[offset + kept[base + period]!]!;
        while (need <= done) {
          partDone[p] = partWork[p] === 0 ? 0 : period;
          if (++j === qEnd) break;
          p = queueParts[j]!;
          need += partWork[p]!;
        }
        if (j === qEnd) break;
      }
    } else if (n > 0) {
      const threshold = squadThreshold[s]!;
      const offset = squadOffset[s]!;
      // seedState, inlined: each state word hashed with the trial's key (no warm-up needed, ADR 0030).
      const w = s * 4;
      let a = mix32(squadWords[w]! ^ key0);
      let b = mix32(squadWords[w + 1]! ^ key1);
      let c = mix32(squadWords[w + 2]! ^ key2);
      let d = mix32(squadWords[w + 3]! ^ key3);
      let done = 0;
      let period = 0;
      while (period < maxPeriods) {
        period++;
        let t = (((a + b) | 0) + d) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (((c << 21) | (c >>> 11)) + t) | 0;
        d = (d + 1) | 0;
        let x = (t >>> 0) * n;
        let index = (x * INV_TWO_POW_32) >>> 0;
        let low = x - index * TWO_POW_32;
        while (low < threshold) {
          t = (((a + b) | 0) + d) | 0;
          a = b ^ (b >>> 9);
          b = (c + (c << 3)) | 0;
          c = (((c << 21) | (c >>> 11)) + t) | 0;
          d = (d + 1) | 0;
          x = (t >>> 0) * n;
          index = (x * INV_TWO_POW_32) >>> 0;
          low = x - index * TWO_POW_32;
        }
        done += samples[offset + index]!;
        while (need <= done) {
          partDone[p] = partWork[p] === 0 ? 0 : period;
          if (++j === qEnd) break;
          p = queueParts[j]!;
          need += partWork[p]!;
        }
        if (j === qEnd) break;
      }
    }
    for (; j < qEnd; j++) {
      p = queueParts[j]!;
      partDone[p] = partWork[p] === 0 ? 0 : unfinished;
    }
  }
}

/** A squad whose sample list is too long for the inlined draw, from queue position j: the generic generator, same stream. */
function runSquadGeneric(k: Kernel, s: number, trial: number, j: number): void {
  const { maxPeriods, queueStart, queueParts, partWork, partDone, squadOffset, squadWords, samples, scratch } = k;
  const qEnd = queueStart[s + 1]!;
  const n = -k.squadN[s]!;
  let p = queueParts[j]!;
  let need = 0;
  for (let i = queueStart[s]!; i <= j; i++) need += partWork[queueParts[i]!]!;
  seedState(scratch, 0, squadWords.subarray(s * 4, s * 4 + 4), trial);
  let done = 0;
  let period = 0;
  while (j < qEnd && period < maxPeriods) {
    period++;
    done += samples[squadOffset[s]! + intBelow(scratch, 0, n)]!;
    while (j < qEnd && need <= done) {
      partDone[p] = partWork[p] === 0 ? 0 : period;
      if (++j < qEnd) {
        p = queueParts[j]!;
        need += partWork[p]!;
      }
    }
  }
  for (; j < qEnd; j++) partDone[queueParts[j]!] = partWork[queueParts[j]!] === 0 ? 0 : maxPeriods + 1;
}

/** Trial results per use case: the latest week of its parts (done when every squad is done), and its total work. */
function collect(k: Kernel, block: Uint16Array, row: number, workSum: Float64Array): void {
  const { U, partStart, partIds, partDone, partWork } = k;
  for (let i = 0; i < U; i++) {
    let done = 0;
    let work = 0;
    const end = partStart[i + 1]!;
    for (let j = partStart[i]!; j < end; j++) {
      const p = partIds[j]!;
      const d = partDone[p]!;
      if (d > done) done = d;
      work += partWork[p]!;
    }
    block[row + i] = done;
    workSum[i] = workSum[i]! + work;
  }
}

/** Sample arrays laid end to end in one Float64Array; an array added twice (by identity) is stored once. */
class SampleStore {
  private readonly offsets = new Map<ArrayLike<number>, number>();
  private readonly arrays: Array<ArrayLike<number>> = [];
  private length = 0;

  add(values: ArrayLike<number>): number {
    let offset = this.offsets.get(values);
    if (offset === undefined) {
      offset = this.length;
      this.offsets.set(values, offset);
      this.arrays.push(values);
      this.length += values.length;
    }
    return offset;
  }

  values(): Float64Array {
    const out = new Float64Array(this.length);
    let at = 0;
    for (const a of this.arrays) {
      for (let i = 0; i < a.length; i++) out[at + i] = a[i]!;
      at += a.length;
    }
    return out;
  }
}

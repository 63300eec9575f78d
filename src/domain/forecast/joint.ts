import { createRng, RngBank, type StreamRng } from "../random.js";
import { PeriodDistribution } from "./distribution.js";
import { runQueueTrial, type ThroughputSampler } from "./simulate.js";

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

export interface JointUseCase {
  /** Seed of this use case's own stream (derived from its id, so order never matters). */
  seed: string;
  mode: WorkMode;
  /** Part ids (indexes into `JointModel.parts`). */
  parts: number[];
  /** Estimated: acceptance criteria (≥ 1) and the ratios to draw from. */
  criteria: number;
  ratios: Float64Array;
}

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

export interface JointModel {
  squads: JointSquad[];
  parts: JointPart[];
  useCases: JointUseCase[];
  /** Scope-growth factors to draw from (shared by every growing use case). */
  growth: Float64Array;
  trials: number;
  maxPeriods: number;
}

export interface JointResult {
  /** Per use case: trials done in each week, before gate time (see PeriodDistribution for the layout). */
  histograms: Uint32Array[];
  /** Per use case: mean work (stories) per trial, estimates and growth included. */
  meanWork: Float64Array;
}

/** Largest number of (trial × use case) periods buffered before folding them into the histograms. */
const BLOCK_CELLS = 4_000_000;

export function simulateJoint(model: JointModel): JointResult {
  const { squads, parts, useCases, growth, trials, maxPeriods } = model;
  const U = useCases.length;
  const squadRngs: StreamRng[] = squads.map((s) => createRng(s.seed));
  const useCaseStreams = new RngBank(useCases.map((u) => u.seed));
  const mode = Uint8Array.from(useCases, (u) => u.mode);
  const partStart = new Int32Array(U + 1);
  useCases.forEach((u, i) => (partStart[i + 1] = partStart[i]! + u.parts.length));
  const partIds = Int32Array.from(useCases.flatMap((u) => u.parts));
  const partOpen = Float64Array.from(parts, (p) => p.open);
  const partInitial = Float64Array.from(parts, (p) => p.initial);
  const partCurrent = Float64Array.from(parts, (p) => p.current);
  const partWork = new Float64Array(parts.length);
  const partDone = new Int32Array(parts.length);
  const queues = squads.map((s) => Int32Array.from(s.queue));
  const longest = queues.reduce((m, q) => Math.max(m, q.length), 1);
  const cumulative = new Float64Array(longest);
  const out = new Int32Array(longest);
  const histograms = useCases.map(() => PeriodDistribution.emptyCounts(maxPeriods));
  const workSum = new Float64Array(U);

  // Trials run in blocks written trial-major (sequential writes); each use case's histogram is then filled from the
  // block in one pass, instead of touching thousands of histograms once per trial.
  const blockTrials = Math.max(1, Math.min(256, Math.floor(BLOCK_CELLS / Math.max(1, U))));
  const block = new Uint16Array(blockTrials * U); // periods ≤ maxPeriods + 1 ≤ 2001

  for (let first = 0; first < trials; first += blockTrials) {
    const count = Math.min(blockTrials, trials - first);
    for (let b = 0; b < count; b++) {
      drawWork();
      runSquads(first + b);
      const row = b * U;
      for (let i = 0; i < U; i++) {
        let done = 0;
        let work = 0;
        for (let k = partStart[i]!; k < partStart[i + 1]!; k++) {
          const p = partIds[k]!;
          if (partDone[p]! > done) done = partDone[p]!;
          work += partWork[p]!;
        }
        block[row + i] = done;
        workSum[i] = workSum[i]! + work;
      }
    }
    for (let i = 0; i < U; i++) {
      const histogram = histograms[i]!;
      for (let b = 0; b < count; b++) {
        const period = block[b * U + i]!;
        histogram[period] = histogram[period]! + 1;
      }
    }
  }

  /** This trial's work per part, from each use case's own stream. */
  function drawWork(): void {
    for (let i = 0; i < U; i++) {
      const m = mode[i]!;
      if (m === WorkMode.Estimated) {
        const u = useCases[i]!;
        const ratio = u.ratios[useCaseStreams.nextInt(i, u.ratios.length)]!;
        partWork[partIds[partStart[i]!]!] = Math.max(1, Math.round(u.criteria * ratio));
        continue;
      }
      const factor = m === WorkMode.Grows ? growth[useCaseStreams.nextInt(i, growth.length)]! : 1;
      for (let k = partStart[i]!; k < partStart[i + 1]!; k++) {
        const p = partIds[k]!;
        // Scope grows to initial × factor; stories already added count towards it (never below the open ones).
        partWork[p] = partOpen[p]! + Math.max(0, Math.round(partInitial[p]! * factor) - partCurrent[p]!);
      }
    }
  }

  /** Every squad works its queue in trial t; a part with no work this trial is done at week 0. */
  function runSquads(t: number): void {
    for (let s = 0; s < queues.length; s++) {
      const queue = queues[s]!;
      if (queue.length === 0) continue;
      let sum = 0;
      for (let j = 0; j < queue.length; j++) {
        sum += partWork[queue[j]!]!;
        cumulative[j] = sum;
      }
      const rng = squadRngs[s]!;
      rng.select(t);
      runQueueTrial(rng, squads[s]!.sampler, cumulative, queue.length, maxPeriods, out);
      for (let j = 0; j < queue.length; j++) {
        const p = queue[j]!;
        partDone[p] = partWork[p] === 0 ? 0 : out[j]!;
      }
    }
  }

  return { histograms, meanWork: workSum.map((w) => w / trials) };
}

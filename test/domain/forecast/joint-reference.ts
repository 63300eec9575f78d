import { createRng, RngBank, type StreamRng } from "../../../src/domain/random.js";
import { PeriodDistribution } from "../../../src/domain/forecast/distribution.js";
import { WorkMode, type JointResult } from "../../../src/domain/forecast/joint.js";
import { runQueueTrial } from "../../../src/domain/forecast/simulate.js";
import type { ObjectModel } from "./random-model.js";

/**
 * The joint simulation written plainly (generator objects, runQueueTrial, one histogram update per trial): the
 * reference the hand-inlined `simulateJoint` must reproduce exactly, draw for draw.
 */
export function simulateJointReference(model: ObjectModel): JointResult {
  const { squads, parts, useCases, growth, trials, maxPeriods } = model;
  const squadRngs: StreamRng[] = squads.map((s) => createRng(s.seed));
  const useCaseStreams = new RngBank(useCases.map((u) => u.seed));
  const partWork = new Float64Array(parts.length);
  const partDone = new Int32Array(parts.length);
  const histograms = useCases.map(() => PeriodDistribution.emptyCounts(maxPeriods));
  const workSum = new Float64Array(useCases.length);
  for (let t = 0; t < trials; t++) {
    useCases.forEach((u, i) => {
      if (u.mode === WorkMode.Estimated) {
        const ratio = u.ratios[useCaseStreams.nextInt(i, u.ratios.length)]!;
        partWork[u.parts[0]!] = Math.max(1, Math.round(u.criteria * ratio));
        return;
      }
      for (const p of u.parts) {
        const factor = u.mode === WorkMode.Grows ? growth[useCaseStreams.nextInt(i, growth.length)]! : 1;
        partWork[p] = parts[p]!.open + Math.max(0, Math.round(parts[p]!.initial * factor) - parts[p]!.current);
      }
    });
    squads.forEach((squad, s) => {
      const queue = squad.queue;
      if (queue.length === 0) return;
      const cumulative = new Float64Array(queue.length);
      let sum = 0;
      queue.forEach((p, j) => (cumulative[j] = sum += partWork[p]!));
      const out = new Int32Array(queue.length);
      squadRngs[s]!.select(t);
      runQueueTrial(squadRngs[s]!, squad.sampler, cumulative, queue.length, maxPeriods, out);
      queue.forEach((p, j) => (partDone[p] = partWork[p] === 0 ? 0 : out[j]!));
    });
    useCases.forEach((u, i) => {
      let done = 0;
      for (const p of u.parts) {
        done = Math.max(done, partDone[p]!);
        workSum[i] = workSum[i]! + partWork[p]!;
      }
      histograms[i]![done]!++;
    });
  }
  return { histograms, meanWork: workSum.map((w) => w / trials) };
}

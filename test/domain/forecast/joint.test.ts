import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/domain/random.js";
import { simulateJoint, SquadDrawCache, WorkMode, type JointModel, type JointPart, type JointUseCase } from "../../../src/domain/forecast/joint.js";
import { ThroughputSampler } from "../../../src/domain/forecast/simulate.js";
import { simulateJointReference } from "./joint-reference.js";

/** A random portfolio model: shared and own samplers, an all-zero squad, multi-squad use cases, every work mode. */
function randomModel(seed: number, trials: number, maxPeriods = 60): JointModel {
  const rng = createRng(seed);
  const shared = new ThroughputSampler([0, 3, 1, 4, 0, 2, 5]);
  const squadCount = 2 + rng.nextInt(6);
  const squads = Array.from({ length: squadCount }, (_, s) => {
    const kind = rng.nextInt(5);
    const sampler =
      kind === 0 ? shared : kind === 1 ? new ThroughputSampler([0, 0, 0]) : new ThroughputSampler(Array.from({ length: 1 + rng.nextInt(14) }, () => rng.nextInt(6)));
    return { seed: `m${seed}/squad/${s}`, sampler, queue: [] as number[] };
  });
  const parts: JointPart[] = [];
  const useCases: JointUseCase[] = [];
  const ratios = Float64Array.of(0.5, 1, 1.5, 2.25);
  for (let i = 0; i < 5 + rng.nextInt(20); i++) {
    const mode = rng.nextInt(3) as WorkMode;
    const ids: number[] = [];
    const partCount = mode === WorkMode.Estimated ? 1 : 1 + rng.nextInt(Math.min(3, squadCount));
    const used = new Set<number>();
    for (let k = 0; k < partCount; k++) {
      let squad = rng.nextInt(squadCount);
      while (used.has(squad)) squad = (squad + 1) % squadCount;
      used.add(squad);
      const open = mode === WorkMode.Estimated ? 0 : rng.nextInt(12); // open 0: a part with no work this trial
      const initial = rng.nextInt(10);
      ids.push(parts.push({ squad, open, initial, current: open + rng.nextInt(4) }) - 1);
      squads[squad]!.queue.push(ids[ids.length - 1]!);
    }
    useCases.push({ seed: `m${seed}/use-case/${i}`, mode, parts: ids, criteria: 1 + rng.nextInt(5), ratios });
  }
  return { squads, parts, useCases, growth: Float64Array.of(1, 1.25, 1.6, 2), trials, maxPeriods };
}

describe("simulateJoint (hand-inlined trial loop)", () => {
  it("reproduces the plain reference loop exactly, draw for draw", () => {
    for (let seed = 1; seed <= 25; seed++) {
      const model = randomModel(seed, 300);
      const fast = simulateJoint(model);
      const reference = simulateJointReference(model);
      expect(fast.histograms, `model ${seed}`).toEqual(reference.histograms);
      expect(fast.meanWork, `model ${seed}`).toEqual(reference.meanWork);
    }
  });

  it("matches the reference when the period cap cuts trials short", () => {
    const model = randomModel(7, 500, 3);
    expect(simulateJoint(model)).toEqual(simulateJointReference(model));
  });

  it("draws through the generic generator for sample lists longer than 2^21, on the same stream", () => {
    const big = new ThroughputSampler(Float64Array.from({ length: 0x20_0001 }, (_, i) => i % 7));
    const model: JointModel = {
      squads: [{ seed: "big", sampler: big, queue: [0, 1] }],
      parts: [
        { squad: 0, open: 5, initial: 0, current: 5 },
        { squad: 0, open: 9, initial: 0, current: 9 },
      ],
      useCases: [
        { seed: "u0", mode: WorkMode.Fixed, parts: [0], criteria: 1, ratios: new Float64Array(0) },
        { seed: "u1", mode: WorkMode.Fixed, parts: [1], criteria: 1, ratios: new Float64Array(0) },
      ],
      growth: new Float64Array(0),
      trials: 50,
      maxPeriods: 40,
    };
    expect(simulateJoint(model)).toEqual(simulateJointReference(model));
  });

  it("gives the same results with squad draws read back from a SquadDrawCache (longest horizon first, then shorter)", () => {
    for (let seed = 30; seed <= 40; seed++) {
      const cache = new SquadDrawCache();
      for (const weeks of [12, 5, 12, 1]) {
        const model = randomModel(seed, 400, weeks);
        expect(simulateJoint({ ...model, drawCache: cache }), `model ${seed}, ${weeks} weeks`).toEqual(simulateJointReference(model));
      }
    }
  });
});

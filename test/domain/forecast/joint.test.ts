import { describe, expect, it } from "vitest";
import { queueModelOf, simulateJoint, SquadDrawCache, WorkMode } from "../../../src/domain/forecast/joint.js";
import { ThroughputSampler } from "../../../src/domain/forecast/simulate.js";
import { simulateJointReference } from "./joint-reference.js";
import { randomObjectModel, type ObjectModel } from "./random-model.js";

describe("simulateJoint (hand-inlined trial loop)", () => {
  it("reproduces the plain reference loop exactly, draw for draw", () => {
    for (let seed = 1; seed <= 25; seed++) {
      const model = randomObjectModel(seed, 300);
      const fast = simulateJoint(queueModelOf(model));
      const reference = simulateJointReference(model);
      expect(fast.histograms, `model ${seed}`).toEqual(reference.histograms);
      expect(fast.meanWork, `model ${seed}`).toEqual(reference.meanWork);
    }
  });

  it("matches the reference when the period cap cuts trials short", () => {
    const model = randomObjectModel(7, 500, 3);
    expect(simulateJoint(queueModelOf(model))).toEqual(simulateJointReference(model));
  });

  it("draws through the generic generator for sample lists longer than 2^21, on the same stream", () => {
    const big = new ThroughputSampler(Float64Array.from({ length: 0x20_0001 }, (_, i) => i % 7));
    const model: ObjectModel = {
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
    expect(simulateJoint(queueModelOf(model))).toEqual(simulateJointReference(model));
  });

  it("gives the same results with squad draws read back from a SquadDrawCache (longest horizon first, then shorter)", () => {
    for (let seed = 30; seed <= 40; seed++) {
      const cache = new SquadDrawCache();
      for (const weeks of [12, 5, 12, 1]) {
        const model = randomObjectModel(seed, 400, weeks);
        expect(simulateJoint({ ...queueModelOf(model), drawCache: cache }), `model ${seed}, ${weeks} weeks`).toEqual(simulateJointReference(model));
      }
    }
  });
});

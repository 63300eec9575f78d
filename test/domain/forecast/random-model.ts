import { createRng } from "../../../src/domain/random.js";
import { queueModelOf, WorkMode, type JointModel, type JointPart, type JointUseCase } from "../../../src/domain/forecast/joint.js";
import { ThroughputSampler } from "../../../src/domain/forecast/simulate.js";

/** A joint model with its parts and use cases as objects (what queueModelOf turns into columns). */
export type ObjectModel = Omit<JointModel, "parts" | "useCases"> & { parts: JointPart[]; useCases: JointUseCase[] };

/** A random portfolio model: shared and own samplers, an all-zero squad, multi-squad use cases, every work mode. */
export function randomModel(seed: number, trials: number, maxPeriods = 60): JointModel {
  return queueModelOf(randomObjectModel(seed, trials, maxPeriods));
}

/** randomModel's parts and use cases as objects (the plain reference loop reads these). */
export function randomObjectModel(seed: number, trials: number, maxPeriods = 60): ObjectModel {
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

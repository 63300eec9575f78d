export { createRng, deriveSeed, hashSeed, type Rng } from "../random.js";
export { PeriodDistribution } from "./distribution.js";
export {
  simulateThroughput,
  runQueueTrial,
  ThroughputSampler,
  DEFAULT_MAX_PERIODS,
  STANDARD_PERCENTILES,
  type SimulateThroughputInput,
  type ThroughputForecast,
} from "./simulate.js";

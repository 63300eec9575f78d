export {
  computeKpis,
  quarterOf,
  timeToMvp,
  type EscapedDefect,
  type GateDuration,
  type Kpi,
  type KpiConfig,
  type KpiOptions,
  type KpiResult,
  type KpiUnit,
  type QuarterMvp,
  type RepoChangeFailure,
  type RepoCoverage,
  type StuckUseCase,
} from "./compute.js";
export { gateTimeline, type GateTimeline } from "./gates.js";
export { median, nearestRank, round1, spread, trendOf, type Spread, type Trend } from "./stats.js";
export { coverageFromText } from "./coverage.js";

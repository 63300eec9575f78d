/**
 * Deadline-risk forecast (issue 4): the public API. Everything here is pure (no I/O, no GitHub).
 *
 * Single backlog — `simulateThroughput({ throughput, remaining, trials, seed })` → per-trial periods and a
 * `PeriodDistribution` (`percentile(q)` by nearest rank, `probabilityByDeadline(by)`). The `forecast` CLI wraps it.
 *
 * Portfolio — `forecastPortfolio(snapshot, { now, config, seed, previous })` → `PortfolioForecast`, computed exactly
 * (config `forecast.method: exact`, the default: the limit of the Monte Carlo, ADR 0033) or by seeded trials
 * (`monte-carlo`); both read the same plan (plan.ts):
 *   - Each squad's weekly throughput (stories closed per week, zero weeks included, last `throughputWindowWeeks`);
 *     a squad with fewer than `minNonZeroWeeks` non-zero weeks draws from the org-wide pool, flagged `lowConfidence`.
 *   - Each squad works its open use cases in order of priority, then deadline; in one trial a use case's part is done
 *     when the squad's cumulative throughput covers all work up to and including it. A use case with stories in
 *     several squads is done when every part is done in that same trial (one joint simulation).
 *   - Unsplit use cases: acceptance criteria × a drawn stories-per-criterion ratio (`estimated: true`). Each squad's
 *     part of a split one grows by its own drawn scope-growth factor. Remaining gates add their historical time beyond the work (convolved
 *     exactly with the simulated work distribution: gate time is independent of it).
 *   - Per use case: P(on time), P50/P85 weeks and dates, status (`on_track` / `at_risk` / `off_track` by the config
 *     thresholds, `overdue` past the deadline), why, and `movement` (scope,
 *     throughput, gates) against `previous` (last week's `summary`). Program: expected miss share vs target and the
 *     realized miss rate.
 *   - `now` is a cut: the forecast reads the input only as known then (timeline.ts). Same (snapshot, now, config, seed) ⇒ same output.
 *
 * Backtest — `backtestPortfolio(snapshot, { now, config, seed })` → `Calibration` (P85 coverage, Brier score vs the
 * base-rate forecaster, over forecasts whose dates have passed); `calibrationLine(calibration)` is the report's line.
 * A replay k weeks back computes only k weeks (nothing later can be scored) and only the scored figures; with the
 * Monte Carlo, the replays share the squads' draws (`SquadDrawCache`).
 *
 * Choices and their reasons: docs/decisions/0030-seeded-random-streams.md, 0031-portfolio-forecast-model.md,
 * 0032-backtest-calibration.md, 0033-exact-forecast.md.
 */
export { createRng, deriveSeed, hashSeed, type Rng, type StreamRng } from "../random.js";
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
export { type ForecastInput, type ForecastUseCase, type ForecastStory, type ForecastGateEvent } from "./input.js";
export {
  forecastPortfolio,
  statusFor,
  STATUS_LABELS,
  DEFAULT_SEED,
  type PortfolioForecast,
  type PortfolioForecastOptions,
  type UseCaseForecast,
  type SquadForecast,
  type ProgramForecast,
  type DeployedUseCase,
  type ForecastStatus,
} from "./portfolio.js";
export {
  forecastSummarySchema,
  parseForecastSummary,
  explainMovement,
  type ForecastSummary,
  type ForecastMovement,
  type MovementDriver,
} from "./movement.js";
export {
  backtestPortfolio,
  poolCalibrations,
  calibrationLine,
  calibrationTable,
  coverageInterval,
  coverageVerdict,
  SCORED_PERCENTILES,
  RELIABILITY_BINS,
  type Calibration,
  type WeekCalibration,
  type BacktestOptions,
  type PercentileCoverage,
  type CoverageInterval,
  type ReliabilityBin,
} from "./backtest.js";

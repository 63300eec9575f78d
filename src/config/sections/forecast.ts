import { z } from "zod";

const probability = z.number().min(0).max(1);

/** Forecast settings (issue 4). Owned by the forecast module (src/domain/forecast). */
export const forecastSection = z
  .object({
    method: z
      .enum(["exact", "monte-carlo"])
      .default("exact")
      .describe(
        "exact: each use case's completion distribution computed exactly (the limit of the Monte Carlo as trials grow; no sampling noise, seed unused). monte-carlo: the same model simulated in `trials` seeded trials (ADR 0033).",
      ),
    trials: z.number().int().min(100).max(1_000_000).default(10_000).describe("Monte Carlo trials per forecast (method monte-carlo)."),
    throughputWindowWeeks: z
      .number()
      .int()
      .min(1)
      .max(104)
      .default(12)
      .describe("Weeks of past throughput (stories closed per week, zero weeks included) each squad's forecast draws from."),
    minNonZeroWeeks: z
      .number()
      .int()
      .min(1)
      .max(104)
      .default(5)
      .describe("A squad with fewer weeks that closed any story in the window is low confidence and uses the org-wide distribution."),
    onTrackProbability: probability
      .default(0.85)
      .describe("A use case is on track when P(deployed by deadline) is at least this."),
    atRiskProbability: probability
      .default(0.5)
      .describe("Below onTrackProbability but at least this is at risk; below it is off track."),
    missTarget: probability.default(0.1).describe("Program target: the share of use cases allowed to miss their deadline."),
    maxWeeks: z
      .number()
      .int()
      .min(4)
      .max(2_000)
      .default(520)
      .describe("A trial not finished after this many weeks counts as cannot finish (guards against zero throughput)."),
    defaultStoriesPerCriterion: z
      .number()
      .positive()
      .max(100)
      .default(2)
      .describe("Stories per acceptance criterion for a use case not split yet, when no split use case gives history."),
    backtestWeeks: z
      .number()
      .int()
      .min(1)
      .max(104)
      .default(12)
      .describe("Past weeks the backtest replays (forecasts as of past weeks, using no data from after them)."),
    backtestEveryWeeks: z
      .number()
      .int()
      .min(1)
      .max(52)
      .default(2)
      .describe(
        "Replay a forecast every this many weeks within backtestWeeks (12, 10, … weeks ago with 2): consecutive weeks' forecasts of a use case are nearly the same, so every other week scores about as well at half the cost (ADR 0033).",
      ),
    backtestTrials: z
      .number()
      .int()
      .min(100)
      .max(1_000_000)
      .default(250)
      .describe(
        "Trials per replayed week in the backtest (method monte-carlo): 250 keeps each P(on time) within about ±0.03 (1 SE), and the calibration scores average that noise out over many forecasts (ADR 0032).",
      ),
  })
  .strict()
  .prefault({});

export type ForecastConfig = z.infer<typeof forecastSection>;

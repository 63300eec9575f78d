import { z } from "zod";

/** Forecast settings (issue 4). Owned by the forecast module. */
export const forecastSection = z
  .object({
    trials: z.number().int().min(100).max(1_000_000).default(10_000),
    throughputWindowWeeks: z.number().int().min(1).max(104).default(12),
    onTrackProbability: z.number().min(0).max(1).default(0.85),
    atRiskProbability: z.number().min(0).max(1).default(0.5),
    missTarget: z.number().min(0).max(1).default(0.1),
  })
  .strict()
  .prefault({});

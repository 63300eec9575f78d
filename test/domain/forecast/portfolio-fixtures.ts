import type { ForecastInput, ForecastStory, ForecastUseCase } from "../../../src/domain/forecast/index.js";

/** Forecasts in these tests are made at this instant (a Monday, 00:00 UTC). */
export const NOW = "2026-11-23T00:00:00Z";
const NOW_MS = Date.parse(NOW);
const DAY = 86_400_000;

export const at = (daysFromNow: number): string => new Date(NOW_MS + daysFromNow * DAY).toISOString();
/** The deadline day whose end falls in forecast period k (so P(on time) = P(done within k periods)). */
export const deadlineInWeeks = (k: number): string => at(7 * k).slice(0, 10);

/**
 * A deployed use case whose closed stories give `squad` the weekly throughput `weekly` (oldest first, ending at NOW);
 * its stories were all created at the split (no growth) and it has `criteria` acceptance criteria.
 */
export function history(id: string, squad: string, weekly: number[], criteria = Math.max(1, weekly.reduce((a, b) => a + b, 0))): ForecastUseCase {
  const stories: ForecastStory[] = [];
  const start = -7 * weekly.length - 30;
  weekly.forEach((count, w) => {
    for (let i = 0; i < count; i++) {
      stories.push({ id: `${id}-s${stories.length}`, squad, openedAt: at(start), closedAt: at(-7 * (weekly.length - w) + 3.5) });
    }
  });
  return {
    id,
    title: `History ${id}`,
    priority: 1,
    squad,
    deadline: at(100).slice(0, 10),
    filedAt: at(start - 1),
    acceptanceCriteria: Array.from({ length: criteria }, (_, i) => `criterion ${i}`),
    stories,
    splitAt: at(start),
    gates: [{ gate: "ready", action: "passed", at: at(start) }],
    deployedAt: at(-1),
  };
}

/** An in-flight use case with `open` open stories per squad, all gates passed (no gate time), deadline in k weeks. */
export function inFlight(id: string, open: Record<string, number>, overrides: Partial<ForecastUseCase> = {}): ForecastUseCase {
  const stories: ForecastStory[] = [];
  for (const [squad, n] of Object.entries(open)) {
    for (let i = 0; i < n; i++) stories.push({ id: `${id}-${squad}-${i}`, squad, openedAt: at(-20), closedAt: null });
  }
  return {
    id,
    title: `Use case ${id}`,
    priority: 1,
    squad: Object.keys(open)[0] ?? "alpha",
    deadline: deadlineInWeeks(10),
    filedAt: at(-30),
    acceptanceCriteria: ["it works"],
    stories,
    splitAt: at(-20),
    gates: [{ gate: "ready", action: "passed", at: at(-25) }],
    ...overrides,
  };
}

export function portfolio(useCases: ForecastUseCase[], squads = ["alpha", "beta"], pipeline = ["ready"]): ForecastInput {
  return { squads: squads.map((id) => ({ id, name: id[0]!.toUpperCase() + id.slice(1) })), useCases, governance: { pipeline: pipeline.map((id) => ({ id })) } };
}

export const ALPHA = [2, 0, 5, 3, 1, 4, 2, 0, 3, 5, 1, 2];
export const BETA = [1, 3, 0, 2, 4, 1, 0, 2, 3, 1, 2, 1];

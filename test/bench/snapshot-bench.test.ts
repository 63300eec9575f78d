import { describe, expect, it } from "vitest";
import { QUICK, runSnapshotBench } from "../../bench/snapshot.bench.js";

// The CI smoke run of `npm run bench:snapshot -- --quick`: the benchmark still runs end to end, and its ratios (not
// its timings) hold on the quick org.
describe("bench:snapshot --quick", () => {
  it("fetches the synthetic org within 1.1 × the request floor and under 10% of the hourly points", async () => {
    const result = await runSnapshotBench(QUICK);
    expect(result.full.useCases).toBe(QUICK.useCases);
    expect(result.full.stories).toBe(QUICK.useCases * QUICK.storiesPerUseCase);
    expect(result.full.requests / result.full.floor).toBeLessThanOrEqual(1.1);
    expect(result.refresh.requests / result.refresh.floor).toBeLessThanOrEqual(1.1);
    expect(result.full.points).toBeLessThan(result.budget / 10);
    expect(result.refresh.useCases).toBe(QUICK.useCases);
  }, 120_000);
});

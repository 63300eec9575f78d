import { describe, expect, it } from "vitest";
import { backtestPortfolio, poolCalibrations } from "../../../src/domain/forecast/index.js";
import { parseSnapshot } from "../../../src/domain/snapshot/load.js";
import { generateProcessPortfolio } from "../../../src/domain/snapshot/generate-process.js";
import { defaultConfig } from "../../../src/config/schema.js";
import { loadSample } from "../../helpers/sample.js";

/**
 * Calibration against a known process (issue 13): portfolios simulated day by day (drifting squad throughput, priority
 * queues, growing scope, a review board that queues, security alongside the work), replayed by the backtest over
 * their last 12 weeks, every week. One portfolio is one realisation with shared shocks (a squad's drift moves every
 * forecast of its queue at once), so the figures are pooled over six seeded portfolios (≈ 1,100 scored P85 dates):
 * the P85 date must hold 85 ± 5% of the time and P(on time) must beat the base rate by a Brier skill above 0.2.
 */
describe("calibration on portfolios whose completion process is known", () => {
  const seeds = ["s1", "s2", "s3", "s4", "s5", "s6"];
  const runs = seeds.map((seed) => {
    const snapshot = generateProcessPortfolio({ seed });
    return { snapshot, calibration: backtestPortfolio(snapshot, { now: snapshot.generatedAt, config: { backtestWeeks: 12, backtestEveryWeeks: 1 } }) };
  });

  it("are valid snapshots, the same for the same seed", () => {
    for (const { snapshot } of runs) {
      const parsed = parseSnapshot(JSON.parse(JSON.stringify(snapshot)));
      expect(parsed.ok, parsed.ok ? "" : parsed.problems.slice(0, 3).join("; ")).toBe(true);
    }
    expect(JSON.stringify(generateProcessPortfolio({ seed: "s1" }))).toBe(JSON.stringify(runs[0]!.snapshot));
    // The process has what the forecast has to cope with: scope added after the split, security passed while stories
    // were still open (a gate overlapping the work), and deployments.
    const useCases = runs.flatMap((r) => r.snapshot.useCases);
    const grew = useCases.filter((u) => u.splitAt !== undefined && u.stories.some((s) => Date.parse(s.openedAt) > Date.parse(u.splitAt!) + 86_400_000));
    const overlapped = useCases.filter((u) => {
      const security = u.gates.find((g) => g.gate === "security");
      return security !== undefined && u.stories.some((s) => s.closedAt !== null && Date.parse(s.closedAt!) > Date.parse(security.at));
    });
    expect(grew.length).toBeGreaterThan(100);
    expect(overlapped.length).toBeGreaterThan(500);
    expect(useCases.filter((u) => u.deployedAt !== undefined).length).toBeGreaterThan(1000);
  });

  it("the P85 date holds 85 ± 5% of the time, P50 near half, and P(on time) has Brier skill above 0.2", () => {
    const pooled = poolCalibrations(runs.map((r) => r.calibration));
    const { resolved, covered } = pooled.p85;
    const q = pooled.coverage;
    expect(resolved).toBeGreaterThan(800);
    const p85 = covered / resolved;
    expect(p85).toBeGreaterThanOrEqual(0.8);
    expect(p85).toBeLessThanOrEqual(0.9);
    const p50 = q[0]!.covered / q[0]!.resolved;
    expect(p50).toBeGreaterThan(0.4);
    expect(p50).toBeLessThan(0.65);
    // Coverage grows with the percentile.
    const shares = q.map((x) => x.covered / x.resolved);
    for (let k = 1; k < shares.length; k++) expect(shares[k]!).toBeGreaterThan(shares[k - 1]!);
    // Against each portfolio's own base rate (poolCalibrations), the stricter reference.
    expect(pooled.skill!).toBeGreaterThan(0.2);
  });
});

/**
 * The bundled sample (issue 13, ADR 0134): the backtest the report and `converge backtest` run, on samples/portfolio.json
 * as of its own date with the default config. 216 use cases, so enough of them are scored for the figure to mean
 * something: the 95% interval (one observation per use case) must exclude both 70% and 95%, not just hold 85%.
 */
describe("calibration on the bundled sample", () => {
  const sample = loadSample();
  const config = defaultConfig().forecast;
  const calibration = backtestPortfolio(sample, { now: sample.generatedAt, config });

  it("scores enough distinct use cases that the P85 interval can tell calibrated from cautious or optimistic", () => {
    const p85 = calibration.coverage.find((q) => q.percentile === 0.85)!;
    expect(p85.useCases).toBeGreaterThanOrEqual(35);
    expect(p85.interval!.low).toBeGreaterThan(0.7);
    expect(p85.interval!.high).toBeLessThan(0.95);
  });

  it("the P85 date holds 85 ± 5% of the time, every percentile's interval holds its target, and P(on time) has skill", () => {
    const { resolved, covered } = calibration.p85;
    expect(covered / resolved).toBeGreaterThanOrEqual(0.8);
    expect(covered / resolved).toBeLessThanOrEqual(0.9);
    for (const q of calibration.coverage) {
      expect(q.interval!.low, `P${q.percentile * 100}`).toBeLessThanOrEqual(q.percentile);
      expect(q.interval!.high, `P${q.percentile * 100}`).toBeGreaterThanOrEqual(q.percentile);
    }
    expect(calibration.skill!).toBeGreaterThan(0.2);
  });
});

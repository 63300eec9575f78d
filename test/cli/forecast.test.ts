import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli as run } from "../helpers/cli.js";
import { backtestPortfolio, type Calibration } from "../../src/domain/forecast/index.js";
import { generateProcessPortfolio } from "../../src/domain/snapshot/generate-process.js";
import { generatePortfolio } from "../../src/domain/snapshot/generate.js";
import { exactDoneWithin, exactPercentile, tolerance } from "../domain/forecast/exact.js";

describe("converge forecast", () => {
  beforeEach(() => {
    process.exitCode = undefined;
  });
  afterEach(() => {
    process.exitCode = undefined;
  });

  it("prints exactly { percentiles, probabilityByDeadline } with --json, matching the exact answer", async () => {
    const { code, stdout, stderr } = await run(["forecast", "--throughput", "2,0,5,3", "--remaining", "28", "--trials", "10000", "--seed", "7", "--by", "12", "--json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { percentiles: Record<string, number>; probabilityByDeadline: number };
    expect(Object.keys(result)).toEqual(["percentiles", "probabilityByDeadline"]);
    expect(Object.keys(result.percentiles)).toEqual(["50", "70", "85", "95"]);
    const exact = exactDoneWithin([2, 0, 5, 3], 28, 100);
    expect(Math.abs(result.probabilityByDeadline - exact[12]!)).toBeLessThanOrEqual(tolerance(exact[12]!, 10_000));
    for (const [key, value] of Object.entries(result.percentiles)) {
      expect(Math.abs(value - exactPercentile(exact, Number(key) / 100)!)).toBeLessThanOrEqual(1);
    }
  });

  it("is reproducible: same seed, same output", async () => {
    const args = ["forecast", "--throughput", "1,4,0,2,6", "--remaining", "40", "--seed", "abc", "--by", "15", "--json"];
    expect((await run(args)).stdout).toBe((await run(args)).stdout);
  });

  it("prints a readable line without --json", async () => {
    const { code, stdout } = await run(["forecast", "--throughput", "3", "--remaining", "10", "--by", "3"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/P50 4, P70 4, P85 4, P95 4/);
    expect(stdout).toMatch(/P\(done within 3\) = 0\.0%/);
  });

  it("says clearly when the backlog cannot finish (all-zero throughput)", async () => {
    const human = await run(["forecast", "--throughput", "0,0,0", "--remaining", "5"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/cannot finish/);
    const json = await run(["forecast", "--throughput", "0,0,0", "--remaining", "5", "--by", "4", "--json"]);
    expect(JSON.parse(json.stdout)).toEqual({ percentiles: { "50": null, "70": null, "85": null, "95": null }, probabilityByDeadline: 0 });
  });

  const bad: Array<[string, string[], RegExp]> = [
    ["non-numeric throughput", ["--throughput", "2,x,5", "--remaining", "3"], /--throughput: "x"/],
    ["empty throughput item", ["--throughput", "2,,5", "--remaining", "3"], /--throughput/],
    ["negative remaining", ["--throughput", "2,5", "--remaining", "-3"], /--remaining/],
    ["missing --throughput", ["--remaining", "3"], /missing --throughput/],
    ["missing --remaining", ["--throughput", "1"], /missing --remaining/],
    ["zero trials", ["--throughput", "1", "--remaining", "3", "--trials", "0"], /--trials/],
    ["fractional --by", ["--throughput", "1", "--remaining", "3", "--by", "2.5"], /--by/],
  ];
  for (const [name, args, message] of bad) {
    it(`rejects ${name}: one line on stderr, exit 2`, async () => {
      const { code, stdout, stderr } = await run(["forecast", ...args]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    });
  }

  it("through the real entry point: exit code 2 and no stack trace", () => {
    const child = spawnSync(process.execPath, ["--import", "tsx/esm", "src/cli/run.ts", "forecast", "--throughput", "a", "--remaining", "1"], { encoding: "utf8" });
    expect(child.status).toBe(2);
    expect(child.stderr.trim()).toBe('converge: --throughput: "a" is not a number ≥ 0');
    expect(child.stderr).not.toMatch(/\bat .+:\d+:\d+/);
  });
});

describe("converge backtest", () => {
  beforeEach(() => {
    process.exitCode = undefined;
  });

  it("prints the calibration table, and the same figures with --json", async () => {
    const args = ["backtest", "--snapshot", "samples/portfolio.json", "--weeks", "2", "--every", "1", "--trials", "500", "--seed", "3"];
    const line = await run(args);
    expect(line.stderr).toBe("");
    expect(line.code).toBe(0);
    expect(line.stdout).toMatch(/^Backtest over the last 2 weeks, as of 2026-11-23\n/);
    const json = await run([...args, "--json"]);
    expect(json.code).toBe(0);
    const calibration = JSON.parse(json.stdout) as Calibration;
    expect(calibration.weeks).toBe(2);
    expect(calibration.perWeek).toHaveLength(2);
    expect(calibration.coverage.map((q) => q.percentile)).toEqual([0.5, 0.7, 0.85, 0.95]);
    for (const q of calibration.coverage) {
      const held = q.coverage === null ? "–" : `${Math.round(q.coverage * 100)}%`;
      const interval = q.interval === null ? "–" : `${Math.round(q.interval.low * 100)}–${Math.round(q.interval.high * 100)}%`;
      expect(line.stdout).toMatch(new RegExp(`^P${Math.round(q.percentile * 100)}\\s+${Math.round(q.percentile * 100)}%\\s+${held}\\s+${q.resolved}\\s+${q.covered}\\s+${q.useCases}\\s+${interval}\\s`, "m"));
    }
    if (calibration.brier !== null) expect(line.stdout).toContain(`Brier score of P(on time) ${calibration.brier.toFixed(3)} over ${calibration.resolved} forecasts`);
  });

  it("--process: the pooled calibration of portfolios simulated from a known process, the same as pooling by hand", async () => {
    const pooled = await run(["backtest", "--process", "s1,s2", "--weeks", "4", "--json"]);
    expect(pooled.stderr).toBe("");
    expect(pooled.code).toBe(0);
    const c = JSON.parse(pooled.stdout) as Calibration;
    const each = ["s1", "s2"].map((seed) => {
      const snapshot = generateProcessPortfolio({ seed });
      return backtestPortfolio(snapshot, { now: snapshot.generatedAt, config: { backtestWeeks: 4 }, seed: "converge" });
    });
    expect(c.resolved).toBe(each[0]!.resolved + each[1]!.resolved);
    expect(c.p85.resolved).toBe(each[0]!.p85.resolved + each[1]!.p85.resolved);
    expect(c.p85.covered).toBe(each[0]!.p85.covered + each[1]!.p85.covered);
    expect(c.brier).toBeCloseTo((each[0]!.brier! * each[0]!.resolved + each[1]!.brier! * each[1]!.resolved) / c.resolved, 12);
    const table = await run(["backtest", "--process", "s1,s2", "--weeks", "4"]);
    expect(table.stdout).toMatch(/^Pooled over 2 simulated portfolios \(seeds s1, s2;/);
    expect((await run(["backtest", "--process", " , "])).code).toBe(2);
  });

  it("with no --snapshot: the bundled sample, as with --snapshot samples/portfolio.json", async () => {
    const args = ["--weeks", "2", "--every", "1", "--json"];
    const bundled = await run(["backtest", ...args]);
    expect(bundled.code).toBe(0);
    const named = await run(["backtest", "--snapshot", "samples/portfolio.json", ...args]);
    expect(JSON.parse(bundled.stdout)).toEqual(JSON.parse(named.stdout));
    expect((JSON.parse(bundled.stdout) as Calibration).resolved).toBeGreaterThan(0);
  });

  it("--generate: portfolios from the bundled sample's generator, pooled like --process", async () => {
    const pooled = await run(["backtest", "--generate", "g1,g2", "--use-cases", "72", "--weeks", "4", "--json"]);
    expect(pooled.stderr).toBe("");
    expect(pooled.code).toBe(0);
    const c = JSON.parse(pooled.stdout) as Calibration;
    const each = ["g1", "g2"].map((seed) => {
      const snapshot = generatePortfolio({ useCases: 72, seed, now: "2026-11-23" });
      return backtestPortfolio(snapshot, { now: snapshot.generatedAt, config: { backtestWeeks: 4 }, seed: "converge" });
    });
    expect(c.p85.resolved).toBe(each[0]!.p85.resolved + each[1]!.p85.resolved);
    expect(c.coverage[2]!.useCases).toBe(each[0]!.coverage[2]!.useCases + each[1]!.coverage[2]!.useCases);
    expect((await run(["backtest", "--generate", "g1", "--process", "s1"])).code).toBe(2);
    // A generated portfolio has its own history and date: a snapshot or --now next to it is refused, not ignored.
    for (const [flag, value] of [["--snapshot", "samples/portfolio.json"], ["--now", "2026-11-23"]] as const) {
      for (const kind of ["--generate", "--process"]) {
        const r = await run(["backtest", kind, "g1", flag, value]);
        expect(r.code, `${kind} ${flag}`).toBe(2);
        expect(r.stderr).toContain(`drop ${flag}`);
      }
    }
    expect((await run(["backtest", "--use-cases", "10"])).code).toBe(2);
  });

  const bad: Array<[string, string[], RegExp]> = [
    ["a snapshot file that does not exist", ["--snapshot", "does/not/exist.json"], /snapshot not found: does\/not\/exist\.json/],
    ["a bad --now", ["--snapshot", "samples/portfolio.json", "--now", "next week"], /--now must be a date/],
    ["a bad --weeks", ["--snapshot", "samples/portfolio.json", "--weeks", "0"], /--weeks/],
  ];
  for (const [name, args, message] of bad) {
    it(`rejects ${name} with exit 2`, async () => {
      const { code, stderr } = await run(["backtest", ...args]);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    });
  }

  it("names each bad field of an invalid snapshot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "converge-backtest-"));
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, generatedAt: "yesterday" }));
    const { code, stderr } = await run(["backtest", "--snapshot", file]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/is not a valid portfolio snapshot/);
    expect(stderr).toMatch(/generatedAt: /);
    expect(stderr).not.toMatch(/\bat .+:\d+:\d+/);
  });
});

describe("commander's own usage errors", () => {
  const cases: Array<[string, string[], RegExp]> = [
    ["a flag without its value", ["forecast", "--throughput"], /^error: option '--throughput <list>' argument missing$/],
    ["an unknown flag", ["forecast", "--throughput", "1", "--remaining", "2", "--bogus"], /^error: unknown option '--bogus'$/],
    ["backtest without the snapshot path", ["backtest", "--snapshot"], /^error: option '--snapshot <file>' argument missing$/],
  ];
  for (const [name, args, message] of cases) {
    it(`${name}: exit 2, one line`, async () => {
      const { code, stderr } = await run(args);
      expect(code).toBe(2);
      expect(stderr.trimEnd()).toMatch(message);
    });
  }

  it("--help still exits 0", async () => {
    const { code, stdout } = await run(["forecast", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--throughput <list>/);
  });
});

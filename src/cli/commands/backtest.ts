import type { Command } from "commander";
import { backtestPortfolio, calibrationTable, poolCalibrations } from "../../domain/forecast/index.js";
import { generateProcessPortfolio } from "../../domain/snapshot/generate-process.js";
import { generatePortfolio, SAMPLE_OPTIONS } from "../../domain/snapshot/generate.js";
import type { PortfolioSnapshot } from "../../domain/snapshot/schema.js";
import { CliError } from "../errors.js";
import { DEMO_SNAPSHOT } from "../report-demo.js";
import { printJson, readSnapshotFile, releaseParsedText } from "../io.js";
import { parseCount, usageErrorsExit2 } from "./forecast.js";

interface BacktestOptions {
  snapshot?: string;
  now?: string;
  weeks?: string;
  every?: string;
  trials?: string;
  seed: string;
  json?: boolean;
  process?: string;
  generate?: string;
  useCases?: string;
}

const USAGE = 2;

/** The backtest settings the flags override (the rest come from the config's defaults). */
function backtestConfig(options: BacktestOptions): { backtestWeeks?: number; backtestEveryWeeks?: number; backtestTrials?: number } {
  const config: { backtestWeeks?: number; backtestEveryWeeks?: number; backtestTrials?: number } = {};
  if (options.weeks !== undefined) config.backtestWeeks = parseCount(options.weeks, "--weeks", 1, 104);
  if (options.every !== undefined) config.backtestEveryWeeks = parseCount(options.every, "--every", 1, 52);
  if (options.trials !== undefined) config.backtestTrials = parseCount(options.trials, "--trials", 100, 1_000_000);
  return config;
}

export function register(program: Command): void {
  const command = program
    .command("backtest")
    .description("Replay the deadline forecast as of past weeks (no later data) and print its calibration: coverage at P50/P70/P85/P95, the Brier skill of P(on time), reliability.")
    .option("--snapshot <file>", "portfolio snapshot JSON (default: the bundled sample, samples/portfolio.json)")
    .option("--now <date>", "the present (YYYY-MM-DD or ISO date-time); default: the snapshot's generatedAt")
    .option("--weeks <n>", "past weeks to replay (default: config forecast.backtestWeeks, 12)")
    .option("--every <n>", "weeks between replays (default: config forecast.backtestEveryWeeks, 2)")
    .option("--trials <n>", "trials per replayed week (default: config forecast.backtestTrials, 250)")
    .option("--seed <seed>", "random seed", "converge")
    .option("--json", "print the calibration as JSON")
    .option("--process <seeds>", "instead of a snapshot: portfolios simulated from a known process (comma-separated seeds, pooled), the calibration check of issue 13")
    .option("--generate <seeds>", "instead of a snapshot: portfolios from the bundled sample's own generator (comma-separated seeds, pooled), larger than the sample")
    .option("--use-cases <n>", "with --generate: use cases per portfolio (default 360)");
  usageErrorsExit2(command);
  command.action(async (options: BacktestOptions) => {
    if (options.process !== undefined && options.generate !== undefined) throw new CliError("--process and --generate are two different portfolios: give one", USAGE);
    if (options.useCases !== undefined && options.generate === undefined) throw new CliError("--use-cases goes with --generate", USAGE);
    if (options.process !== undefined || options.generate !== undefined) {
      const flag = options.process !== undefined ? "--process" : "--generate";
      // Each generated portfolio has its own history and its own "now": a snapshot or a present would be ignored.
      if (options.snapshot !== undefined) throw new CliError(`${flag} makes its own portfolios: drop --snapshot (or drop ${flag} to backtest the file)`, USAGE);
      if (options.now !== undefined) throw new CliError(`${flag} portfolios are backtested as of their own date: drop --now`, USAGE);
      const list = (options.process ?? options.generate)!;
      const seeds = list.split(",").map((x) => x.trim()).filter((x) => x.length > 0);
      if (seeds.length === 0 || seeds.length > 50) throw new CliError(`${flag} needs 1 to 50 comma-separated seeds, got "${list}"`, USAGE);
      const config = backtestConfig(options);
      const useCases = options.useCases === undefined ? 360 : parseCount(options.useCases, "--use-cases", 1, 20_000);
      const make = (seed: string): PortfolioSnapshot =>
        options.process !== undefined ? generateProcessPortfolio({ seed }) : generatePortfolio({ useCases, seed, now: SAMPLE_OPTIONS.now });
      const pooled = poolCalibrations(
        seeds.map((seed) => {
          const snapshot = make(seed);
          return backtestPortfolio(snapshot, { now: snapshot.generatedAt, config, seed: options.seed });
        }),
      );
      const what = options.process !== undefined ? "simulated" : `generated (${useCases} use cases each, the bundled sample's generator)`;
      if (options.json) printJson(pooled);
      else process.stdout.write(`Pooled over ${seeds.length} ${what} portfolio${seeds.length === 1 ? "" : "s"} (seeds ${seeds.join(", ")}; Brier skill against each portfolio's own base rate)\n${calibrationTable(pooled)}\n`);
      return;
    }
    // No snapshot named: the bundled sample (the demo's portfolio), so `converge backtest` alone shows the table.
    const file = options.snapshot ?? DEMO_SNAPSHOT;
    const parsed = await readSnapshotFile(file, "snapshot");
    if (!parsed.ok) {
      throw new CliError(`${file} is not a valid portfolio snapshot:\n${parsed.problems.map((p) => `  - ${p}`).join("\n")}`, USAGE);
    }
    releaseParsedText();
    const now = options.now ?? parsed.snapshot.generatedAt;
    if (!/^\d{4}-\d{2}-\d{2}(T.*)?$/.test(now) || Number.isNaN(Date.parse(now.length === 10 ? `${now}T00:00:00Z` : now))) {
      throw new CliError(`--now must be a date like 2026-11-23 or an ISO date-time, got "${now}"`, USAGE);
    }
    const config = backtestConfig(options);
    const seed = /^-?\d+$/.test(options.seed) ? Number(options.seed) : options.seed;

    const calibration = backtestPortfolio(parsed.snapshot, { now, config, seed });
    if (options.json) printJson(calibration);
    else process.stdout.write(`${calibrationTable(calibration)}\n`);
  });
}

import type { Command } from "commander";
import { backtestPortfolio, calibrationTable, poolCalibrations } from "../../domain/forecast/index.js";
import { generateProcessPortfolio } from "../../domain/snapshot/generate-process.js";
import { CliError } from "../errors.js";
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
}

const USAGE = 2;

export function register(program: Command): void {
  const command = program
    .command("backtest")
    .description("Replay the deadline forecast as of past weeks (no later data) and print its calibration: coverage at P50/P70/P85/P95, the Brier skill of P(on time), reliability.")
    .option("--snapshot <file>", "portfolio snapshot JSON")
    .option("--now <date>", "the present (YYYY-MM-DD or ISO date-time); default: the snapshot's generatedAt")
    .option("--weeks <n>", "past weeks to replay (default: config forecast.backtestWeeks, 12)")
    .option("--every <n>", "weeks between replays (default: config forecast.backtestEveryWeeks, 2)")
    .option("--trials <n>", "trials per replayed week (default: config forecast.backtestTrials, 250)")
    .option("--seed <seed>", "random seed", "converge")
    .option("--json", "print the calibration as JSON")
    .option("--process <seeds>", "instead of a snapshot: portfolios simulated from a known process (comma-separated seeds, pooled), the calibration check of issue 13");
  usageErrorsExit2(command);
  command.action(async (options: BacktestOptions) => {
    if (options.process !== undefined) {
      const seeds = options.process.split(",").map((x) => x.trim()).filter((x) => x.length > 0);
      if (seeds.length === 0 || seeds.length > 50) throw new CliError(`--process needs 1 to 50 comma-separated seeds, got "${options.process}"`, USAGE);
      const config: { backtestWeeks?: number; backtestEveryWeeks?: number } = {};
      if (options.weeks !== undefined) config.backtestWeeks = parseCount(options.weeks, "--weeks", 1, 104);
      if (options.every !== undefined) config.backtestEveryWeeks = parseCount(options.every, "--every", 1, 52);
      const pooled = poolCalibrations(
        seeds.map((seed) => {
          const snapshot = generateProcessPortfolio({ seed });
          return backtestPortfolio(snapshot, { now: snapshot.generatedAt, config, seed: options.seed });
        }),
      );
      if (options.json) printJson(pooled);
      else process.stdout.write(`Pooled over ${seeds.length} simulated portfolio${seeds.length === 1 ? "" : "s"} (seeds ${seeds.join(", ")}; Brier skill against each portfolio's own base rate)\n${calibrationTable(pooled)}\n`);
      return;
    }
    if (options.snapshot === undefined) throw new CliError("missing --snapshot <file> (a portfolio snapshot JSON)", USAGE);
    const parsed = await readSnapshotFile(options.snapshot, "snapshot");
    if (!parsed.ok) {
      throw new CliError(`${options.snapshot} is not a valid portfolio snapshot:\n${parsed.problems.map((p) => `  - ${p}`).join("\n")}`, USAGE);
    }
    releaseParsedText();
    const now = options.now ?? parsed.snapshot.generatedAt;
    if (!/^\d{4}-\d{2}-\d{2}(T.*)?$/.test(now) || Number.isNaN(Date.parse(now.length === 10 ? `${now}T00:00:00Z` : now))) {
      throw new CliError(`--now must be a date like 2026-11-23 or an ISO date-time, got "${now}"`, USAGE);
    }
    const config: { backtestWeeks?: number; backtestEveryWeeks?: number; backtestTrials?: number } = {};
    if (options.weeks !== undefined) config.backtestWeeks = parseCount(options.weeks, "--weeks", 1, 104);
    if (options.every !== undefined) config.backtestEveryWeeks = parseCount(options.every, "--every", 1, 52);
    if (options.trials !== undefined) config.backtestTrials = parseCount(options.trials, "--trials", 100, 1_000_000);
    const seed = /^-?\d+$/.test(options.seed) ? Number(options.seed) : options.seed;

    const calibration = backtestPortfolio(parsed.snapshot, { now, config, seed });
    if (options.json) printJson(calibration);
    else process.stdout.write(`${calibrationTable(calibration)}\n`);
  });
}

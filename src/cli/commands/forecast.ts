import { CommanderError, type Command } from "commander";
import { simulateThroughput, STANDARD_PERCENTILES } from "../../domain/forecast/index.js";
import { CliError } from "../errors.js";
import { printJson } from "../io.js";

interface ForecastOptions {
  throughput?: string;
  remaining?: string;
  trials: string;
  seed: string;
  by?: string;
  maxPeriods: string;
  json?: boolean;
}

/** Exit code for bad command-line input (usage errors), as for the other commands. */
const USAGE = 2;

export function register(program: Command): void {
  const command = program
    .command("forecast")
    .description("Monte Carlo forecast for one backlog from its past throughput (periods, e.g. weeks).")
    .option("--throughput <list>", "work done per past period, comma-separated, zero periods included (e.g. 2,0,5,3)")
    .option("--remaining <n>", "work left (e.g. open stories)")
    .option("--trials <n>", "number of simulated trials", "10000")
    .option("--seed <seed>", "random seed: the same seed always gives the same answer", "1")
    .option("--by <periods>", "also print the probability of being done within this many periods")
    .option("--max-periods <n>", "give up on a trial after this many periods", "520")
    .option("--json", "print JSON");
  usageErrorsExit2(command);
  command.action((options: ForecastOptions) => {
    if (options.throughput === undefined) throw new CliError("missing --throughput <list> (e.g. --throughput 2,0,5,3)", USAGE);
    if (options.remaining === undefined) throw new CliError("missing --remaining <n> (work left)", USAGE);
    const throughput = parseThroughput(options.throughput);
    const remaining = parseNumber(options.remaining, "--remaining");
    const trials = parseCount(options.trials, "--trials", 1, 10_000_000);
    const maxPeriods = parseCount(options.maxPeriods, "--max-periods", 1, 100_000);
    const by = options.by === undefined ? undefined : parseCount(options.by, "--by", 0, Number.MAX_SAFE_INTEGER);
    const seed = /^-?\d+$/.test(options.seed) ? Number(options.seed) : options.seed;

    const { distribution } = simulateThroughput({ throughput, remaining, trials, seed, maxPeriods });
    const percentiles = Object.fromEntries(STANDARD_PERCENTILES.map((p) => [String(p), distribution.percentile(p / 100)]));
    const probabilityByDeadline = by === undefined ? undefined : distribution.probabilityByDeadline(by);

    if (options.json) {
      printJson(by === undefined ? { percentiles } : { percentiles, probabilityByDeadline });
      return;
    }
    const shown = STANDARD_PERCENTILES.map((p) => `P${p} ${percentiles[String(p)] ?? `> ${maxPeriods}`}`).join(", ");
    const parts = [`periods to finish ${remaining}: ${shown}`];
    if (by !== undefined) parts.push(`P(done within ${by}) = ${((probabilityByDeadline ?? 0) * 100).toFixed(1)}%`);
    parts.push(`${trials} trials, seed ${options.seed}`);
    process.stdout.write(`${parts.join(" · ")}\n`);
    if (distribution.cannotFinish) {
      process.stdout.write(`cannot finish: no past period delivered any work, so no trial finished within ${maxPeriods} periods\n`);
    } else if (distribution.unfinished > 0) {
      process.stdout.write(`${distribution.unfinished} of ${trials} trials did not finish within ${maxPeriods} periods\n`);
    }
  });
}

function parseThroughput(text: string): number[] {
  const items = text.split(",").map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === "")) {
    throw new CliError(`--throughput must be a comma-separated list of numbers ≥ 0, got "${text}"`, USAGE);
  }
  return items.map((item) => {
    if (!/^\d+(\.\d+)?$/.test(item)) throw new CliError(`--throughput: "${item}" is not a number ≥ 0`, USAGE);
    return Number(item);
  });
}

function parseNumber(text: string, flag: string): number {
  if (!/^\d+(\.\d+)?$/.test(text.trim())) throw new CliError(`${flag} must be a number ≥ 0, got "${text}"`, USAGE);
  return Number(text);
}

/** An integer option within [min, max]; shared with the backtest command. */
export function parseCount(text: string, flag: string, min: number, max: number): number {
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
    throw new CliError(`${flag} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : " up"}, got "${text}"`, USAGE);
  }
  return value;
}

/**
 * Commander's own usage errors (a flag without its value, an unknown flag) exit with 2 like ours, in one line:
 * commander has already printed "error: …"; the help hint that would make it two lines is turned off here.
 * Shared with the backtest command.
 */
export function usageErrorsExit2(command: Command): void {
  command.showHelpAfterError(false).exitOverride((error) => {
    if (error.exitCode === 0) throw error; // --help
    throw new CommanderError(USAGE, error.code, error.message);
  });
}


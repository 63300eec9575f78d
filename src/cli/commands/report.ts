import type { Command } from "commander";
import { resolve } from "node:path";
import { defaultConfig, type ConvergeConfig } from "../../config/schema.js";
import { buildReport, buildReportWithHistory, extractSummary, renderHtml, renderJson, renderMarkdown, resolveNow, type ReportSummary } from "../../domain/report/index.js";
import { loadChartJs } from "../../domain/report/chartjs-loader.js";
import { readConfigFile } from "../config-file.js";
import { CliError } from "../errors.js";
import { readSnapshotFile, readUserFile, releaseParsedText, writeOutput } from "../io.js";

interface ReportOptions {
  snapshot?: string;
  now?: string;
  format: string;
  out?: string;
  seed: string;
  config?: string;
  previous?: string;
  method?: string;
  trials?: string;
  history: string;
}

const USAGE = 2;
const FORMATS = ["md", "html", "json"] as const;

/** report.md → report.md, report.part2.md, … for a multi-part Markdown report. */
export function partPath(path: string, index: number): string {
  if (index === 0) return path;
  const dot = path.lastIndexOf(".");
  const slash = path.lastIndexOf("/");
  return dot > slash ? `${path.slice(0, dot)}.part${index + 1}${path.slice(dot)}` : `${path}.part${index + 1}`;
}

async function loadConfig(file: string | undefined): Promise<ConvergeConfig> {
  return file === undefined ? defaultConfig() : readConfigFile(file);
}

export function register(program: Command): void {
  program
    .command("report")
    .description("Compute the weekly report (forecast, benefits, KPIs) from a portfolio snapshot.")
    .option("--snapshot <file>", "portfolio snapshot JSON (see docs/snapshot.schema.json)")
    .option("--now <date>", "the report's day, YYYY-MM-DD (default: the snapshot's generatedAt day)")
    .option("--format <format>", "md | html | json", "md")
    .option("--out <path>", "write to this file instead of stdout (a long Markdown report adds .part2.md, …)")
    .option("--seed <n>", "random seed of the Monte Carlo (--method monte-carlo): the same inputs and seed always give the same report", "1")
    .option("--config <file>", ".github/converge.yml to use instead of the defaults")
    .option("--previous <file>", "last week's Markdown report: its hidden summary drives \"changes since last week\"")
    .option("--method <method>", "forecast method: exact (computed, no sampling) | monte-carlo (default: forecast.method from the config, exact)")
    .option("--trials <n>", "Monte Carlo trials with --method monte-carlo (default: forecast.trials from the config)")
    .option("--history <weeks>", "replay this many past weeks first (from the same snapshot) for changes and trends when there is no previous report", "0")
    .action(async (options: ReportOptions) => {
      if (options.snapshot === undefined) throw new CliError("missing --snapshot <file>", USAGE);
      const format = options.format as (typeof FORMATS)[number];
      if (!FORMATS.includes(format)) throw new CliError(`--format must be one of ${FORMATS.join(", ")}, got "${options.format}"`, USAGE);
      if (!/^\d+$/.test(options.seed)) throw new CliError(`--seed must be a non-negative integer, got "${options.seed}"`, USAGE);
      if (options.now !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.now)) throw new CliError(`--now must be a date like 2026-11-23, got "${options.now}"`, USAGE);
      if (options.out !== undefined && resolve(options.out) === resolve(options.snapshot)) throw new CliError("--out would overwrite the snapshot; choose another path", USAGE);
      const config = await loadConfig(options.config);
      if (options.method !== undefined) {
        if (options.method !== "exact" && options.method !== "monte-carlo") throw new CliError(`--method must be exact or monte-carlo, got "${options.method}"`, USAGE);
        config.forecast.method = options.method;
      }
      if (options.trials !== undefined) {
        const trials = Number(options.trials);
        if (!Number.isInteger(trials) || trials < 100 || trials > 1_000_000) throw new CliError(`--trials must be an integer from 100 to 1000000, got "${options.trials}"`, USAGE);
        config.forecast.trials = trials;
      }
      // Read through readSnapshotFile so that the text is unreachable once it returns (then freed at once, see io.ts).
      const parsed = await readSnapshotFile(options.snapshot, "snapshot file");
      if (!parsed.ok) throw new CliError(`${options.snapshot} is not a valid portfolio snapshot:\n${parsed.problems.map((p) => `  - ${p}`).join("\n")}`, 1);
      releaseParsedText();
      let previous: ReportSummary | null | undefined;
      if (options.previous !== undefined) {
        const result = extractSummary(await readUserFile(options.previous, "previous report"));
        if (!result.ok) throw new CliError(`${options.previous}: ${result.problem}`, 1);
        previous = result.summary;
      }
      if (!/^\d+$/.test(options.history) || Number(options.history) > 52) throw new CliError(`--history must be a number of weeks from 0 to 52, got "${options.history}"`, USAGE);
      const history = Number(options.history);
      if (history > 0 && previous !== undefined) throw new CliError("use either --previous or --history, not both", USAGE);
      const now = options.now ?? parsed.snapshot.generatedAt.slice(0, 10);
      try {
        resolveNow(now);
      } catch (error) {
        throw new CliError((error as Error).message, USAGE);
      }
      const model =
        history > 0
          ? buildReportWithHistory(parsed.snapshot, { now, config, seed: Number(options.seed) }, history)
          : buildReport(parsed.snapshot, { now, config, seed: Number(options.seed), ...(previous === undefined ? {} : { previous }) });
      let outputs: string[];
      if (format === "json") outputs = [renderJson(model)];
      else if (format === "html") outputs = [renderHtml(model, { chartJs: loadChartJs() })];
      else outputs = renderMarkdown(model).parts;
      if (options.out === undefined) {
        process.stdout.write(outputs.join("\n<!-- converge:part-break -->\n\n"));
        return;
      }
      for (const [i, content] of outputs.entries()) await writeOutput(partPath(options.out, i), content);
      process.stderr.write(`wrote ${outputs.map((_, i) => partPath(options.out!, i)).join(", ")}\n`);
    });
}

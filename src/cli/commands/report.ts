import type { Command } from "commander";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { defaultConfig, type ConvergeConfig } from "../../config/schema.js";
import { buildReport, buildReportWithHistory, extractSummary, renderHtml, renderJson, renderMarkdown, resolveNow, type ReportSummary } from "../../domain/report/index.js";
import { loadChartJs } from "../../domain/report/chartjs-loader.js";
import { readConfigFile } from "../config-file.js";
import { CliError } from "../errors.js";
import { readSnapshotFile, readUserFile, releaseParsedText, writeOutput } from "../io.js";
import type { PortfolioSnapshot } from "../../domain/snapshot/schema.js";
import { createCliOctokit, MissingCredentialsError } from "../../github/gates-client.js";
import { resolveCliIdentity, UnknownPosterError } from "../../github/cli-identity.js";
import { fetchPortfolioSnapshot } from "../../github/snapshot/index.js";
import { DeliveryError } from "../../github/delivery-errors.js";
import type { Octokit } from "../../github/octokit.js";
import { runReportJob, type SnapshotSource } from "../../jobs/report-job.js";
import { parseOrg, readOrgConfig } from "../org.js";

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
  org?: string;
  post?: boolean;
}

const USAGE = 2;
const GITHUB = 3;
const FORMATS = ["md", "html", "json"] as const;

/** report.md → report.md, report.part2.md, … for a multi-part Markdown report. */
export function partPath(path: string, index: number): string {
  if (index === 0) return path;
  const dot = path.lastIndexOf(".");
  const slash = path.lastIndexOf("/");
  return dot > slash ? `${path.slice(0, dot)}.part${index + 1}${path.slice(dot)}` : `${path}.part${index + 1}`;
}

/**
 * Last week's Markdown report as `--out` wrote it: FILE and its FILE.partN siblings. The hidden summary is in the last
 * part, so a report of several parts named by its first file still reads.
 */
async function readReportParts(first: string): Promise<string[]> {
  const parts = [await readUserFile(first, "previous report")];
  for (let i = 1; existsSync(partPath(first, i)); i++) parts.push(await readUserFile(partPath(first, i), "previous report part"));
  return parts;
}

async function loadConfig(file: string | undefined): Promise<ConvergeConfig> {
  return file === undefined ? defaultConfig() : readConfigFile(file);
}

/** One line a person can act on for a GitHub failure outside the posting code (which explains its own). */
function explainGitHub(error: unknown, what: string): never {
  if (error instanceof CliError) throw error;
  if (error instanceof DeliveryError) throw new CliError(error.message, GITHUB);
  const status = (error as { status?: number }).status;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 401) throw new CliError("GitHub rejected the credentials (401): check GITHUB_TOKEN or APP_ID/PRIVATE_KEY", GITHUB);
  if (status !== undefined) throw new CliError(`GitHub refused ${what} (${status}): ${message}`, GITHUB);
  throw new CliError(`${what} failed: ${message}`, GITHUB);
}

async function connect(org: string): Promise<Octokit> {
  try {
    // The org's .github repository holds the org-wide config, so the installation must see it anyway.
    return await createCliOctokit(process.env, { owner: org, repo: ".github" });
  } catch (error) {
    if (error instanceof MissingCredentialsError) throw new CliError(error.message, USAGE);
    explainGitHub(error, `access to ${org}`);
  }
}


/** The org-wide snapshot fetch (issue 11), its failure said as such rather than as a crash. */
const fetchFromGitHub: SnapshotSource = async (octokit, fetchOptions) => {
  try {
    const result = await fetchPortfolioSnapshot(octokit, fetchOptions);
    process.stderr.write(`fetched the portfolio of ${fetchOptions.org}: ${result.stats.requests} requests, ${result.stats.points} GraphQL points\n`);
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(`could not fetch the portfolio snapshot of ${fetchOptions.org} from GitHub: ${message}`, GITHUB);
  }
};

async function snapshotFromFile(path: string): Promise<PortfolioSnapshot> {
  // Read through readSnapshotFile so that the text is unreachable once it returns (then freed at once, see io.ts).
  const parsed = await readSnapshotFile(path, "snapshot file");
  if (!parsed.ok) throw new CliError(`${path} is not a valid portfolio snapshot:\n${parsed.problems.map((p) => `  - ${p}`).join("\n")}`, 1);
  releaseParsedText();
  return parsed.snapshot;
}

/** `report --org <org> --post`: the same job the scheduler runs, from a terminal or a CI job. */
async function post(options: ReportOptions & { org: string }, overrides: { method?: "exact" | "monte-carlo"; trials?: number }): Promise<void> {
  for (const [flag, set] of [
    ["--out", options.out !== undefined],
    ["--previous", options.previous !== undefined],
    ["--history", options.history !== "0"],
    ["--format", options.format !== "md"],
  ] as const) {
    if (set) throw new CliError(`${flag} does not go with --post (the posted report is Markdown, and last week's report is read from GitHub)`, USAGE);
  }
  const snapshot = options.snapshot === undefined ? undefined : await snapshotFromFile(options.snapshot);
  const octokit = await connect(options.org);
  const config = await readOrgConfig(octokit, options.org, options.config);
  if (overrides.method) config.forecast.method = overrides.method;
  if (overrides.trials) config.forecast.trials = overrides.trials;
  let identity;
  try {
    identity = await resolveCliIdentity(process.env);
  } catch (error) {
    if (error instanceof UnknownPosterError) throw new CliError(error.message, USAGE);
    explainGitHub(error, "looking up the app (GET /app)");
  }
  const source: SnapshotSource = snapshot ? async () => ({ snapshot, stats: { requests: 0, points: 0, remaining: null } }) : fetchFromGitHub;
  // --now pins the report's day (noon UTC is the same calendar day in every office zone from UTC-11 to UTC+11).
  const now = options.now === undefined ? new Date() : new Date(`${options.now}T12:00:00Z`);
  const log = { info: () => {}, warn: (obj: object, msg: string) => void process.stderr.write(`warning: ${msg} ${JSON.stringify(obj)}\n`) };
  const result = await runReportJob({ octokit, org: options.org, config, seed: Number(options.seed) }, { identity: async () => identity, snapshotSource: source, now: () => now, log }).catch(
    (error: unknown) => explainGitHub(error, `posting the report to ${options.org}`),
  );
  const where = `${result.target.owner}/${result.target.repo}`;
  const closed = result.closedPrevious ? `; closed last week's report #${result.closedPrevious.number}` : "";
  process.stdout.write(`${result.action} the ${result.week} report in ${where}: ${result.report.url} (${result.parts} part${result.parts === 1 ? "" : "s"})${closed}\n`);
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
    .option("--previous <file>", "last week's Markdown report (with its FILE.partN siblings, as --out writes them): its hidden summary drives \"changes since last week\"")
    .option("--method <method>", "forecast method: exact (computed, no sampling) | monte-carlo (default: forecast.method from the config, exact)")
    .option("--trials <n>", "Monte Carlo trials with --method monte-carlo (default: forecast.trials from the config)")
    .option("--history <weeks>", "replay this many past weeks first (from the same snapshot) for changes and trends when there is no previous report", "0")
    .option("--org <org>", "the GitHub organisation: without --snapshot its portfolio is fetched from GitHub; its .github repository's converge.yml is the config")
    .option("--post", "post the report as this ISO week's report in the office repository (delivery.repository), updating it if already posted")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ converge report --snapshot samples/portfolio.json            # print the report (Markdown)",
        "  $ converge report --org acme --post                            # fetch acme's portfolio and post this week's report",
        "  $ converge report --org acme --snapshot portfolio.json --post  # post a report built from a snapshot file",
        "",
        "Credentials (with --org): APP_ID + PRIVATE_KEY [+ INSTALLATION_ID], or GITHUB_TOKEN with APP_SLUG (an installation",
        "token of the app) or inside GitHub Actions; GITHUB_API_URL for GitHub Enterprise Server.",
        "Exit codes: 0 done, 1 invalid snapshot or config, 2 usage, 3 GitHub refused or the fetch failed.",
      ].join("\n"),
    )
    .action(async (options: ReportOptions) => {
      if (options.org !== undefined) parseOrg(options.org);
      if (options.post && options.org === undefined) throw new CliError("--post needs --org <org> (the organisation whose office repository gets the report)", USAGE);
      if (options.snapshot === undefined && options.org === undefined) throw new CliError("missing --snapshot <file> (or --org <org> to fetch the portfolio from GitHub)", USAGE);
      const format = options.format as (typeof FORMATS)[number];
      if (!FORMATS.includes(format)) throw new CliError(`--format must be one of ${FORMATS.join(", ")}, got "${options.format}"`, USAGE);
      if (!/^\d+$/.test(options.seed)) throw new CliError(`--seed must be a non-negative integer, got "${options.seed}"`, USAGE);
      if (options.now !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.now)) throw new CliError(`--now must be a date like 2026-11-23, got "${options.now}"`, USAGE);
      if (options.out !== undefined && options.snapshot !== undefined && resolve(options.out) === resolve(options.snapshot)) throw new CliError("--out would overwrite the snapshot; choose another path", USAGE);
      const overrides: { method?: "exact" | "monte-carlo"; trials?: number } = {};
      if (options.method !== undefined) {
        if (options.method !== "exact" && options.method !== "monte-carlo") throw new CliError(`--method must be exact or monte-carlo, got "${options.method}"`, USAGE);
        overrides.method = options.method;
      }
      if (options.trials !== undefined) {
        const trials = Number(options.trials);
        if (!Number.isInteger(trials) || trials < 100 || trials > 1_000_000) throw new CliError(`--trials must be an integer from 100 to 1000000, got "${options.trials}"`, USAGE);
        overrides.trials = trials;
      }
      if (options.post) return post({ ...options, org: options.org! }, overrides);
      let config: ConvergeConfig;
      let snapshot: PortfolioSnapshot;
      if (options.org !== undefined) {
        const octokit = await connect(options.org);
        config = await readOrgConfig(octokit, options.org, options.config);
        snapshot =
          options.snapshot !== undefined
            ? await snapshotFromFile(options.snapshot)
            : (await fetchFromGitHub(octokit, { org: options.org, config, now: options.now === undefined ? new Date() : new Date(`${options.now}T12:00:00Z`) })).snapshot;
      } else {
        config = await loadConfig(options.config);
        snapshot = await snapshotFromFile(options.snapshot!);
      }
      if (overrides.method) config.forecast.method = overrides.method;
      if (overrides.trials) config.forecast.trials = overrides.trials;
      const parsed = { snapshot };
      let previous: ReportSummary | null | undefined;
      if (options.previous !== undefined) {
        const result = extractSummary(await readReportParts(options.previous));
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

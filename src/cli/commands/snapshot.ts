import type { Command } from "commander";
import type { ConvergeConfig } from "../../config/schema.js";
import { serializeSnapshot } from "../../domain/snapshot/generate.js";
import type { PortfolioSnapshot } from "../../domain/snapshot/schema.js";
import { createCliOctokit, MissingCredentialsError } from "../../github/gates-client.js";
import type { Octokit } from "../../github/octokit.js";
import { fetchPortfolioSnapshot, type SnapshotFetchResult } from "../../github/snapshot/index.js";
import { CliError } from "../errors.js";
import { readSnapshotFile, writeOutput } from "../io.js";
import { progressReporter } from "../progress.js";
import { parseOrg, readOrgConfig } from "../org.js";

interface SnapshotOptions {
  org?: string;
  out?: string;
  config?: string;
  previous?: string;
  app: string;
}

const USAGE = 2;
const GITHUB = 3;

export function explainOrgError(error: unknown, org: string): never {
  const status = (error as { status?: number }).status;
  if (status === 401) throw new CliError("GitHub rejected the credentials (401): check GITHUB_TOKEN or APP_ID/PRIVATE_KEY", GITHUB);
  if (status === 403) throw new CliError(`GitHub refused access to ${org} (403): the token needs read access to its issues (or the rate limit is exhausted)`, GITHUB);
  if (status === 404) throw new CliError(`organization ${org} not found, or the app is not installed there (404)`, GITHUB);
  throw error;
}

/** An org client and its config: --config, else the org's .github/converge.yml. */
export async function orgClient(org: string, configFile: string | undefined): Promise<{ octokit: Octokit; config: ConvergeConfig }> {
  let octokit: Octokit;
  try {
    octokit = await createCliOctokit(process.env, { org });
  } catch (error) {
    if (error instanceof MissingCredentialsError) throw new CliError(error.message, USAGE);
    explainOrgError(error, org);
  }
  return { octokit, config: await readOrgConfig(octokit, org, configFile) };
}

/** Fetch with a progress line on stderr; errors from GitHub become actionable messages. */
export async function fetchWithProgress(
  octokit: Octokit,
  org: string,
  config: ConvergeConfig,
  options: { previous?: PortfolioSnapshot; appLogin: string; now?: Date },
): Promise<SnapshotFetchResult> {
  const progress = progressReporter(process.stderr);
  try {
    return await fetchPortfolioSnapshot(octokit, {
      org,
      config,
      now: options.now ?? new Date(),
      appLogin: options.appLogin,
      onProgress: progress.update,
      ...(options.previous ? { previous: options.previous } : {}),
    });
  } catch (error) {
    explainOrgError(error, org);
  } finally {
    progress.done();
  }
}

export function statsLine(org: string, result: SnapshotFetchResult): string {
  const { snapshot, stats } = result;
  const ratio = stats.floor ? ` (floor ${stats.floor}, ${(stats.requests / stats.floor).toFixed(2)} × floor)` : "";
  const left = stats.remaining === null ? "" : `, ${stats.remaining} left this hour`;
  const omitted = snapshot.completeness?.omitted.length ?? 0;
  return (
    `converge: ${org}: ${snapshot.useCases.length} use cases, ${snapshot.initiatives.length} initiatives, ` +
    `${snapshot.useCases.reduce((n, u) => n + u.stories.length, 0)} stories; ${stats.requests} GitHub requests${ratio}, ${stats.points} GraphQL points used${left}` +
    (omitted > 0 ? `; ${omitted} item${omitted === 1 ? "" : "s"} left out (see completeness.omitted)` : "")
  );
}

export function register(program: Command): void {
  program
    .command("snapshot")
    .description("Fetch the org-wide portfolio snapshot from GitHub (use cases, initiatives, stories, gates, deployments, coverage, sprints).")
    .option("--org <org>", "the organization whose portfolio to fetch")
    .option("--out <path>", "write the snapshot JSON to this file instead of stdout")
    .option("--config <file>", "use this converge.yml instead of the org's .github/.github/converge.yml")
    .option("--previous <file>", "last snapshot: fetch only what changed since it (incremental refresh)")
    .option("--app <login>", "Converge's bot login, to tell its reverts of unauthorised gate labels from people's decisions", `${process.env.APP_SLUG || "converge"}[bot]`)
    .addHelpText(
      "after",
      [
        "",
        "Credentials: GITHUB_TOKEN (or GH_TOKEN), or APP_ID + PRIVATE_KEY [+ INSTALLATION_ID]; GITHUB_API_URL for GHES.",
        "Progress goes to stderr (a bar on a terminal, plain lines otherwise), then one line with requests and points used.",
      ].join("\n"),
    )
    .action(async (options: SnapshotOptions) => {
      const org = parseOrg(options.org);
      let previous: PortfolioSnapshot | undefined;
      if (options.previous) {
        const parsed = await readSnapshotFile(options.previous, "previous snapshot");
        if (!parsed.ok) throw new CliError(`${options.previous} is not a valid portfolio snapshot:\n${parsed.problems.map((p) => `  - ${p}`).join("\n")}`, 1);
        previous = parsed.snapshot;
      }
      const { octokit, config } = await orgClient(org, options.config);
      const result = await fetchWithProgress(octokit, org, config, { appLogin: options.app, ...(previous ? { previous } : {}) });
      const text = serializeSnapshot(result.snapshot);
      if (options.out) await writeOutput(options.out, text);
      else process.stdout.write(text);
      process.stderr.write(`${statsLine(org, result)}\n`);
    });
}

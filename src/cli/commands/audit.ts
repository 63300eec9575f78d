import type { Command } from "commander";
import type { ConvergeConfig } from "../../config/schema.js";
import { auditToCsv, auditToJson } from "../../domain/gates/export.js";
import { collectAudit, readRepoConfig } from "../../github/gates-audit.js";
import { createCliOctokit, MissingCredentialsError } from "../../github/gates-client.js";
import { readConfigFile } from "../config-file.js";
import { CliError } from "../errors.js";
import { writeOutput } from "../io.js";

interface AuditOptions {
  repo?: string;
  since?: string;
  format: string;
  out?: string;
  config?: string;
  app: string;
}

const USAGE = 2;

function parseRepo(text: string | undefined): { owner: string; repo: string } {
  if (!text) throw new CliError("missing --repo owner/name", USAGE);
  const match = /^([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100})$/.exec(text);
  if (!match?.[1] || !match[2]) throw new CliError(`--repo must be owner/name, got "${text}"`, USAGE);
  return { owner: match[1], repo: match[2] };
}

function parseSince(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(text) || Number.isNaN(Date.parse(text))) {
    throw new CliError(`--since must be a date (YYYY-MM-DD) or an ISO date-time, got "${text}"`, USAGE);
  }
  return text;
}

function explainGithubError(error: unknown, repo: string): never {
  const status = (error as { status?: number }).status;
  if (status === 401) throw new CliError("GitHub rejected the credentials (401): check GITHUB_TOKEN or APP_ID/PRIVATE_KEY", 3);
  if (status === 403) throw new CliError(`GitHub refused access to ${repo} (403): the token needs read access to issues (or the rate limit is exhausted)`, 3);
  if (status === 404) throw new CliError(`repository ${repo} not found, or not visible with these credentials (404)`, 3);
  throw error;
}

export function register(program: Command): void {
  program
    .command("audit")
    .description("Export every governance gate decision of a repository's use cases, rebuilt from their issue timelines.")
    .option("--repo <owner/name>", "the repository holding the use cases")
    .option("--since <date>", "only decisions at or after this date (YYYY-MM-DD or ISO date-time)")
    .option("--format <format>", "csv | json", "csv")
    .option("--out <path>", "write to this file instead of stdout")
    .option("--config <file>", "use this converge.yml instead of the repository's .github/converge.yml")
    .option("--app <login>", "Converge's bot login, to tell its reverts from people's decisions", `${process.env.APP_SLUG || "converge"}[bot]`)
    .addHelpText("after", "\nCredentials: GITHUB_TOKEN (or GH_TOKEN), or APP_ID + PRIVATE_KEY [+ INSTALLATION_ID]; GITHUB_API_URL for GHES.")
    .action(async (options: AuditOptions) => {
      const repo = parseRepo(options.repo);
      const since = parseSince(options.since);
      if (options.format !== "csv" && options.format !== "json") throw new CliError(`--format must be csv or json, got "${options.format}"`, USAGE);
      const name = `${repo.owner}/${repo.repo}`;
      let octokit;
      try {
        octokit = await createCliOctokit(process.env, repo);
      } catch (error) {
        if (error instanceof MissingCredentialsError) throw new CliError(error.message, USAGE);
        explainGithubError(error, name);
      }
      let config: ConvergeConfig;
      if (options.config) config = await readConfigFile(options.config);
      else {
        const loaded = await readRepoConfig(octokit, repo).catch((error: unknown) => explainGithubError(error, name));
        if (!loaded.ok) throw new CliError(`${name}'s .github/converge.yml is not valid:\n${loaded.problems.map((p) => `  - ${p}`).join("\n")}`);
        config = loaded.config;
      }
      const entries = await collectAudit(octokit, repo, { config, appLogin: options.app, ...(since ? { since } : {}) }).catch((error: unknown) =>
        explainGithubError(error, name),
      );
      const text =
        options.format === "csv"
          ? auditToCsv(entries)
          : auditToJson(entries, { repository: name, ...(since ? { since } : {}), generatedAt: new Date().toISOString() });
      if (options.out) {
        await writeOutput(options.out, text);
        process.stderr.write(`converge: ${entries.length} gate decision${entries.length === 1 ? "" : "s"} written to ${options.out}\n`);
      } else process.stdout.write(text);
    });
}

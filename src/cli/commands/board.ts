import type { Command } from "commander";
import { buildReport } from "../../domain/report/index.js";
import type { PortfolioSnapshot } from "../../domain/snapshot/schema.js";
import { syncBoard } from "../../github/board/index.js";
import { createCliOctokit, MissingCredentialsError } from "../../github/gates-client.js";
import type { Octokit } from "../../github/octokit.js";
import { fetchPortfolioSnapshot } from "../../github/snapshot/index.js";
import { CliError } from "../errors.js";
import { printJson, readSnapshotFile, releaseParsedText } from "../io.js";
import { parseOrg, readOrgConfig } from "../org.js";

interface BoardOptions {
  org?: string;
  snapshot?: string;
  config?: string;
  now?: string;
  json?: boolean;
}

const USAGE = 2;

/**
 * `converge board --org <org>`: sync the program board now (docs/board.md), the same sync the weekly report job
 * runs after posting. The portfolio comes from `--snapshot` or from GitHub; the forecast is built from it.
 */
export function register(program: Command): void {
  program
    .command("board")
    .description("Sync the organization's program board (Project v2 in board.project): items, Converge's fields, the week's status update.")
    .option("--org <org>", "the organization that owns the board")
    .option("--snapshot <file>", "portfolio snapshot JSON (default: fetched from GitHub)")
    .option("--config <file>", "converge.yml to use instead of the organization's .github/.github/converge.yml")
    .option("--now <date>", "the forecast's day, YYYY-MM-DD (default: today)")
    .option("--json", "print the result as JSON")
    .addHelpText("after", "\nCredentials: GITHUB_TOKEN (or GH_TOKEN), or APP_ID + PRIVATE_KEY [+ INSTALLATION_ID]; GITHUB_API_URL for GHES.")
    .action(async (options: BoardOptions) => {
      const org = parseOrg(options.org);
      if (options.now !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.now)) throw new CliError(`--now must be a date like 2026-11-23, got "${options.now}"`, USAGE);
      const now = options.now ? new Date(`${options.now}T12:00:00Z`) : new Date();

      let octokit: Octokit;
      try {
        octokit = await createCliOctokit(process.env, { owner: org, repo: ".github" });
      } catch (error) {
        if (error instanceof MissingCredentialsError) throw new CliError(error.message, USAGE);
        throw error;
      }
      const config = await readOrgConfig(octokit, org, options.config);
      if (config.board.project === undefined) throw new CliError(`board.project is not set for ${org}: name the program board's project number in .github/converge.yml`, USAGE);

      let snapshot: PortfolioSnapshot;
      if (options.snapshot) {
        const parsed = await readSnapshotFile(options.snapshot, "snapshot file");
        if (!parsed.ok) throw new CliError(`${options.snapshot} is not a valid portfolio snapshot:\n${parsed.problems.map((p) => `  - ${p}`).join("\n")}`, 1);
        releaseParsedText();
        snapshot = parsed.snapshot;
      } else {
        try {
          snapshot = (await fetchPortfolioSnapshot(octokit, { org, config, now })).snapshot;
        } catch (error) {
          throw new CliError(error instanceof Error ? error.message : String(error), 1);
        }
      }
      const report = buildReport(snapshot, { now: now.toISOString(), config, seed: 1 });
      const result = await syncBoard(octokit, { org, config, snapshot, report, now });
      if (options.json) printJson(result);
      if (result.status === "forbidden" || result.status === "not-found") throw new CliError(result.message, 3);
      if (result.status !== "synced") throw new CliError(result.message, USAGE);
      if (!options.json) {
        const lines = [
          `converge: program board "${result.project.title}" (${org} project ${result.project.number}) synced in ${result.requests} request${result.requests === 1 ? "" : "s"}`,
          `  fields created: ${result.fieldsCreated.length ? result.fieldsCreated.join(", ") : "none"}`,
          `  items added: ${result.itemsAdded}, values written: ${result.valuesWritten}, status update: ${result.statusUpdate}`,
          ...result.notices.map((n) => `  note: ${n}`),
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      }
    });
}

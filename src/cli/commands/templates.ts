import type { Command } from "commander";
import { createCliOctokit, MissingCredentialsError } from "../../github/gates-client.js";
import type { Octokit } from "../../github/octokit.js";
import { listInstallationRepos, listOrgRepositories, readOrgStandard, syncOrgTemplates, type RepoOutcome } from "../../github/template-sync.js";
import type { StandardForm } from "../../domain/templates/drift.js";
import { bundledFormTexts } from "../../templates.js";
import { CliError } from "../errors.js";
import { progressBar } from "../progress.js";
import { painter, type Painter } from "../style.js";
import { parseOrg } from "../org.js";

const USAGE = 2;
const GITHUB = 3;

interface SyncOptions {
  org?: string;
  dryRun?: boolean;
  json?: boolean;
}

function explain(error: unknown, what: string): never {
  const status = (error as { status?: number }).status;
  if (status === 401) throw new CliError("GitHub rejected the credentials (401): check GITHUB_TOKEN or APP_ID/PRIVATE_KEY", GITHUB);
  if (status === 403) throw new CliError(`GitHub refused ${what} (403): the credentials need contents and pull requests write access (or the rate limit is exhausted)`, GITHUB);
  if (status === 404) throw new CliError(`${what}: not found, or not visible with these credentials (404)`, GITHUB);
  throw error;
}

function line(outcome: RepoOutcome, paint: Painter): string | undefined {
  const forms = "forms" in outcome ? outcome.forms.join(", ") : "";
  switch (outcome.kind) {
    case "in-step":
      return undefined;
    case "skipped":
      return paint.dim(`${outcome.repo}: skipped, ${outcome.reason}`);
    case "opted-out":
      return paint.dim(`${outcome.repo}: opted out (templates in .github/converge.yml), differs in ${forms}`);
    case "declined":
      return paint.dim(`${outcome.repo}: pull request ${outcome.pullRequest} was closed without merging; not proposed again until the standard changes (${forms})`);
    case "failed":
      return `${outcome.repo}: ${paint.red("failed")}: ${outcome.message}`;
    case "planned":
      return `${outcome.repo}: ${paint.yellow("would")} ${outcome.pullRequest ? `update pull request ${outcome.pullRequest}` : "open a pull request"} (${forms})`;
    case "opened":
      return `${outcome.repo}: ${paint.green("opened")} pull request ${outcome.pullRequest} (${forms})`;
    case "updated":
      return `${outcome.repo}: ${paint.green("updated")} pull request ${outcome.pullRequest} (${forms})`;
    case "pending":
      return `${outcome.repo}: pull request ${outcome.pullRequest} is open and up to date (${forms})`;
  }
}

function summary(outcomes: RepoOutcome[], dryRun: boolean): string {
  const count = (...kinds: RepoOutcome["kind"][]) => outcomes.filter((o) => kinds.includes(o.kind)).length;
  const proposed = count("planned", "opened", "updated", "pending");
  return [
    `${outcomes.length} repositor${outcomes.length === 1 ? "y" : "ies"}:`,
    `${proposed} ${dryRun ? "would have" : "with"} a pull request,`,
    `${count("in-step")} in step,`,
    `${count("opted-out")} opted out,`,
    ...(count("declined") > 0 ? [`${count("declined")} declined,`] : []),
    `${count("skipped")} skipped,`,
    `${count("failed")} failed`,
  ].join(" ");
}

function standardLine(org: string, standard: StandardForm[]): string {
  return `standard: ${standard.map((f) => `${f.name} (${f.source === "org" ? `${org}/.github` : "bundled with Converge"})`).join(", ")}`;
}

export function register(program: Command): void {
  const templates = program.command("templates").description("Converge's issue forms across an organisation.");
  templates
    .command("sync")
    .description(
      "Bring every repository's copy of Converge's issue forms back to the org standard (the org's .github repository, else the forms Converge ships): one pull request per repository that differs, found again and updated on re-runs.",
    )
    .option("--org <org>", "the organisation whose repositories to check")
    .option("--dry-run", "read everything and print the plan; write nothing")
    .option("--json", "print the result as JSON (for scripts)")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ converge templates sync --org acme --dry-run   # which repositories differ, and what would be proposed",
        "  $ converge templates sync --org acme             # open or update one pull request per repository",
        "  $ converge templates sync --org acme --json      # the outcome per repository, for scripts",
        "",
        "Only the forms a repository has a copy of are compared. A repository opts out with `templates: { sync: false }`",
        "in its .github/converge.yml (or keeps single forms with `templates: { ignore: [user-story.yml] }`).",
        "Archived repositories, forks and the .github repository itself are skipped. The pull request comes from the",
        "branch converge/templates; re-running updates it, never duplicates it.",
        "Credentials: GITHUB_TOKEN (or GH_TOKEN; the org's repositories it can see), or APP_ID + PRIVATE_KEY",
        "[+ INSTALLATION_ID] (the repositories the installation can see); GITHUB_API_URL for GHES.",
        "Exit codes: 0 done (or nothing to do), 1 some repositories failed (listed), 2 usage, 3 GitHub refused.",
      ].join("\n"),
    )
    .action(async (options: SyncOptions) => {
      const org = parseOrg(options.org);
      const dryRun = Boolean(options.dryRun);
      let octokit: Octokit;
      try {
        octokit = await createCliOctokit(process.env, { owner: org, repo: ".github" });
      } catch (error) {
        if (error instanceof MissingCredentialsError) throw new CliError(error.message, USAGE);
        explain(error, `access to ${org}`);
      }
      const standard = await readOrgStandard(octokit, org, bundledFormTexts()).catch((e: unknown) => explain(e, `reading the issue forms of ${org}/.github`));
      const byToken = Boolean(process.env.GITHUB_TOKEN || process.env.GH_TOKEN);
      const repos = await (byToken ? listOrgRepositories(octokit, org) : listInstallationRepos(octokit, org)).catch((e: unknown) =>
        explain(e, `listing ${org}'s repositories`),
      );
      const progress = progressBar(repos.length, "checking");
      const outcomes = await syncOrgTemplates(octokit, org, { repos, standard, dryRun, onRepo: (o) => progress.tick(o.repo) });
      progress.done();
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ org, dryRun, standard: standard.map((f) => ({ form: f.name, source: f.source })), repositories: outcomes }, null, 2)}\n`);
      } else {
        const paint = painter(process.stdout);
        const lines = [`converge templates sync ${org}${dryRun ? " (dry run: nothing written)" : ""}`, standardLine(org, standard)];
        for (const outcome of outcomes) {
          const text = line(outcome, paint);
          if (text) lines.push(text);
        }
        lines.push(summary(outcomes, dryRun));
        process.stdout.write(`${lines.join("\n")}\n`);
      }
      if (outcomes.some((o) => o.kind === "failed")) process.exitCode = 1;
    });
}

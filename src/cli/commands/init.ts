import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import type { ConvergeConfig } from "../../config/schema.js";
import { convergeLabels, planLabels, type LabelPlan } from "../../domain/adoption/labels.js";
import { INIT_BRANCH, pullRequestBody, starterConfig, wantedFiles, type FileChange } from "../../domain/adoption/files.js";
import { checkInstallation, describeCheck, type InstallationCheck, type Level } from "../../domain/adoption/permissions.js";
import { applyLabelPlan, findInstallation, listLabels, listOrgRepos, proposeFiles, readRepo, type Proposal } from "../../github/adoption.js";
import { readRepoConfig } from "../../github/gates-audit.js";
import { createCliOctokit, MissingCredentialsError } from "../../github/gates-client.js";
import type { Octokit } from "../../github/octokit.js";
import { TEMPLATES_DIR } from "../../templates.js";
import { CliError } from "../errors.js";
import { progressBar } from "../progress.js";
import { parseOrg } from "../org.js";

const USAGE = 2;
const GITHUB = 3;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const APP_MANIFEST = fileURLToPath(new URL("../../../app.yml", import.meta.url));

interface InitOptions {
  org?: string;
  repo?: string;
  dryRun?: boolean;
  json?: boolean;
  app: string;
}

/** The bundled issue forms, file name → text. */
function bundledForms(): Record<string, string> {
  const forms: Record<string, string> = {};
  for (const name of readdirSync(TEMPLATES_DIR).filter((n) => n.endsWith(".yml")).sort()) forms[name] = readFileSync(`${TEMPLATES_DIR}${name}`, "utf8");
  return forms;
}

/** What app.yml asks for: the permissions and events Converge's handlers use. */
function neededByApp(): { permissions: Record<string, Level>; events: string[] } {
  const manifest = parseYaml(readFileSync(APP_MANIFEST, "utf8")) as { default_permissions?: Record<string, Level>; default_events?: string[] };
  return { permissions: manifest.default_permissions ?? {}, events: manifest.default_events ?? [] };
}

function explain(error: unknown, what: string): never {
  const status = (error as { status?: number }).status;
  if (status === 401) throw new CliError("GitHub rejected the credentials (401): check GITHUB_TOKEN or APP_ID/PRIVATE_KEY", GITHUB);
  if (status === 403) throw new CliError(`GitHub refused ${what} (403): the credentials need contents, pull requests and issues write access (or the rate limit is exhausted)`, GITHUB);
  if (status === 404) throw new CliError(`${what}: not found, or not visible with these credentials (404)`, GITHUB);
  if (status === 422) throw new CliError(`GitHub refused ${what} (422): ${(error as Error).message}`, GITHUB);
  throw error;
}

interface InitReport {
  target: string;
  dryRun: boolean;
  files: { status: Proposal["kind"]; changes: Array<Pick<FileChange, "path" | "action">>; pullRequest?: string | undefined };
  labels: Array<{ repository: string; create: string[]; update: string[] }>;
  installation: { checked: false; reason: string } | ({ checked: true; id: number; missing: string[] } & InstallationCheck);
}

function filesLine(files: InitReport["files"]): string {
  const list = files.changes.map((c) => `${c.action} ${c.path}`).join(", ");
  switch (files.status) {
    case "in-place":
      return "files: the issue forms and .github/converge.yml are in place";
    case "planned":
      return `files: would ${files.pullRequest ? `update pull request ${files.pullRequest}` : "open a pull request"} (${list})`;
    case "opened":
      return `files: opened pull request ${files.pullRequest} (${list})`;
    case "updated":
      return `files: updated pull request ${files.pullRequest} (${list})`;
    case "pending":
      return `files: pull request ${files.pullRequest} is open and up to date: merge it`;
  }
}

function render(report: InitReport): string {
  const verb = report.dryRun ? "would " : "";
  const lines = [`converge init ${report.target}${report.dryRun ? " (dry run: nothing written)" : ""}`, filesLine(report.files)];
  const changed = report.labels.filter((l) => l.create.length + l.update.length > 0);
  if (changed.length === 0) lines.push(`labels: all in place in ${report.labels.length} repositor${report.labels.length === 1 ? "y" : "ies"}`);
  for (const l of changed) {
    const parts = [l.create.length ? `${verb}create ${l.create.join(", ")}` : "", l.update.length ? `${verb}update ${l.update.join(", ")}` : ""].filter(Boolean);
    lines.push(`labels in ${l.repository}: ${parts.join("; ")}`);
  }
  if (!report.installation.checked) lines.push(`app permissions: not checked: ${report.installation.reason}`);
  else if (report.installation.missing.length === 0) lines.push(`app permissions: installation ${report.installation.id} has every permission and event app.yml asks for`);
  else {
    lines.push(`app permissions: installation ${report.installation.id} is missing what app.yml asks for (accept the new permissions in the org's app settings):`);
    for (const m of report.installation.missing) lines.push(`  - ${m}`);
  }
  return `${lines.join("\n")}\n`;
}

async function labelsFor(octokit: Octokit, owner: string, repos: string[], config: ConvergeConfig, dryRun: boolean): Promise<InitReport["labels"]> {
  const wanted = convergeLabels(config);
  const out: InitReport["labels"] = [];
  const progress = progressBar(repos.length > 1 ? repos.length : 0, "labels"); // org-wide: one step per repository
  try {
    for (const repo of repos) {
      progress.tick(repo);
      const ref = { owner, repo };
      const existing = await listLabels(octokit, ref).catch((e: unknown) => explain(e, `reading the labels of ${owner}/${repo}`));
      const plan: LabelPlan = planLabels(wanted, existing);
      if (!dryRun) await applyLabelPlan(octokit, ref, plan).catch((e: unknown) => explain(e, `writing labels in ${owner}/${repo}`));
      out.push({ repository: `${owner}/${repo}`, create: plan.create.map((l) => l.name), update: plan.update.map((l) => l.name) });
    }
  } finally {
    progress.done(); // a refusal mid-way: its message starts on a clean line
  }
  return out;
}

export function register(program: Command): void {
  program
    .command("init")
    .description(
      "Adopt Converge: one pull request with the issue forms and a starter .github/converge.yml (to the org's .github repository, or to one repository), the labels Converge uses, and a check of the app's permissions.",
    )
    .option("--org <org>", "the organisation (or user) that owns the repositories")
    .option("--repo <name>", "adopt one repository instead of the org-wide defaults in <org>/.github")
    .option("--dry-run", "read everything and print the plan; write nothing")
    .option("--json", "print the result as JSON (for scripts)")
    .option("--app <slug>", "the app's slug, to find its installation", process.env.APP_SLUG || "converge")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ converge init --org acme --dry-run        # the plan for org-wide defaults in acme/.github",
        "  $ converge init --org acme                   # open the pull request, create the labels in every repository",
        "  $ converge init --org acme --repo plant-iot  # adopt one repository",
        "",
        "Re-running changes nothing when everything is in place: the pull request (branch converge/init) is found and",
        "updated, never duplicated; an existing .github/converge.yml is never overwritten.",
        "Credentials: GITHUB_TOKEN (or GH_TOKEN), or APP_ID + PRIVATE_KEY [+ INSTALLATION_ID]; GITHUB_API_URL for GHES.",
        "Exit codes: 0 done (or nothing to do), 1 the app's installation lacks permissions or events, 2 usage, 3 GitHub refused.",
      ].join("\n"),
    )
    .action(async (options: InitOptions) => {
      const org = parseOrg(options.org);
      if (options.repo !== undefined && !REPO.test(options.repo)) throw new CliError(`--repo must be a repository name (without owner), got "${options.repo}"`, USAGE);
      const orgWide = options.repo === undefined;
      const target = { owner: org, repo: options.repo ?? ".github" };
      const name = `${target.owner}/${target.repo}`;
      const dryRun = Boolean(options.dryRun);

      let octokit: Octokit;
      try {
        octokit = await createCliOctokit(process.env, target);
      } catch (error) {
        if (error instanceof MissingCredentialsError) throw new CliError(error.message, USAGE);
        explain(error, `access to ${name}`);
      }
      const info = await readRepo(octokit, target).catch((e: unknown) => explain(e, `reading ${name}`));
      if (!info) {
        throw new CliError(
          orgWide
            ? `${name} does not exist: create the organisation's .github repository (it holds the org-wide defaults), or pass --repo <name>`
            : `repository ${name} not found, or not visible with these credentials`,
          GITHUB,
        );
      }
      if (info.archived) throw new CliError(`${name} is archived: unarchive it or choose another repository`, GITHUB);
      const loaded = await readRepoConfig(octokit, target).catch((e: unknown) => explain(e, `reading ${name}'s .github/converge.yml`));
      if (!loaded.ok) throw new CliError(`${name}'s .github/converge.yml is not valid:\n${loaded.problems.map((p) => `  - ${p}`).join("\n")}`);

      const proposal = await proposeFiles(octokit, target, {
        defaultBranch: info.defaultBranch,
        wanted: wantedFiles(bundledForms(), starterConfig({ orgWide, org: org })),
        branch: INIT_BRANCH,
        title: "Adopt Converge: issue forms and configuration",
        commitMessage: "Adopt Converge: issue forms and .github/converge.yml (converge init)",
        body: (changes) => pullRequestBody(changes, orgWide),
        dryRun,
      }).catch((e: unknown) => explain(e, `proposing files to ${name}`));

      const repos = orgWide ? await listOrgRepos(octokit, org).catch((e: unknown) => explain(e, `listing ${org}'s repositories`)) : [target.repo];
      const labels = await labelsFor(octokit, org, repos, loaded.config, dryRun);

      const granted = await findInstallation(process.env, octokit, org, options.app, !(process.env.GITHUB_TOKEN || process.env.GH_TOKEN));
      let installation: InitReport["installation"];
      if (!granted) {
        installation = {
          checked: false,
          reason: `no installation of app "${options.app}" visible to these credentials (install the app on ${org}; with a token, an org owner's token with read:org can see it)`,
        };
      } else {
        const check = checkInstallation(neededByApp(), granted);
        installation = { checked: true, id: granted.id, ...check, missing: describeCheck(check) };
      }

      const report: InitReport = {
        target: name,
        dryRun,
        files: {
          status: proposal.kind,
          changes: proposal.kind === "in-place" ? [] : proposal.changes.map((c) => ({ path: c.path, action: c.action })),
          pullRequest: proposal.kind === "in-place" ? undefined : proposal.pull?.url,
        },
        labels,
        installation,
      };
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : render(report));
      if (installation.checked && installation.missing.length > 0) process.exitCode = 1;
    });
}

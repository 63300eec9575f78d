import type { Octokit, RepoRef } from "./octokit.js";
import { branchHead, findOpenPull, proposeFiles, readFile, type Proposal } from "./adoption.js";
import { withKeyLock } from "./keyed-lock.js";
import { CONFIG_PATH } from "../config/load.js";
import { validateConfig } from "../config/validate.js";
import { FORMS_DIR } from "../domain/adoption/files.js";
import {
  TEMPLATES_BRANCH,
  drifted,
  driftPullBody,
  driftPullTitle,
  formPath,
  standardForms,
  suspects,
  type ListedFile,
  type StandardForm,
} from "../domain/templates/drift.js";

/**
 * GitHub I/O for template drift (issue 15): the org standard, each repository's copies, and the one pull request per
 * repository that brings them back (src/github/adoption.ts `proposeFiles`: found again by branch, never duplicated).
 * Requests per repository in step: 1 (the folder listing; its blob ids are compared, no file is downloaded).
 */

const status = (error: unknown) => (error as { status?: number }).status;

export interface SyncRepo {
  name: string;
  defaultBranch: string;
  archived: boolean;
  fork: boolean;
}

export type RepoOutcome =
  | { repo: string; kind: "skipped"; reason: string }
  | { repo: string; kind: "in-step" }
  | { repo: string; kind: "opted-out"; forms: string[] }
  | { repo: string; kind: "declined"; forms: string[]; pullRequest: string }
  | { repo: string; kind: "failed"; message: string }
  | { repo: string; kind: "planned" | "opened" | "updated" | "pending"; forms: string[]; pullRequest?: string | undefined };

/** The files in a repository's .github/ISSUE_TEMPLATE (empty when it has none). */
export async function listForms(octokit: Octokit, repo: RepoRef, ref?: string): Promise<ListedFile[]> {
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { ...repo, path: FORMS_DIR, ...(ref ? { ref } : {}) });
    return Array.isArray(data) ? data.map((f) => ({ name: f.name, sha: f.sha, type: f.type })) : [];
  } catch (error) {
    if (status(error) === 404) return [];
    throw error;
  }
}

/** The org standard: the org's `.github` repository's copy of each bundled form, else the bundled one. */
export async function readOrgStandard(octokit: Octokit, org: string, bundled: Record<string, string>): Promise<StandardForm[]> {
  const ref = { owner: org, repo: ".github" };
  const listing = await listForms(octokit, ref);
  const copies: Record<string, string | undefined> = {};
  for (const name of Object.keys(bundled)) {
    if (listing.some((f) => f.type === "file" && f.name === name)) copies[name] = await readFile(octokit, ref, formPath(name));
  }
  return standardForms(bundled, copies);
}

/** The repositories the installation (or token) can see in `org`, with what the sync needs to know of each. */
export async function listInstallationRepos(octokit: Octokit, org: string): Promise<SyncRepo[]> {
  const repos = await octokit.paginate("GET /installation/repositories", { per_page: 100 });
  return repos.filter((r) => r.owner.login.toLowerCase() === org.toLowerCase()).map(toSyncRepo);
}

export async function listOrgRepositories(octokit: Octokit, org: string): Promise<SyncRepo[]> {
  const repos = await octokit.paginate("GET /orgs/{org}/repos", { org, type: "all", per_page: 100 });
  return repos.map(toSyncRepo);
}

function toSyncRepo(r: { name: string; default_branch?: string; archived?: boolean; fork: boolean }): SyncRepo {
  return { name: r.name, defaultBranch: r.default_branch ?? "main", archived: Boolean(r.archived), fork: r.fork };
}

/**
 * The repository's `templates` settings, read as the app reads its config: the repository's file, else the org's
 * `.github` one, following `_extends`. An invalid config is not guessed at: the repository is skipped (intake
 * reports the problem on its use cases).
 */
async function templateSettings(octokit: Octokit, repo: RepoRef): Promise<{ sync: boolean; ignore: string[] } | { invalid: string }> {
  const { config } = await octokit.config.get({ ...repo, path: CONFIG_PATH });
  const result = validateConfig(config ?? {});
  if (!result.ok) return { invalid: `${CONFIG_PATH} is not valid (${result.problems[0] ?? "unknown problem"})` };
  return result.config.templates;
}

/**
 * Bring one repository's forms back to the standard: list its forms; if a copy differs, read its settings (opt-out,
 * ignored forms) and propose the standard forms in one pull request, updated in place when it is open already.
 * Serialised per repository, so two pushes in quick succession never race to open two pull requests.
 */
export async function syncRepoTemplates(
  octokit: Octokit,
  owner: string,
  repo: SyncRepo,
  standard: StandardForm[],
  dryRun: boolean,
): Promise<RepoOutcome> {
  const ref = { owner, repo: repo.name };
  const name = repo.name;
  if (name.toLowerCase() === ".github") return { repo: name, kind: "skipped", reason: "holds the org standard" };
  if (repo.archived) return { repo: name, kind: "skipped", reason: "archived (read-only)" };
  if (repo.fork) return { repo: name, kind: "skipped", reason: "a fork (its forms follow its upstream)" };
  return withKeyLock(`templates:${owner}/${name}`.toLowerCase(), async () => {
    const listing = await listForms(octokit, ref);
    const maybe = suspects(standard, listing, []);
    if (maybe.length === 0) return { repo: name, kind: "in-step" as const };
    const copies: Record<string, string | undefined> = {};
    for (const form of maybe) copies[form.name] = await readFile(octokit, ref, formPath(form.name));
    const off = drifted(maybe, copies);
    if (off.length === 0) return { repo: name, kind: "in-step" as const };
    const settings = await templateSettings(octokit, ref);
    if ("invalid" in settings) return { repo: name, kind: "skipped" as const, reason: settings.invalid };
    if (!settings.sync) return { repo: name, kind: "opted-out" as const, forms: off.map((f) => f.name) };
    const forms = off.filter((f) => !settings.ignore.some((i) => i.toLowerCase() === f.name.toLowerCase()));
    if (forms.length === 0) return { repo: name, kind: "opted-out" as const, forms: off.map((f) => f.name) };
    const declined = await declinedProposal(octokit, ref, forms);
    if (declined) return { repo: name, kind: "declined" as const, forms: forms.map((f) => f.name), pullRequest: declined };
    const proposal: Proposal = await proposeFiles(octokit, ref, {
      defaultBranch: repo.defaultBranch,
      wanted: forms.map((f) => ({ path: formPath(f.name), content: f.content, keepExisting: false })),
      branch: TEMPLATES_BRANCH,
      title: driftPullTitle(),
      commitMessage: `Converge: issue forms back to the org standard (${forms.map((f) => f.name).join(", ")})`,
      body: () => driftPullBody(owner, forms),
      dryRun,
    });
    if (proposal.kind === "in-place") return { repo: name, kind: "in-step" as const };
    return { repo: name, kind: proposal.kind, forms: forms.map((f) => f.name), pullRequest: proposal.pull?.url };
  });
}

/**
 * The url of a pull request from Converge's branch that someone closed without merging, when the branch still holds
 * exactly what would be proposed now: that proposal was declined, and reopening it on every push would nag. A changed
 * standard is a new proposal (the branch then differs) and is made again.
 */
async function declinedProposal(octokit: Octokit, repo: RepoRef, forms: StandardForm[]): Promise<string | undefined> {
  if (await findOpenPull(octokit, repo, TEMPLATES_BRANCH)) return undefined;
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/pulls", { ...repo, head: `${repo.owner}:${TEMPLATES_BRANCH}`, state: "closed", per_page: 10 });
  const closed = data[0]; // the latest: a merge after an older decline means the proposal was taken since
  if (!closed || closed.merged_at !== null || !(await branchHead(octokit, repo, TEMPLATES_BRANCH))) return undefined;
  for (const form of forms) {
    const onBranch = await readFile(octokit, repo, formPath(form.name), TEMPLATES_BRANCH);
    if (onBranch === undefined || drifted([form], { [form.name]: onBranch }).length > 0) return undefined;
  }
  return closed.html_url;
}

/**
 * Every repository in turn. One repository's failure (a 403, a protected branch) is reported and the others go on;
 * `onRepo` sees each outcome as it comes (progress on the CLI, a log line in the app).
 */
export async function syncOrgTemplates(
  octokit: Octokit,
  org: string,
  options: { repos: SyncRepo[]; standard: StandardForm[]; dryRun: boolean; onRepo?: (outcome: RepoOutcome, index: number, total: number) => void },
): Promise<RepoOutcome[]> {
  const outcomes: RepoOutcome[] = [];
  const repos = [...options.repos].sort((a, b) => a.name.localeCompare(b.name));
  for (const [index, repo] of repos.entries()) {
    let outcome: RepoOutcome;
    try {
      outcome = await syncRepoTemplates(octokit, org, repo, options.standard, options.dryRun);
    } catch (error) {
      const code = status(error);
      outcome = { repo: repo.name, kind: "failed", message: `${code ? `GitHub answered ${code}: ` : ""}${(error as Error).message}` };
    }
    outcomes.push(outcome);
    options.onRepo?.(outcome, index, repos.length);
  }
  return outcomes;
}

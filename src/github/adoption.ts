import { ProbotOctokit } from "probot";
import type { Octokit, RepoRef } from "./octokit.js";
import type { ExistingLabel, LabelPlan } from "../domain/adoption/labels.js";
import { planFiles, type FileChange, type WantedFile } from "../domain/adoption/files.js";

/**
 * GitHub I/O for `converge init` and the template-drift pull requests: reading files, committing several files on a
 * branch with the Git data API (one tree, one commit, one ref write), finding Converge's own pull request again,
 * labels, and the app installation's granted permissions.
 */

const status = (error: unknown) => (error as { status?: number }).status;

export async function readRepo(octokit: Octokit, repo: RepoRef): Promise<{ defaultBranch: string; archived: boolean } | undefined> {
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}", { ...repo });
    return { defaultBranch: data.default_branch, archived: data.archived };
  } catch (error) {
    if (status(error) === 404) return undefined;
    throw error;
  }
}

/** A file's text at a ref (default branch when omitted); undefined when it does not exist. */
export async function readFile(octokit: Octokit, repo: RepoRef, path: string, ref?: string): Promise<string | undefined> {
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
      ...repo,
      path,
      ...(ref ? { ref } : {}),
      mediaType: { format: "raw" },
    });
    return String(data);
  } catch (error) {
    if (status(error) === 404) return undefined;
    throw error;
  }
}

export async function readFiles(octokit: Octokit, repo: RepoRef, paths: string[], ref?: string): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const path of paths) out[path] = await readFile(octokit, repo, path, ref);
  return out;
}

/** The commit a branch points at; undefined when the branch does not exist. */
export async function branchHead(octokit: Octokit, repo: RepoRef, branch: string): Promise<string | undefined> {
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...repo, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (error) {
    if (status(error) === 404) return undefined;
    throw error;
  }
}

/**
 * Commit `changes` on `branch`: on top of the branch's head `branchSha` when it exists (never a force push, so a commit someone
 * added to the branch is kept), else a new branch from `base`'s head.
 */
export async function commitToBranch(
  octokit: Octokit,
  repo: RepoRef,
  options: { branch: string; base: string; changes: FileChange[]; message: string; branchSha?: string | undefined },
): Promise<string> {
  const existing = options.branchSha;
  const parent = existing ?? (await branchHead(octokit, repo, options.base));
  if (!parent) throw new Error(`branch ${options.base} of ${repo.owner}/${repo.repo} not found`);
  const { data: parentCommit } = await octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { ...repo, commit_sha: parent });
  const { data: tree } = await octokit.request("POST /repos/{owner}/{repo}/git/trees", {
    ...repo,
    base_tree: parentCommit.tree.sha,
    tree: options.changes.map((c) => ({ path: c.path, mode: "100644" as const, type: "blob" as const, content: c.content })),
  });
  const { data: commit } = await octokit.request("POST /repos/{owner}/{repo}/git/commits", {
    ...repo,
    message: options.message,
    tree: tree.sha,
    parents: [parent],
  });
  if (existing) {
    await octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ...repo, ref: `heads/${options.branch}`, sha: commit.sha, force: false });
  } else {
    await octokit.request("POST /repos/{owner}/{repo}/git/refs", { ...repo, ref: `refs/heads/${options.branch}`, sha: commit.sha });
  }
  return commit.sha;
}

export interface OpenPull {
  number: number;
  url: string;
  body: string;
}

/** Converge's open pull request from `branch` (head in the same repository), if any. */
export async function findOpenPull(octokit: Octokit, repo: RepoRef, branch: string): Promise<OpenPull | undefined> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/pulls", { ...repo, head: `${repo.owner}:${branch}`, state: "open", per_page: 10 });
  const pull = data[0];
  return pull ? { number: pull.number, url: pull.html_url, body: pull.body ?? "" } : undefined;
}

export async function openPull(
  octokit: Octokit,
  repo: RepoRef,
  options: { branch: string; base: string; title: string; body: string },
): Promise<OpenPull> {
  const { data } = await octokit.request("POST /repos/{owner}/{repo}/pulls", {
    ...repo,
    head: options.branch,
    base: options.base,
    title: options.title,
    body: options.body,
  });
  return { number: data.number, url: data.html_url, body: data.body ?? "" };
}

export async function updatePullBody(octokit: Octokit, repo: RepoRef, number: number, body: string): Promise<void> {
  await octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: number, body });
}

export async function listLabels(octokit: Octokit, repo: RepoRef): Promise<ExistingLabel[]> {
  const labels = await octokit.paginate("GET /repos/{owner}/{repo}/labels", { ...repo, per_page: 100 });
  return labels.map((l) => ({ name: l.name, color: l.color, description: l.description ?? null }));
}

export async function applyLabelPlan(octokit: Octokit, repo: RepoRef, plan: LabelPlan): Promise<void> {
  for (const label of plan.create) {
    await octokit.request("POST /repos/{owner}/{repo}/labels", { ...repo, name: label.name, color: label.color, description: label.description });
  }
  for (const label of plan.update) {
    await octokit.request("PATCH /repos/{owner}/{repo}/labels/{name}", {
      ...repo,
      name: label.current,
      new_name: label.name,
      color: label.color,
      description: label.description,
    });
  }
}

/** The organisation's repositories that can take labels (archived ones are read-only). */
export async function listOrgRepos(octokit: Octokit, org: string): Promise<string[]> {
  const repos = await octokit.paginate("GET /orgs/{org}/repos", { org, type: "all", per_page: 100 });
  return repos.filter((r) => !r.archived).map((r) => r.name);
}

export interface GrantedInstallation {
  id: number;
  permissions: Record<string, string | undefined>;
  events: string[];
}

/**
 * The app's installation on the organisation, with what it was granted. With app credentials it is asked as the app
 * (`GET /orgs/{org}/installation`, JWT); with a token, from the org's installation list (needs an org owner's token
 * with read:org); undefined when these credentials cannot see it.
 */
export async function findInstallation(
  env: { APP_ID?: string; PRIVATE_KEY?: string; GITHUB_API_URL?: string },
  octokit: Octokit,
  org: string,
  appSlug: string,
  useAppAuth: boolean,
): Promise<GrantedInstallation | undefined> {
  try {
    if (useAppAuth && env.APP_ID && env.PRIVATE_KEY) {
      const baseUrl = env.GITHUB_API_URL?.replace(/\/+$/, "") || undefined;
      const privateKey = env.PRIVATE_KEY.includes("\\n") ? env.PRIVATE_KEY.replace(/\\n/g, "\n") : env.PRIVATE_KEY;
      const app = new ProbotOctokit({
        ...(baseUrl ? { baseUrl } : {}),
        throttle: { enabled: false },
        retry: { enabled: false },
        auth: { appId: Number(env.APP_ID), privateKey },
      }) as Octokit;
      const { data } = await app.request("GET /orgs/{org}/installation", { org });
      return { id: data.id, permissions: { ...data.permissions } as Record<string, string | undefined>, events: data.events };
    }
    const installations = await octokit.paginate("GET /orgs/{org}/installations", { org, per_page: 100 });
    const mine = installations.find((i) => i.app_slug === appSlug);
    return mine ? { id: mine.id, permissions: { ...mine.permissions } as Record<string, string | undefined>, events: mine.events } : undefined;
  } catch (error) {
    if (status(error) === 403 || status(error) === 404) return undefined;
    throw error;
  }
}

export type Proposal =
  | { kind: "in-place" }
  | { kind: "planned"; changes: FileChange[]; branchChanges: FileChange[]; pull?: OpenPull | undefined }
  | { kind: "opened" | "updated" | "pending"; changes: FileChange[]; pull: OpenPull };

/**
 * Propose `wanted` as one pull request from `branch`, idempotently: nothing when the default branch already has every
 * file; otherwise find the branch and Converge's open pull request first, commit only what the branch still lacks,
 * and open the pull request only if none is open. `dryRun` reads everything and writes nothing.
 */
export async function proposeFiles(
  octokit: Octokit,
  repo: RepoRef,
  options: {
    defaultBranch: string;
    wanted: WantedFile[];
    branch: string;
    title: string;
    commitMessage: string;
    body: (changes: FileChange[]) => string;
    dryRun: boolean;
  },
): Promise<Proposal> {
  const paths = options.wanted.map((f) => f.path);
  const changes = planFiles(options.wanted, await readFiles(octokit, repo, paths));
  if (changes.length === 0) return { kind: "in-place" };
  const pull = await findOpenPull(octokit, repo, options.branch);
  const branchSha = await branchHead(octokit, repo, options.branch);
  const branchChanges = branchSha ? planFiles(options.wanted, await readFiles(octokit, repo, paths, options.branch)) : changes;
  if (options.dryRun) return { kind: "planned", changes, branchChanges, pull };
  if (branchChanges.length > 0) {
    await commitToBranch(octokit, repo, { branch: options.branch, base: options.defaultBranch, changes: branchChanges, message: options.commitMessage, branchSha });
  }
  const body = options.body(changes);
  if (!pull) {
    return { kind: "opened", changes, pull: await openPull(octokit, repo, { branch: options.branch, base: options.defaultBranch, title: options.title, body }) };
  }
  if (branchChanges.length > 0 || pull.body.trim() !== body.trim()) {
    await updatePullBody(octokit, repo, pull.number, body);
    return { kind: "updated", changes, pull: { ...pull, body } };
  }
  return { kind: "pending", changes, pull };
}

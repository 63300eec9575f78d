import type { GatesConfig } from "../domain/gates/model.js";
import { CHECK_NAME, evaluateMergeCheck, noUseCaseOutcome, type CheckOutcome, type UseCaseState } from "../domain/gates/check.js";
import { parseUseCaseReferences, refKey, type UseCaseRef } from "../domain/gates/pr-references.js";
import type { AppIdentity } from "./identity.js";
import type { Octokit, RepoRef } from "./octokit.js";

/**
 * The "Converge governance" check run on pull requests that reference a use case. One check run per head commit,
 * found again and updated in place (never a second one); no write when the outcome is unchanged.
 */

export interface PullRequestInfo {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  body: string | null;
  state: string;
}

export async function readPullRequest(octokit: Octokit, ref: RepoRef & { number: number }): Promise<PullRequestInfo> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
    owner: ref.owner,
    repo: ref.repo,
    pull_number: ref.number,
  });
  return { owner: ref.owner, repo: ref.repo, number: data.number, headSha: data.head.sha, body: data.body, state: data.state };
}

/** Read each referenced use case's labels (the live state); a failed read is reported, never treated as passed. */
export async function readUseCases(
  octokit: Octokit,
  refs: readonly UseCaseRef[],
  known: ReadonlyMap<string, { title: string; labels: readonly string[] }> = new Map(),
): Promise<UseCaseState[]> {
  const states: UseCaseState[] = [];
  for (const ref of refs) {
    const cached = known.get(refKey(ref));
    if (cached) {
      states.push({ ref, found: true, title: cached.title, labels: cached.labels });
      continue;
    }
    try {
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
        owner: ref.owner,
        repo: ref.repo,
        issue_number: ref.number,
      });
      states.push({
        ref,
        found: true,
        title: data.title,
        labels: data.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter(Boolean),
        isPullRequest: Boolean(data.pull_request),
      });
    } catch (error) {
      const status = (error as { status?: number }).status;
      states.push({ ref, found: false, error: status === 404 ? "not found or not accessible to Converge" : `GitHub answered ${status ?? "with an error"}` });
    }
  }
  return states;
}

interface ExistingCheck {
  id: number;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
}

async function findOwnCheck(octokit: Octokit, pr: PullRequestInfo, identity: AppIdentity): Promise<ExistingCheck | undefined> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    owner: pr.owner,
    repo: pr.repo,
    ref: pr.headSha,
    check_name: CHECK_NAME,
    filter: "latest",
    per_page: 100,
  });
  const own = data.check_runs.find((run) =>
    identity.appId !== undefined ? run.app?.id === identity.appId : identity.slug !== undefined && run.app?.slug === identity.slug,
  );
  return own
    ? { id: Number(own.id), status: own.status, conclusion: own.conclusion, title: own.output.title, summary: own.output.summary }
    : undefined;
}

export type CheckWrite = "created" | "updated" | "unchanged" | "skipped";

/** Create or update the check run for the PR's head commit so that it shows `outcome`. */
export async function upsertCheck(octokit: Octokit, pr: PullRequestInfo, identity: AppIdentity, outcome: CheckOutcome | undefined): Promise<CheckWrite> {
  const existing = await findOwnCheck(octokit, pr, identity);
  if (!outcome) {
    // No use case referenced (any more): only a check Converge already posted on this commit needs correcting.
    if (!existing) return "skipped";
    outcome = noUseCaseOutcome();
  }
  const output = { title: outcome.title, summary: outcome.summary };
  if (existing && existing.status === "completed" && existing.conclusion === outcome.conclusion && existing.title === output.title && existing.summary === output.summary) {
    return "unchanged";
  }
  if (existing) {
    await octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      owner: pr.owner,
      repo: pr.repo,
      check_run_id: existing.id,
      status: "completed",
      conclusion: outcome.conclusion,
      output,
    });
    return "updated";
  }
  await octokit.request("POST /repos/{owner}/{repo}/check-runs", {
    owner: pr.owner,
    repo: pr.repo,
    name: CHECK_NAME,
    head_sha: pr.headSha,
    status: "completed",
    conclusion: outcome.conclusion,
    output,
  });
  return "created";
}

/** Evaluate and write the check for one pull request. `known` supplies use cases already read in this event. */
export async function runGovernanceCheck(
  octokit: Octokit,
  pr: PullRequestInfo,
  identity: AppIdentity,
  config: GatesConfig,
  known?: ReadonlyMap<string, { title: string; labels: readonly string[] }>,
  /** False for a commit Converge cannot have checked yet (opened, synchronize): no use case then means no request. */
  mayHaveOwnCheck = true,
): Promise<CheckWrite> {
  const refs = parseUseCaseReferences(pr.body, { owner: pr.owner, repo: pr.repo });
  if (refs.length === 0 && !mayHaveOwnCheck) return "skipped";
  const useCases = refs.length > 0 ? await readUseCases(octokit, refs, known) : [];
  const outcome = evaluateMergeCheck({ config, useCases, current: { owner: pr.owner, repo: pr.repo } });
  return upsertCheck(octokit, pr, identity, outcome);
}

import type { SprintsConfig } from "../config/sections/portfolio.js";
import { CARRY_OVER_MARKER, mergeMoves, readMoves, renderCarryOverComment, type SprintMove } from "../domain/sprints/carry-over-comment.js";
import { milestoneSprint, SprintList, type MilestoneEvent } from "../domain/sprints/index.js";
import type { AppIdentity } from "./identity.js";
import type { IssueRef, Octokit, RepoRef } from "./octokit.js";
import { findOwnComment, writeOwnComment } from "./own-comment.js";

/**
 * Sprint facts read from GitHub for carry-over (ADR 0113): an issue's milestone history from its timeline, a
 * repository's sprint milestones, and Converge's carry-over comment, upserted.
 */

interface RawMilestoneEvent {
  event?: string;
  created_at?: string | null;
  milestone?: { title?: string } | null;
}

/** The issue's MILESTONED / DEMILESTONED events, in time order (GitHub records a change of milestone as both). */
export async function milestoneHistory(octokit: Octokit, ref: IssueRef): Promise<MilestoneEvent[]> {
  const raw = (await octokit.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/timeline", { ...ref, per_page: 100 })) as unknown as RawMilestoneEvent[];
  return raw
    .flatMap((e): MilestoneEvent[] =>
      (e.event === "milestoned" || e.event === "demilestoned") && e.milestone?.title && e.created_at
        ? [{ kind: e.event, title: e.milestone.title, at: e.created_at }]
        : [],
    )
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** The repository's milestones that are sprints (title matches sprints.milestonePattern, has a due date), open and closed. */
export async function sprintMilestones(octokit: Octokit, repo: RepoRef, config: SprintsConfig): Promise<SprintList> {
  const milestones = await octokit.paginate("GET /repos/{owner}/{repo}/milestones", { ...repo, state: "all", per_page: 100 });
  const list = new SprintList();
  for (const m of milestones) list.add(milestoneSprint({ title: m.title, dueOn: m.due_on }, config));
  return list;
}

/**
 * Add `moves` to Converge's carry-over comment on the issue (created on the first move). Moves already listed are
 * not added again, so a redelivered or repeated event writes nothing.
 */
export async function recordCarryOver(
  octokit: Octokit,
  ref: IssueRef,
  identity: AppIdentity,
  moves: readonly SprintMove[],
  kind: "story" | "use case",
): Promise<"created" | "updated" | "unchanged"> {
  const existing = await findOwnComment(octokit, ref, identity, CARRY_OVER_MARKER);
  const recorded = readMoves(existing?.body);
  const merged = mergeMoves(recorded, moves);
  if (merged.length === recorded.length && existing) return "unchanged";
  if (merged.length === 0) return "unchanged";
  return writeOwnComment(octokit, ref, existing?.id, renderCarryOverComment(merged, kind));
}

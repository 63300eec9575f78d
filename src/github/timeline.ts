import type { TimelineEvent } from "../domain/gates/audit.js";
import type { IssueRef, Octokit } from "./octokit.js";

/** A pull request that mentions the issue (a cross-referenced timeline event). */
export interface LinkedPullRequest {
  owner: string;
  repo: string;
  number: number;
  state: string;
  mergedAt: string | null;
}

export interface IssueTimeline {
  events: TimelineEvent[];
  pullRequests: LinkedPullRequest[];
}

interface RawTimelineEvent extends TimelineEvent {
  source?: {
    type?: string;
    issue?: {
      number: number;
      state?: string;
      pull_request?: { merged_at?: string | null } | null;
      repository?: { name: string; owner: { login: string } };
    };
  };
}

/**
 * Every event of an issue's timeline (`GET /repos/{owner}/{repo}/issues/{issue_number}/timeline`, 100 per page,
 * all pages), reduced to what the gates need: label changes and comments for the audit trail, and the pull requests
 * that cross-reference the issue (for "linked PR merged" and for re-running merge checks).
 */
export async function fetchTimeline(octokit: Octokit, ref: IssueRef): Promise<IssueTimeline> {
  const raw = (await octokit.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/timeline", {
    ...ref,
    per_page: 100,
  })) as unknown as RawTimelineEvent[];
  const events: TimelineEvent[] = [];
  const pullRequests = new Map<string, LinkedPullRequest>();
  for (const event of raw) {
    if (event.event === "cross-referenced") {
      const issue = event.source?.issue;
      if (!issue?.pull_request || !issue.repository) continue;
      const pr: LinkedPullRequest = {
        owner: issue.repository.owner.login,
        repo: issue.repository.name,
        number: issue.number,
        state: issue.state ?? "open",
        mergedAt: issue.pull_request.merged_at ?? null,
      };
      pullRequests.set(`${pr.owner}/${pr.repo}#${pr.number}`.toLowerCase(), pr);
      continue;
    }
    events.push({
      event: event.event,
      ...(typeof event.id === "number" ? { id: event.id } : {}),
      ...(typeof event.node_id === "string" ? { node_id: event.node_id } : {}),
      created_at: event.created_at ?? null,
      actor: event.actor ? { login: event.actor.login, ...(event.actor.type ? { type: event.actor.type } : {}) } : null,
      label: event.label ? { name: event.label.name } : null,
      body: event.event === "commented" ? (event.body ?? null) : null,
      user: event.user ? { login: event.user.login } : null,
    });
  }
  return { events, pullRequests: [...pullRequests.values()] };
}

import type { AppIdentity } from "./identity.js";
import { isOwnComment } from "./identity.js";
import type { IssueRef, Octokit } from "./octokit.js";

export interface OwnComment {
  id: number;
  body: string;
}

export const MAX_COMMENT_LENGTH = 60_000;

/**
 * Find the comment Converge authored that starts with `marker`, paging through every comment (an issue can have far
 * more than one page). A comment with the marker written by anyone else is ignored.
 */
export async function findOwnComment(
  octokit: Octokit,
  ref: IssueRef,
  identity: AppIdentity,
  marker: string,
): Promise<OwnComment | undefined> {
  const comments = await octokit.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    ...ref,
    per_page: 100,
  });
  const own = comments.find((c) => typeof c.body === "string" && c.body.startsWith(marker) && isOwnComment(c, identity));
  return own ? { id: own.id, body: own.body ?? "" } : undefined;
}

export type UpsertResult = "created" | "updated" | "unchanged";

/**
 * Create or update Converge's comment identified by `marker`. Writes nothing when the rendered body is unchanged,
 * which makes redelivered webhooks free of side effects.
 */
export async function upsertOwnComment(
  octokit: Octokit,
  ref: IssueRef,
  identity: AppIdentity,
  marker: string,
  render: (existingBody: string | undefined) => string,
  existing?: OwnComment | null,
): Promise<UpsertResult> {
  const current = existing === undefined ? await findOwnComment(octokit, ref, identity, marker) : (existing ?? undefined);
  const body = clampBody(render(current?.body));
  if (current && current.body === body) return "unchanged";
  return writeOwnComment(octokit, ref, current?.id, body);
}

/** Update Converge's comment `commentId`, or create one when there is none yet. The caller decided a write is due. */
export async function writeOwnComment(octokit: Octokit, ref: IssueRef, commentId: number | undefined, body: string): Promise<"created" | "updated"> {
  if (commentId !== undefined) {
    await octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      owner: ref.owner,
      repo: ref.repo,
      comment_id: commentId,
      body: clampBody(body),
    });
    return "updated";
  }
  // Never retried: GitHub may have created the comment and still answered 5xx or timed out, and a retry would post
  // it twice. A failed create fails the run; the next delivery finds the comment by its marker and updates it.
  await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { ...ref, body: clampBody(body), request: { retries: 0 } });
  return "created";
}

/** GitHub rejects bodies over 65,536 characters; keep a margin and say that the rest was cut. */
export function clampBody(body: string): string {
  if (body.length <= MAX_COMMENT_LENGTH) return body;
  const note = "\n\n_… cut to fit GitHub's comment size limit._";
  return body.slice(0, MAX_COMMENT_LENGTH - note.length) + note;
}

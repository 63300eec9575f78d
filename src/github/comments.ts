import type { Octokit, RepoRef } from "./octokit.js";

export interface LiveComment {
  id: number;
  body: string;
  user: { login: string; type?: string } | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * An issue comment as it is now, or undefined when it was deleted (404). A webhook payload is a snapshot: a late or
 * redelivered `created` may carry a text that an edit has replaced since.
 */
export async function readLiveComment(octokit: Octokit, repo: RepoRef, commentId: number): Promise<LiveComment | undefined> {
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner: repo.owner, repo: repo.repo, comment_id: commentId });
    return {
      id: Number(data.id),
      body: data.body ?? "",
      user: data.user ? { login: data.user.login, ...(data.user.type ? { type: data.user.type } : {}) } : null,
      createdAt: data.created_at,
      updatedAt: data.updated_at,
    };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}

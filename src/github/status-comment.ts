import type { AppIdentity } from "./identity.js";
import type { IssueRef, Octokit } from "./octokit.js";
import { findOwnComment, upsertOwnComment, type OwnComment, type UpsertResult } from "./own-comment.js";
import { STATUS_MARKER } from "../domain/status/markers.js";
import { parseSections, withSection, type StatusSection } from "../domain/status/comment-body.js";

export interface StatusComment extends OwnComment {
  sections: StatusSection[];
}

/** Read Converge's single status comment on an issue, if there is one. */
export async function readStatusComment(octokit: Octokit, ref: IssueRef, identity: AppIdentity): Promise<StatusComment | undefined> {
  const comment = await findOwnComment(octokit, ref, identity, STATUS_MARKER);
  return comment ? { ...comment, sections: parseSections(comment.body) } : undefined;
}

/**
 * Replace one section (or several, in one write) of the status comment, creating the comment if needed, and leave
 * every other section alone.
 * Pass `existing` when the caller already read the comment (null = known to be absent) to save a request.
 */
export async function upsertStatusSection(
  octokit: Octokit,
  ref: IssueRef,
  identity: AppIdentity,
  section: StatusSection | StatusSection[],
  existing?: OwnComment | null,
): Promise<UpsertResult> {
  const sections = Array.isArray(section) ? section : [section];
  return upsertOwnComment(octokit, ref, identity, STATUS_MARKER, (body) => sections.reduce<string | undefined>(withSection, body) ?? "", existing);
}

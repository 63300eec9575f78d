import type { AppIdentity } from "./identity.js";
import { botLogin } from "./identity.js";
import type { Octokit } from "./octokit.js";
import { findOwnComment } from "./own-comment.js";
import { INITIATIVE_MARKER } from "../domain/status/markers.js";
import type { InitiativeLookup } from "../domain/intake/initiatives.js";
import type { IssueReference } from "../domain/values/references.js";

/**
 * Look up every referenced initiative in ONE GraphQL request (aliases i0, i1, …), with Converge's own comment on each,
 * instead of 2 REST calls per initiative. Missing repositories or issues come back as partial data with errors.
 */
export function buildInitiativeQuery(count: number): string {
  const variables: string[] = [];
  const fields: string[] = [];
  for (let i = 0; i < count; i++) {
    variables.push(`$o${i}: String!, $r${i}: String!, $n${i}: Int!`);
    fields.push(`  i${i}: repository(owner: $o${i}, name: $r${i}) { issue(number: $n${i}) { ...InitiativeFields } }`);
  }
  return `query InitiativeLookup(${variables.join(", ")}) {
${fields.join("\n")}
}
fragment InitiativeFields on Issue {
  number
  title
  url
  state
  issueLabels: labels(first: 100) { nodes { name } }
  comments(first: 100) {
    totalCount
    nodes { databaseId body viewerDidAuthor author { login } }
  }
}`;
}

/** GraphQL allows many aliases per request, but keep each request small enough to stay far from the 10 s limit. */
export const MAX_INITIATIVES_PER_QUERY = 25;

interface IssueNode {
  number: number;
  title: string;
  url: string;
  state: "OPEN" | "CLOSED";
  issueLabels: { nodes: Array<{ name: string } | null> | null } | null;
  comments: { totalCount: number; nodes: Array<{ databaseId: number | null; body: string; viewerDidAuthor: boolean; author: { login: string } | null } | null> | null };
}

type LookupData = Record<string, { issue: IssueNode | null } | null>;

export async function lookUpInitiatives(
  octokit: Octokit,
  refs: IssueReference[],
  identity: AppIdentity,
  initiativeLabel: string,
): Promise<InitiativeLookup[]> {
  const results: InitiativeLookup[] = [];
  for (let start = 0; start < refs.length; start += MAX_INITIATIVES_PER_QUERY) {
    const batch = refs.slice(start, start + MAX_INITIATIVES_PER_QUERY);
    const variables: Record<string, string | number> = {};
    batch.forEach((ref, i) => {
      variables[`o${i}`] = ref.owner;
      variables[`r${i}`] = ref.repo;
      variables[`n${i}`] = ref.number;
    });
    const data = await graphqlPartial<LookupData>(octokit, buildInitiativeQuery(batch.length), variables);
    batch.forEach((ref, i) => results.push(toLookup(ref, data?.[`i${i}`]?.issue ?? null, identity, initiativeLabel)));
  }
  return results;
}

function toLookup(ref: IssueReference, issue: IssueNode | null, identity: AppIdentity, initiativeLabel: string): InitiativeLookup {
  if (!issue) return { ref, found: false, isInitiative: false };
  const labels = (issue.issueLabels?.nodes ?? []).map((l) => l?.name.toLowerCase());
  const own = botLogin(identity);
  const comment = (issue.comments.nodes ?? []).find(
    (c) => c?.body.startsWith(INITIATIVE_MARKER) && c.databaseId !== null && (own ? c.author?.login === own : c.viewerDidAuthor),
  );
  const seen = issue.comments.nodes?.length ?? 0;
  return {
    ref,
    found: true,
    isInitiative: labels.includes(initiativeLabel.toLowerCase()),
    title: issue.title,
    url: issue.url,
    state: issue.state,
    ...(comment?.databaseId ? { comment: { id: comment.databaseId, body: comment.body } } : {}),
    ...(!comment && issue.comments.totalCount > seen ? { commentsTruncated: true } : {}),
  };
}

/**
 * An initiative with more comments than the lookup's first page may hold Converge's comment further down: page
 * through all of them (REST) before deciding there is none, so a busy initiative never gets a second comment.
 */
export async function completeCommentLookups(octokit: Octokit, lookups: InitiativeLookup[], identity: AppIdentity): Promise<InitiativeLookup[]> {
  return Promise.all(
    lookups.map(async (lookup) => {
      if (!lookup.commentsTruncated) return lookup;
      const ref = { owner: lookup.ref.owner, repo: lookup.ref.repo, issue_number: lookup.ref.number };
      const comment = await findOwnComment(octokit, ref, identity, INITIATIVE_MARKER);
      return { ...lookup, commentsTruncated: false, ...(comment ? { comment } : {}) };
    }),
  );
}

/**
 * GitHub answers a query naming a missing (or, for this installation, invisible) repository or issue with partial
 * `data` plus NOT_FOUND or FORBIDDEN errors; Octokit throws on any error. Keep the partial data when every error is one
 * of those (the reference is then reported as "does not exist, or Converge is not installed there"), rethrow the rest.
 */
export async function graphqlPartial<T>(octokit: Octokit, query: string, variables: Record<string, unknown>): Promise<T | undefined> {
  try {
    return await octokit.graphql<T>(query, variables);
  } catch (error) {
    const e = error as { data?: T; errors?: Array<{ type?: string }> };
    if (e.errors && e.errors.every((err) => err.type === "NOT_FOUND" || err.type === "FORBIDDEN")) return e.data;
    throw error;
  }
}

import type { RawDefect, RawInitiative, RawIssue, RawLabelEvent, RawStory, RawUseCase } from "../../domain/snapshot/from-github.js";
import { sameLogin } from "../../domain/values/handles.js";
import type { Octokit } from "../octokit.js";
import type { CountingGraphql } from "./client.js";

/** The GraphQL shapes of src/github/snapshot/queries.ts, and their reduction to the pure domain's raw records. */

interface IssueNode {
  id: string;
  number: number;
  title: string;
  url: string;
  state: "OPEN" | "CLOSED";
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  body: string | null;
  author: { login: string } | null;
  repository: { nameWithOwner: string };
  milestone: { title: string; dueOn: string | null } | null;
}

export interface LabelEventNode {
  __typename: string;
  createdAt?: string;
  actor?: { login: string } | null;
  label?: { name: string } | null;
}

export interface UseCaseNode extends IssueNode {
  labels: { nodes: Array<{ name: string } | null> };
  assignees: { nodes: Array<{ login: string } | null> };
  timelineItems: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<LabelEventNode | null> };
  subIssues: {
    nodes: Array<{
      id: string;
      number: number;
      title: string;
      state: "OPEN" | "CLOSED";
      stateReason: string | null;
      createdAt: string;
      closedAt: string | null;
      repository: { nameWithOwner: string };
      milestone: { title: string; dueOn: string | null } | null;
    } | null>;
  };
}

export interface InitiativeNode extends IssueNode {
  comments: { pageInfo: { hasNextPage: boolean }; nodes: Array<{ author: { login: string } | null; body: string } | null> };
}

export interface DefectNode extends IssueNode {
  labels: { nodes: Array<{ name: string } | null> };
  parent: { number: number; repository: { nameWithOwner: string } } | null;
}

function toRawIssue(node: IssueNode, labels: string[] = [], assignees: string[] = []): RawIssue {
  return {
    nodeId: node.id,
    repo: node.repository.nameWithOwner,
    number: node.number,
    title: node.title,
    url: node.url,
    state: node.state,
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
    closedAt: node.closedAt,
    body: node.body,
    author: node.author?.login ?? null,
    labels,
    assignees,
    milestone: node.milestone,
  };
}

export function toRawUseCase(node: UseCaseNode, events: ReadonlyArray<LabelEventNode | null>): RawUseCase {
  const labelEvents: RawLabelEvent[] = events.flatMap((e) =>
    e && (e.__typename === "LabeledEvent" || e.__typename === "UnlabeledEvent") && e.label && e.createdAt
      ? [{ kind: e.__typename === "LabeledEvent" ? ("labeled" as const) : ("unlabeled" as const), label: e.label.name, actor: e.actor?.login ?? null, at: e.createdAt }]
      : [],
  );
  const stories: RawStory[] = node.subIssues.nodes.flatMap((s) =>
    s
      ? [
          {
            id: `${s.repository.nameWithOwner}#${s.number}`,
            nodeId: s.id,
            repo: s.repository.nameWithOwner,
            number: s.number,
            title: s.title,
            state: s.state,
            stateReason: s.stateReason,
            createdAt: s.createdAt,
            closedAt: s.closedAt,
            milestone: s.milestone,
          },
        ]
      : [],
  );
  return {
    ...toRawIssue(
      node,
      node.labels.nodes.flatMap((l) => (l ? [l.name] : [])),
      node.assignees.nodes.flatMap((a) => (a ? [a.login] : [])),
    ),
    labelEvents,
    stories,
  };
}

export function toRawDefect(node: DefectNode): RawDefect {
  return {
    ...toRawIssue(node, node.labels.nodes.flatMap((l) => (l ? [l.name] : []))),
    parent: node.parent ? { repo: node.parent.repository.nameWithOwner, number: node.parent.number } : null,
  };
}

/**
 * An initiative with the bodies of Converge's own comments (its benefit ledger). Only comments the app authored are
 * trusted. When the initiative has more than 100 comments and none of the first 100 is Converge's, the rest are
 * read over REST (counted in the stats).
 */
export async function toRawInitiative(node: InitiativeNode, octokit: Octokit, client: CountingGraphql, appLogin: string): Promise<RawInitiative> {
  const own = node.comments.nodes.flatMap((c) => (c?.author && sameLogin(c.author.login, appLogin) ? [c.body] : []));
  if (own.length === 0 && node.comments.pageInfo.hasNextPage) {
    const [owner = "", repo = ""] = node.repository.nameWithOwner.split("/");
    for await (const page of octokit.paginate.iterator("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner, repo, issue_number: node.number, per_page: 100 })) {
      client.stats.requests += 1;
      for (const c of page.data) if (c.user && sameLogin(c.user.login, appLogin) && c.body) own.push(c.body);
    }
  }
  return { ...toRawIssue(node), appComments: own };
}

import type { AppIdentity } from "./identity.js";
import { isOwnComment } from "./identity.js";
import type { Octokit } from "./octokit.js";
import { withRateLimitRetry, type RetryOptions } from "./retry-after.js";
import { DeliveryError, explainGitHubError } from "./delivery-errors.js";
import { reportWeekOf } from "../domain/delivery/markers.js";
import { compareWeeks } from "../domain/delivery/week.js";
import { composeReport, planPartComments, postedParts, type CommentAction, type ExistingPart } from "../domain/delivery/plan.js";

/**
 * Posting the weekly report (issue 12; ADR 0090): one issue (or discussion) per ISO week in the office repository,
 * found again by the hidden marker at the start of a body Converge wrote. Part 1 is the body, parts 2…n Converge's
 * comments on it. Re-running a week edits them in place; the week before is linked (and closed, for issues). After
 * writing, everything is read back and compared, so a body GitHub cut or refused is an error, not a silent loss.
 */

export interface ReportTarget {
  owner: string;
  repo: string;
  kind: "issue" | "discussion";
  /** Discussions category name or slug (kind: discussion). */
  category: string;
  label: string;
}

export interface PostedReport {
  /** Issue number, or the discussion's node id. */
  id: number | string;
  number: number;
  url: string;
  week: string;
  open: boolean;
  body: string;
}

export interface PostOutcome {
  action: "created" | "updated" | "unchanged";
  report: PostedReport;
  parts: number;
  closedPrevious?: PostedReport;
}

export interface ReportThread {
  current: PostedReport | undefined;
  /** Converge's newest report for an earlier week. */
  previous: PostedReport | undefined;
  /** Every part of the previous report (body first), for "changes since last week". */
  previousParts(): Promise<string[]>;
  write(parts: readonly string[], options?: { mentionTeam?: string | undefined }): Promise<PostOutcome>;
}

interface Posts {
  find(week: string): Promise<{ current?: PostedReport | undefined; previous?: PostedReport | undefined }>;
  create(title: string, body: string): Promise<PostedReport>;
  update(report: PostedReport, title: string, body: string): Promise<void>;
  comments(report: PostedReport): Promise<ExistingPart[]>;
  apply(report: PostedReport, action: CommentAction): Promise<void>;
  body(report: PostedReport): Promise<string>;
  close(report: PostedReport): Promise<void>;
  reference(previous: PostedReport): string;
}

export interface ThreadOptions {
  retry?: RetryOptions;
}

/** Look up this week's and the previous week's report; writing comes after the report is rendered. */
export async function openReportThread(octokit: Octokit, target: ReportTarget, identity: AppIdentity, week: string, options: ThreadOptions = {}): Promise<ReportThread> {
  const posts = target.kind === "issue" ? issuePosts(octokit, target, identity, options.retry) : await discussionPosts(octokit, target, options.retry);
  const { current, previous } = await posts.find(week);
  return {
    current,
    previous,
    previousParts: async () => (previous ? postedParts(previous.body, await posts.comments(previous), previous.week) : []),
    write: (parts, writeOptions = {}) => writeReport(posts, target, week, current, previous, parts, writeOptions.mentionTeam),
  };
}

/** The week of Converge's newest posted report (for catching up a missed run at start-up), if any. */
export async function lastPostedWeek(octokit: Octokit, target: ReportTarget, identity: AppIdentity, options: ThreadOptions = {}): Promise<string | undefined> {
  const posts = target.kind === "issue" ? issuePosts(octokit, target, identity, options.retry) : await discussionPosts(octokit, target, options.retry);
  // "9999-W99" sorts after every real week, so `previous` is the newest report of all.
  const { previous } = await posts.find("9999-W99");
  return previous?.week;
}

async function writeReport(
  posts: Posts,
  target: ReportTarget,
  week: string,
  current: PostedReport | undefined,
  previous: PostedReport | undefined,
  parts: readonly string[],
  mentionTeam: string | undefined,
): Promise<PostOutcome> {
  const composed = composeReport({ week, parts, mentionTeam, previous: previous ? { week: previous.week, reference: posts.reference(previous) } : undefined });
  let action: PostOutcome["action"] = "unchanged";
  let report: PostedReport;
  let fresh = false;
  if (!current) {
    try {
      report = await posts.create(composed.title, composed.body);
      fresh = true;
    } catch (error) {
      report = await afterFailedCreate(posts, week, error);
    }
    action = "created";
  } else {
    report = current;
  }
  if (!fresh && report.body !== composed.body) {
    await posts.update(report, composed.title, composed.body);
    if (action === "unchanged") action = "updated";
  }
  const existing = fresh ? [] : await posts.comments(report);
  const actions = planPartComments(week, existing, composed.comments);
  for (const step of actions) await posts.apply(report, step);
  if (actions.length > 0 && action === "unchanged") action = "updated";

  // Read back: GitHub has been seen to keep a cut body without an error; compare everything that was written.
  const storedBody = await posts.body(report);
  const stored = postedParts(storedBody, await posts.comments(report), week);
  const wanted = [composed.body, ...composed.comments];
  wanted.forEach((text, i) => {
    const got = stored[i];
    if (got !== text) {
      throw new DeliveryError(
        `GitHub did not keep part ${i + 1} of the ${week} report in ${target.owner}/${target.repo} #${report.number} as written ` +
          `(${got === undefined ? "missing" : `${got.length} of ${text.length} characters kept`}); it will be rewritten on the next run.`,
        true,
      );
    }
  });
  if (stored.length > wanted.length) throw new DeliveryError(`the ${week} report in ${target.owner}/${target.repo} #${report.number} has more parts than written`, true);

  let closedPrevious: PostedReport | undefined;
  if (previous && previous.open && target.kind === "issue") {
    await posts.close(previous);
    closedPrevious = { ...previous, open: false };
  }
  return { action, report: { ...report, body: composed.body }, parts: wanted.length, ...(closedPrevious ? { closedPrevious } : {}) };
}

/**
 * Creating the week's report is sent once, never retried blindly (ADR 0150): GitHub may have created it and answered
 * 502, timed out or sent a cut body, and a retry would post the week twice. So look again by marker: the report is
 * there (carry on with it) or it is not (fail; the next run creates it).
 */
async function afterFailedCreate(posts: Posts, week: string, error: unknown): Promise<PostedReport> {
  if (error instanceof DeliveryError && !error.retryable) throw error; // a missing permission: nothing was created
  const again = await posts.find(week).catch(() => ({ current: undefined }));
  if (!again.current) throw error;
  return again.current;
}

/** Newest first: `current` is this week's, `previous` the newest report for an earlier week. */
function pick(found: PostedReport[], week: string): { current?: PostedReport; previous?: PostedReport } {
  const current = found.find((r) => r.week === week);
  const previous = found.filter((r) => compareWeeks(r.week, week) < 0).sort((a, b) => compareWeeks(b.week, a.week))[0];
  return { ...(current ? { current } : {}), ...(previous ? { previous } : {}) };
}

/** Report issues are few (one a week); ten pages of 100 cover about twenty years. */
const MAX_PAGES = 10;

function issuePosts(octokit: Octokit, target: ReportTarget, identity: AppIdentity, retry?: RetryOptions): Posts {
  const where = `${target.owner}/${target.repo}`;
  const repo = { owner: target.owner, repo: target.repo };
  const call = <T>(action: string, fn: () => Promise<T>): Promise<T> =>
    withRateLimitRetry(action, fn, retry).catch((error: unknown) => {
      throw explainGitHubError(error, action, where, "issue");
    });
  const toReport = (issue: { number: number; html_url: string; state: string; body?: string | null }, week: string): PostedReport => ({
    id: issue.number,
    number: issue.number,
    url: issue.html_url,
    week,
    open: issue.state === "open",
    body: issue.body ?? "",
  });
  return {
    async find(week) {
      const found: PostedReport[] = [];
      await call("list the report issues", async () => {
        let pages = 0;
        const iterator = octokit.paginate.iterator("GET /repos/{owner}/{repo}/issues", {
          ...repo,
          labels: target.label,
          state: "all",
          sort: "created",
          direction: "desc",
          per_page: 100,
        });
        for await (const { data } of iterator) {
          for (const issue of data) {
            if (issue.pull_request || !isOwnComment(issue, identity)) continue;
            const reportWeek = reportWeekOf(issue.body);
            if (reportWeek) found.push(toReport(issue, reportWeek));
          }
          const { current, previous } = pick(found, week);
          if ((current && previous) || ++pages >= MAX_PAGES) break;
        }
      });
      return pick(found, week);
    },
    async create(title, body) {
      const { data } = await call("create the report issue", async () =>
        json(await octokit.request("POST /repos/{owner}/{repo}/issues", { ...repo, title, body, labels: [target.label], request: { retries: 0 } })),
      );
      return toReport(data, reportWeekOf(body)!);
    },
    async update(report, title, body) {
      await call(`update report issue #${report.number}`, () => octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { ...repo, issue_number: report.number, title, body }));
    },
    async comments(report) {
      const all = await call(`read the comments of report issue #${report.number}`, () =>
        octokit.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", { ...repo, issue_number: report.number, per_page: 100 }),
      );
      return all.filter((c) => isOwnComment(c, identity)).map((c) => ({ id: c.id, body: c.body ?? "" }));
    },
    async apply(report, step) {
      const what = `${step.kind} part ${step.part} of report issue #${report.number}`;
      if (step.kind === "create") {
        // Sent once (as status comments, ADR 0080): a retried create that GitHub had applied would post the part twice.
        await call(what, () => octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { ...repo, issue_number: report.number, body: step.body, request: { retries: 0 } }));
      } else if (step.kind === "update") {
        await call(what, () => octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { ...repo, comment_id: Number(step.id), body: step.body }));
      } else {
        // Already gone is done: a retried delete GitHub had applied answers 404 (ADR 0150), not "cannot see the repository".
        await call(what, () =>
          octokit.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", { ...repo, comment_id: Number(step.id) }).then(
            () => undefined,
            (error: unknown) => {
              if ((error as { status?: number }).status !== 404) throw error;
            },
          ),
        );
      }
    },
    async body(report) {
      const { data } = await call(`read back report issue #${report.number}`, async () => json(await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { ...repo, issue_number: report.number })));
      return data.body ?? "";
    },
    async close(report) {
      await call(`close last week's report issue #${report.number}`, () =>
        octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { ...repo, issue_number: report.number, state: "closed", state_reason: "completed" }),
      );
    },
    reference: (previous) => `#${previous.number}`,
  };
}

/** A 200 whose body was cut arrives as a string: fail as unreadable rather than read fields off a string (ADR 0150). */
function json<R extends { data: unknown }>(response: R): R {
  if (response.data === null || typeof response.data !== "object") throw new TypeError("the body is not a JSON object");
  return response;
}

const REPOSITORY_QUERY = /* GraphQL */ `
  query ConvergeReportRepository($owner: String!, $repo: String!, $label: String!) {
    repository(owner: $owner, name: $repo) {
      id
      hasDiscussionsEnabled
      discussionCategories(first: 100) {
        nodes {
          id
          name
          slug
        }
      }
      label(name: $label) {
        id
      }
    }
  }
`;

const DISCUSSIONS_QUERY = /* GraphQL */ `
  query ConvergeReportDiscussions($owner: String!, $repo: String!, $categoryId: ID!, $cursor: String) {
    repository(owner: $owner, name: $repo) {
      discussions(first: 50, after: $cursor, categoryId: $categoryId, orderBy: { field: CREATED_AT, direction: DESC }) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          number
          url
          body
          closed
          viewerDidAuthor
        }
      }
    }
  }
`;

const DISCUSSION_COMMENTS_QUERY = /* GraphQL */ `
  query ConvergeReportDiscussionComments($id: ID!, $cursor: String) {
    node(id: $id) {
      ... on Discussion {
        body
        comments(first: 100, after: $cursor) {
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            id
            body
            viewerDidAuthor
          }
        }
      }
    }
  }
`;

interface DiscussionNode {
  id: string;
  number: number;
  url: string;
  body: string;
  closed: boolean;
  viewerDidAuthor: boolean;
}

async function discussionPosts(octokit: Octokit, target: ReportTarget, retry?: RetryOptions): Promise<Posts> {
  const where = `${target.owner}/${target.repo}`;
  const call = <T>(action: string, fn: () => Promise<T>): Promise<T> =>
    withRateLimitRetry(action, fn, retry).catch((error: unknown) => {
      throw explainGitHubError(error, action, where, "discussion");
    });
  const graphql = <T>(action: string, query: string, variables: Record<string, unknown>) =>
    call(action, async () => {
      const data = await octokit.graphql<T>(query, variables);
      if (data === null || typeof data !== "object") throw new TypeError("the body is not a JSON object");
      return data;
    });

  const { repository } = await graphql<{
    repository: { id: string; hasDiscussionsEnabled: boolean; discussionCategories: { nodes: Array<{ id: string; name: string; slug: string }> }; label: { id: string } | null } | null;
  }>("look up the report repository", REPOSITORY_QUERY, { owner: target.owner, repo: target.repo, label: target.label });
  if (!repository) throw new DeliveryError(`Converge cannot see ${where}: check delivery.repository and that the app is installed on that repository.`);
  if (!repository.hasDiscussionsEnabled) throw new DeliveryError(`${where} has Discussions turned off: turn them on in the repository settings, or set delivery.target: issue.`);
  const wanted = target.category.toLowerCase();
  const category = repository.discussionCategories.nodes.find((c) => c.name.toLowerCase() === wanted || c.slug.toLowerCase() === wanted);
  if (!category) {
    const names = repository.discussionCategories.nodes.map((c) => `"${c.name}"`).join(", ") || "none";
    throw new DeliveryError(
      `${where} has no Discussions category "${target.category}" (it has: ${names}). GitHub's API cannot create categories: ` +
        "create it in the repository's Discussions settings, or set delivery.discussionCategory to an existing one.",
    );
  }
  const toReport = (d: DiscussionNode, week: string): PostedReport => ({ id: d.id, number: d.number, url: d.url, week, open: !d.closed, body: d.body });

  const readDiscussion = async (id: string): Promise<{ body: string; comments: ExistingPart[] }> => {
    const comments: ExistingPart[] = [];
    let body: string;
    let cursor: string | null = null;
    do {
      const page: { node: { body: string; comments: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<{ id: string; body: string; viewerDidAuthor: boolean }> } } | null } =
        await graphql("read the report discussion", DISCUSSION_COMMENTS_QUERY, { id, cursor });
      if (!page.node) throw new DeliveryError(`the report discussion ${id} in ${where} is gone`, true);
      body = page.node.body;
      comments.push(...page.node.comments.nodes.filter((c) => c.viewerDidAuthor).map((c) => ({ id: c.id, body: c.body })));
      cursor = page.node.comments.pageInfo.hasNextPage ? page.node.comments.pageInfo.endCursor : null;
    } while (cursor);
    return { body, comments };
  };

  return {
    async find(week) {
      const found: PostedReport[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < MAX_PAGES; pages++) {
        const page: { repository: { discussions: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: DiscussionNode[] } } } = await graphql(
          "list the report discussions",
          DISCUSSIONS_QUERY,
          { owner: target.owner, repo: target.repo, categoryId: category.id, cursor },
        );
        for (const d of page.repository.discussions.nodes) {
          const reportWeek = d.viewerDidAuthor ? reportWeekOf(d.body) : undefined;
          if (reportWeek) found.push(toReport(d, reportWeek));
        }
        const picked = pick(found, week);
        const info = page.repository.discussions.pageInfo;
        if ((picked.current && picked.previous) || !info.hasNextPage) break;
        cursor = info.endCursor;
      }
      return pick(found, week);
    },
    async create(title, body) {
      const { createDiscussion } = await graphql<{ createDiscussion: { discussion: DiscussionNode } }>(
        "create the report discussion",
        `mutation ConvergeCreateReport($repositoryId: ID!, $categoryId: ID!, $title: String!, $body: String!) {
          createDiscussion(input: { repositoryId: $repositoryId, categoryId: $categoryId, title: $title, body: $body }) {
            discussion { id number url body closed viewerDidAuthor }
          }
        }`,
        { repositoryId: repository.id, categoryId: category.id, title, body, request: { retries: 0 } }, // once: see afterFailedCreate
      );
      const discussion = createDiscussion.discussion;
      if (repository.label) {
        await graphql("label the report discussion", `mutation ConvergeLabelReport($id: ID!, $labelIds: [ID!]!) { addLabelsToLabelable(input: { labelableId: $id, labelIds: $labelIds }) { clientMutationId } }`, {
          id: discussion.id,
          labelIds: [repository.label.id],
        });
      }
      return toReport(discussion, reportWeekOf(body)!);
    },
    async update(report, title, body) {
      await graphql(
        `update report discussion #${report.number}`,
        `mutation ConvergeUpdateReport($id: ID!, $title: String!, $body: String!) { updateDiscussion(input: { discussionId: $id, title: $title, body: $body }) { discussion { id } } }`,
        { id: report.id, title, body },
      );
    },
    comments: async (report) => (await readDiscussion(String(report.id))).comments,
    async apply(report, step) {
      const what = `${step.kind} part ${step.part} of report discussion #${report.number}`;
      if (step.kind === "create") {
        await graphql(what, `mutation ConvergeAddReportPart($id: ID!, $body: String!) { addDiscussionComment(input: { discussionId: $id, body: $body }) { comment { id } } }`, { id: report.id, body: step.body, request: { retries: 0 } });
      } else if (step.kind === "update") {
        await graphql(what, `mutation ConvergeUpdateReportPart($id: ID!, $body: String!) { updateDiscussionComment(input: { commentId: $id, body: $body }) { comment { id } } }`, { id: step.id, body: step.body });
      } else {
        await graphql(what, `mutation ConvergeDeleteReportPart($id: ID!) { deleteDiscussionComment(input: { id: $id }) { clientMutationId } }`, { id: step.id });
      }
    },
    body: async (report) => (await readDiscussion(String(report.id))).body,
    // Discussions stay open: a discussion is a conversation, and closing it would end replies to last week's figures.
    close: async () => {},
    reference: (previous) => previous.url,
  };
}

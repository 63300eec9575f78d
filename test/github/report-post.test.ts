import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProbotOctokit } from "probot";
import type { Octokit } from "../../src/github/octokit.js";
import { lastPostedWeek, openReportThread, type ReportTarget } from "../../src/github/report-post.js";
import { DeliveryError } from "../../src/github/delivery-errors.js";
import { ReportTooLargeError } from "../../src/domain/delivery/plan.js";
import { API, APP_IDENTITY, BOT_LOGIN, mockGraphql, teardownNock, type GraphqlCall } from "../helpers/probot.js";

const target: ReportTarget = { owner: "acme", repo: "office", kind: "issue", category: "Reports", label: "converge-report" };
const ISSUES = "/repos/acme/office/issues";

function octokit(): Octokit {
  return new ProbotOctokit({ auth: { token: "ghs_test" }, throttle: { enabled: false }, retry: { enabled: false } }) as Octokit;
}

const bot = { login: BOT_LOGIN, type: "Bot" };
const via = { id: APP_IDENTITY.appId };
function issue(number: number, body: string, extra: Record<string, unknown> = {}) {
  return { number, html_url: `https://github.com/acme/office/issues/${number}`, state: "open", body, user: bot, performed_via_github_app: via, ...extra };
}
function comment(id: number, body: string, user = bot) {
  return { id, body, user, performed_via_github_app: user === bot ? via : null };
}

beforeEach(() => {
  nock.disableNetConnect();
  nock.cleanAll();
});
afterEach(() => teardownNock());

describe("posting the weekly report as an issue", () => {
  it("week rollover: creates this week's issue linked to last week's, then closes last week's; a marker in someone else's issue is ignored", async () => {
    const created: Array<Record<string, unknown>> = [];
    const scope = nock(API)
      .get(ISSUES)
      .query({ labels: "converge-report", state: "all", sort: "created", direction: "desc", per_page: "100" })
      .reply(200, [
        // Someone copied the marker into their own issue: not Converge's, so not this week's report.
        issue(43, "<!-- converge:weekly-report week=2026-W49 -->\nfake", { user: { login: "mallory", type: "User" }, performed_via_github_app: null }),
        issue(41, "<!-- converge:weekly-report week=2026-W48 -->\n# last week"),
        issue(30, "<!-- converge:weekly-report week=2026-W47 -->\n# older", { state: "closed" }),
      ])
      .post(ISSUES, (body) => {
        created.push(body);
        return true;
      })
      .reply(201, (_uri, body) => issue(44, (body as { body: string }).body))
      .get(`${ISSUES}/44`)
      .reply(200, () => issue(44, created[0]!.body as string))
      .get(`${ISSUES}/44/comments`)
      .query(true)
      .reply(200, [])
      .patch(`${ISSUES}/41`, { state: "closed", state_reason: "completed" })
      .reply(200, issue(41, "", { state: "closed" }));

    const thread = await openReportThread(octokit(), target, APP_IDENTITY, "2026-W49");
    expect(thread.current).toBeUndefined();
    expect(thread.previous?.number).toBe(41);
    const outcome = await thread.write(["# Converge weekly report: Acme, 2026-W49\n\nbody\n"]);

    expect(outcome.action).toBe("created");
    expect(outcome.closedPrevious?.number).toBe(41);
    expect(created[0]).toMatchObject({ title: "Converge weekly report 2026-W49", labels: ["converge-report"] });
    const body = created[0]!.body as string;
    expect(body.startsWith("<!-- converge:weekly-report week=2026-W49 -->\n# Converge weekly report")).toBe(true);
    expect(body).toContain("Previous report (2026-W48): #41");
    expect(body).not.toContain("@"); // no team mention unless configured
    expect(scope.isDone()).toBe(true);
  });

  it("re-running the week updates the same issue and its part comments (a part that no longer exists is deleted, someone else's comment untouched)", async () => {
    const oldBody = "<!-- converge:weekly-report week=2026-W49 -->\n# old\n\n---\nPrevious report (2026-W48): #41\n";
    const comments = [
      comment(501, "<!-- converge:weekly-report-part week=2026-W49 part=2 -->\nold part 2"),
      comment(502, "<!-- converge:weekly-report-part week=2026-W49 part=3 -->\nold part 3"),
      comment(503, "<!-- converge:weekly-report-part week=2026-W49 part=2 -->\nnot ours", { login: "mallory", type: "User" }),
    ];
    let storedBody = oldBody;
    const storedComments = new Map<number, string>([[501, comments[0]!.body]]);
    const scope = nock(API)
      .get(ISSUES)
      .query(true)
      .reply(200, [issue(44, oldBody), issue(41, "<!-- converge:weekly-report week=2026-W48 -->\n# last", { state: "closed" })])
      .patch(`${ISSUES}/44`, (b) => {
        storedBody = b.body;
        return b.title === "Converge weekly report 2026-W49" && b.state === undefined;
      })
      .reply(200, () => issue(44, storedBody))
      .get(`${ISSUES}/44/comments`)
      .query(true)
      .reply(200, comments)
      .delete("/repos/acme/office/issues/comments/502")
      .reply(204)
      .patch("/repos/acme/office/issues/comments/501", (b) => {
        storedComments.set(501, b.body);
        return true;
      })
      .reply(200, {})
      .get(`${ISSUES}/44`)
      .reply(200, () => issue(44, storedBody))
      .get(`${ISSUES}/44/comments`)
      .query(true)
      .reply(200, () => [comment(501, storedComments.get(501)!), comments[2]]);

    const thread = await openReportThread(octokit(), target, APP_IDENTITY, "2026-W49");
    const outcome = await thread.write(["# new part 1\n", "# new part 2\n"]);

    expect(outcome).toMatchObject({ action: "updated", parts: 2 });
    expect(outcome.closedPrevious).toBeUndefined(); // already closed
    expect(storedBody).toContain("# new part 1");
    expect(storedComments.get(501)).toBe("<!-- converge:weekly-report-part week=2026-W49 part=2 -->\n# new part 2\n");
    expect(scope.isDone()).toBe(true);
  });

  it("an unchanged report writes nothing (a redelivered job is free of side effects) but is still read back", async () => {
    const body = "<!-- converge:weekly-report week=2026-W49 -->\n# same\n";
    const scope = nock(API)
      .get(ISSUES)
      .query(true)
      .reply(200, [issue(44, body)])
      .get(`${ISSUES}/44/comments`)
      .times(2)
      .query(true)
      .reply(200, [])
      .get(`${ISSUES}/44`)
      .reply(200, issue(44, body));
    const outcome = await (await openReportThread(octokit(), target, APP_IDENTITY, "2026-W49")).write(["# same\n"]);
    expect(outcome.action).toBe("unchanged");
    expect(scope.isDone()).toBe(true);
  });

  it("a body GitHub did not keep whole is an error naming how much was kept", async () => {
    const scope = nock(API)
      .get(ISSUES)
      .query(true)
      .reply(200, [])
      .post(ISSUES)
      .reply(201, (_uri, b) => issue(44, (b as { body: string }).body))
      .get(`${ISSUES}/44`)
      .reply(200, issue(44, "<!-- converge:weekly-report week=2026-W49 -->\n# cut"))
      .get(`${ISSUES}/44/comments`)
      .query(true)
      .reply(200, []);
    const thread = await openReportThread(octokit(), target, APP_IDENTITY, "2026-W49");
    const error = await thread.write(["# cut here, the rest is lost\n"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toMatch(/did not keep part 1 of the 2026-W49 report.*#44.*51 of 75 characters kept/);
    expect(scope.isDone()).toBe(true);
  });

  it("a part over the body limit is refused before anything is written", async () => {
    const scope = nock(API).get(ISSUES).query(true).reply(200, []);
    const thread = await openReportThread(octokit(), target, APP_IDENTITY, "2026-W49");
    const error = await thread.write(["# ok\n", "x".repeat(60_001)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportTooLargeError);
    expect((error as Error).message).toMatch(/part 2 of the weekly report is 60059 characters/);
    expect(scope.isDone()).toBe(true); // no POST was registered: nock would fail on one
  });

  it("GitHub refusing 422 'body is too long' becomes a clear message", async () => {
    nock(API)
      .get(ISSUES)
      .query(true)
      .reply(200, [])
      .post(ISSUES)
      .reply(422, { message: "Validation Failed: body is too long (maximum is 65536 characters)" });
    const error = await (await openReportThread(octokit(), target, APP_IDENTITY, "2026-W49")).write(["# x\n"]).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/GitHub refused to create the report issue in acme\/office: the body is too long/);
  });

  it("a 403 for a missing permission says which permission to grant", async () => {
    nock(API)
      .get(ISSUES)
      .query(true)
      .reply(200, [])
      .post(ISSUES)
      .reply(403, { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest/issues/issues#create-an-issue" });
    const error = await (await openReportThread(octokit(), target, APP_IDENTITY, "2026-W49")).write(["# x\n"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toMatch(/may not create the report issue in acme\/office.*Resource not accessible by integration.*"Issues: Read and write"/);
  });

  it("a secondary rate limit is waited out for retry-after seconds, then the write is retried once", async () => {
    const sleep = vi.fn(async () => {});
    let posted = "";
    const scope = nock(API)
      .get(ISSUES)
      .query(true)
      .reply(200, [])
      .post(ISSUES)
      .reply(403, { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." }, { "retry-after": "7" })
      .post(ISSUES)
      .reply(201, (_uri, b) => {
        posted = (b as { body: string }).body;
        return issue(44, posted);
      })
      .get(`${ISSUES}/44`)
      .reply(200, () => issue(44, posted))
      .get(`${ISSUES}/44/comments`)
      .query(true)
      .reply(200, []);
    const thread = await openReportThread(octokit(), target, APP_IDENTITY, "2026-W49", { retry: { sleep } });
    const outcome = await thread.write(["# x\n"]);
    expect(outcome.action).toBe("created");
    expect(sleep).toHaveBeenCalledTimes(1);
    expect(sleep).toHaveBeenCalledWith(7000);
    expect(scope.isDone()).toBe(true);
  });

  it("lastPostedWeek finds the newest week Converge posted", async () => {
    nock(API)
      .get(ISSUES)
      .query(true)
      .reply(200, [issue(41, "<!-- converge:weekly-report week=2026-W48 -->\n"), issue(30, "<!-- converge:weekly-report week=2026-W47 -->\n")]);
    expect(await lastPostedWeek(octokit(), target, APP_IDENTITY)).toBe("2026-W48");
  });
});

describe("posting the weekly report as a discussion", () => {
  const discussionTarget: ReportTarget = { ...target, kind: "discussion" };
  const repoAnswer = {
    data: {
      repository: {
        id: "R_office",
        hasDiscussionsEnabled: true,
        discussionCategories: { nodes: [{ id: "DIC_general", name: "General", slug: "general" }, { id: "DIC_reports", name: "Reports", slug: "reports" }] },
        label: { id: "LA_report" },
      },
    },
  };

  it("creates the week's discussion in the existing category, labels it, posts part 2 as a comment and reads both back", async () => {
    const calls: GraphqlCall[] = [];
    const stored: { body: string; comments: Array<{ id: string; body: string; viewerDidAuthor: boolean }> } = { body: "", comments: [] };
    const scope = nock(API);
    mockGraphql(scope, () => repoAnswer, calls);
    mockGraphql(
      scope,
      () => ({
        data: {
          repository: {
            discussions: {
              pageInfo: { hasNextPage: false, endCursor: null },
              nodes: [
                { id: "D_fake", number: 9, url: "https://github.com/acme/office/discussions/9", body: "<!-- converge:weekly-report week=2026-W49 -->", closed: false, viewerDidAuthor: false },
                { id: "D_48", number: 8, url: "https://github.com/acme/office/discussions/8", body: "<!-- converge:weekly-report week=2026-W48 -->\n# last", closed: false, viewerDidAuthor: true },
              ],
            },
          },
        },
      }),
      calls,
    );
    mockGraphql(
      scope,
      (call) => {
        stored.body = call.variables.body as string;
        return { data: { createDiscussion: { discussion: { id: "D_49", number: 10, url: "https://github.com/acme/office/discussions/10", body: stored.body, closed: false, viewerDidAuthor: true } } } };
      },
      calls,
    );
    mockGraphql(scope, () => ({ data: { addLabelsToLabelable: { clientMutationId: null } } }), calls);
    mockGraphql(
      scope,
      (call) => {
        stored.comments.push({ id: "DC_1", body: call.variables.body as string, viewerDidAuthor: true });
        return { data: { addDiscussionComment: { comment: { id: "DC_1" } } } };
      },
      calls,
    );
    const readBack = () => ({ data: { node: { body: stored.body, comments: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: stored.comments } } } });
    mockGraphql(scope, readBack, calls);
    mockGraphql(scope, readBack, calls);

    const thread = await openReportThread(octokit(), discussionTarget, APP_IDENTITY, "2026-W49");
    expect(thread.current).toBeUndefined();
    expect(thread.previous?.number).toBe(8);
    const outcome = await thread.write(["# part 1\n", "# part 2\n"], { mentionTeam: "@acme/office-team" });

    expect(outcome).toMatchObject({ action: "created", parts: 2 });
    expect(outcome.closedPrevious).toBeUndefined(); // discussions stay open
    expect(calls[1]!.variables).toMatchObject({ categoryId: "DIC_reports" });
    expect(calls[2]!.query).toContain("createDiscussion");
    expect(calls[2]!.variables).toMatchObject({ repositoryId: "R_office", categoryId: "DIC_reports", title: "Converge weekly report 2026-W49" });
    expect(stored.body).toBe(
      "<!-- converge:weekly-report week=2026-W49 -->\ncc @acme/office-team\n# part 1\n\n\n---\nPrevious report (2026-W48): https://github.com/acme/office/discussions/8\n",
    );
    expect(calls[3]!.variables).toEqual({ id: "D_49", labelIds: ["LA_report"] });
    expect(stored.comments[0]!.body).toBe("<!-- converge:weekly-report-part week=2026-W49 part=2 -->\n# part 2\n");
    expect(scope.isDone()).toBe(true);
  });

  it("a category that does not exist is a clear error listing the ones that do", async () => {
    const scope = nock(API);
    mockGraphql(scope, () => repoAnswer);
    const error = await openReportThread(octokit(), { ...discussionTarget, category: "Weekly" }, APP_IDENTITY, "2026-W49").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toMatch(/no Discussions category "Weekly" \(it has: "General", "Reports"\).*cannot create categories/);
  });

  it("GraphQL FORBIDDEN names the Discussions permission", async () => {
    const scope = nock(API);
    mockGraphql(scope, () => ({ data: { repository: null }, errors: [{ type: "FORBIDDEN", message: "Resource not accessible by integration", path: ["repository"] }] }));
    const error = await openReportThread(octokit(), discussionTarget, APP_IDENTITY, "2026-W49").catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/may not look up the report repository in acme\/office.*"Discussions: Read and write"/);
  });
});

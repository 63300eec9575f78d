import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { API, APP_IDENTITY, BOT_LOGIN, createTestApp, examplePayload, mockConfig, setupNock, teardownNock } from "../helpers/probot.js";

/**
 * Milestone sprints: issues.milestoned / demilestoned (GitHub's published payloads) on an open user story. The
 * milestone history comes from the timeline, so the two events of one milestone change give the same answer in any
 * order, and Converge's carry-over comment is upserted, never duplicated.
 */

const REPO = "/repos/Codertocat/Hello-World";
const CONFIG = "sprints:\n  source: milestone\n";
const bot = { login: BOT_LOGIN, type: "Bot" };

function event(action: "milestoned" | "demilestoned", labels = ["user-story"]): Record<string, any> {
  const payload = examplePayload("issues", action);
  payload.issue.labels = labels.map((name, i) => ({ id: i + 1, node_id: `L${i}`, url: "", name, color: "ededed", default: false, description: null }));
  return payload;
}

const MILESTONES = [
  { number: 46, title: "Sprint 2026-46", due_on: "2026-11-13T08:00:00Z", state: "closed" },
  { number: 48, title: "Sprint 2026-48", due_on: "2026-11-27T08:00:00Z", state: "open" },
  { number: 50, title: "Release 3", due_on: "2027-01-15T08:00:00Z", state: "open" },
];

/** Planned in sprint 46, moved to 48 while open (GitHub records the change as demilestoned + milestoned). */
const TIMELINE = [
  { event: "milestoned", milestone: { title: "Sprint 2026-46" }, created_at: "2026-11-02T09:00:00Z" },
  { event: "labeled", label: { name: "user-story" }, created_at: "2026-11-02T09:01:00Z" },
  { event: "demilestoned", milestone: { title: "Sprint 2026-46" }, created_at: "2026-11-16T10:00:00Z" },
  { event: "milestoned", milestone: { title: "Sprint 2026-48" }, created_at: "2026-11-16T10:00:00Z" },
];

/** Config, timeline and milestones; then Converge's comments unless `comments` is null (no carry-over: never read). */
function github(scope: nock.Scope, comments: unknown[] | null, timeline: unknown[] = TIMELINE, milestones: unknown[] = MILESTONES): nock.Scope {
  mockConfig(scope, "Codertocat", "Hello-World", CONFIG);
  scope.get(`${REPO}/issues/2/timeline`).query(true).reply(200, timeline).get(`${REPO}/milestones`).query({ state: "all", per_page: "100" }).reply(200, milestones);
  return comments === null ? scope : scope.get(`${REPO}/issues/2/comments`).query(true).reply(200, comments);
}

beforeEach(() => setupNock());
afterEach(() => teardownNock());

describe("milestone carry-over", () => {
  it("a story moved from one sprint milestone to a later one gets one suggestion; both events of the change and a redelivery keep one comment", async () => {
    const app = createTestApp();
    let posted = "";
    const scope = github(nock(API), []);
    scope
      .post(`${REPO}/issues/2/comments`, (body: { body: string }) => {
        posted = body.body;
        return true;
      })
      .reply(201, { id: 77 });
    await app.receive("issues", event("milestoned"), "m-1");
    expect(scope.isDone()).toBe(true);
    expect(posted.startsWith("<!-- converge:carry-over -->")).toBe(true);
    expect(posted).toContain("2026-11-16: Sprint 2026-46 → Sprint 2026-48");
    expect(posted).toContain("Suggestion");
    expect(posted).toContain("This story moved to a later sprint while still open, once");

    // The demilestoned event of the same change, then a redelivery of the first: the comment exists, nothing is written.
    const own = [{ id: 77, body: posted, user: bot, performed_via_github_app: { id: APP_IDENTITY.appId } }];
    github(nock(API), own);
    await app.receive("issues", event("demilestoned"), "m-2");
    github(nock(API), own);
    await app.receive("issues", event("milestoned"), "m-1");
  });

  it("a second carry-over updates the same comment; a marker in someone else's comment is not trusted", async () => {
    const app = createTestApp();
    const first = "<!-- converge:carry-over -->\nold\n<!-- converge:carry-over-state [{\"from\":\"Sprint 2026-46\",\"to\":\"Sprint 2026-48\",\"at\":\"2026-11-16T10:00:00Z\"}] -->";
    const forged = { id: 5, body: "<!-- converge:carry-over -->\nforged", user: { login: "mallory", type: "User" }, performed_via_github_app: null };
    const timeline = [
      ...TIMELINE,
      { event: "demilestoned", milestone: { title: "Sprint 2026-48" }, created_at: "2026-11-30T10:00:00Z" },
      { event: "milestoned", milestone: { title: "Sprint 2026-50" }, created_at: "2026-11-30T10:00:00Z" },
    ];
    let patched = "";
    const milestones = [...MILESTONES, { number: 51, title: "Sprint 2026-50", due_on: "2026-12-11T08:00:00Z", state: "open" }];
    const scope = github(nock(API), [forged, { id: 78, body: first, user: bot, performed_via_github_app: { id: APP_IDENTITY.appId } }], timeline, milestones);
    scope
      .patch(`${REPO}/issues/comments/78`, (body: { body: string }) => {
        patched = body.body;
        return true;
      })
      .reply(200, { id: 78 });
    await app.receive("issues", event("milestoned"), "m-3");
    expect(patched).toContain("Sprint 2026-46 → Sprint 2026-48");
    expect(patched).toContain("Sprint 2026-48 → Sprint 2026-50");
    expect(patched).toContain("2 times");
  });

  it("no comment for a first planning, a move to a non-sprint milestone, an issue that is neither story nor use case, or the iteration model", async () => {
    const app = createTestApp();
    // First planned into a sprint: no carry-over, nothing written (no comment read either).
    github(nock(API), null, [TIMELINE[0]]);
    await app.receive("issues", event("milestoned"), "m-4");

    // Moved from a sprint to "Release 3" (not a sprint milestone).
    const release = [TIMELINE[0], { event: "demilestoned", milestone: { title: "Sprint 2026-46" }, created_at: "2026-11-16T10:00:00Z" }, { event: "milestoned", milestone: { title: "Release 3" }, created_at: "2026-11-16T10:00:00Z" }];
    github(nock(API), null, release);
    await app.receive("issues", event("milestoned"), "m-5");

    // A bug: only its config is read.
    mockConfig(nock(API), "Codertocat", "Hello-World", CONFIG);
    await app.receive("issues", event("milestoned", ["bug"]), "m-6");

    // Iteration sprints: milestones are not sprints.
    mockConfig(nock(API), "Codertocat", "Hello-World", "sprints:\n  source: iteration\n");
    await app.receive("issues", event("milestoned"), "m-7");
  });
});

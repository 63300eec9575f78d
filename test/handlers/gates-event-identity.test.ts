import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import { API, APP_IDENTITY, BOT_LOGIN, createTestApp, examplePayload, mockConfig, setupNock, teardownNock } from "../helpers/probot.js";
import { GOOD_BODY, ISSUE_NUMBER, OWNER, REPO, label, useCaseIssue } from "../fixtures/use-cases.js";
import { parseSections } from "../../src/domain/status/comment-body.js";
import { readGatesState } from "../../src/domain/gates/render.js";

/**
 * Gate events are told apart by identity (ADR 0025): the X-GitHub-Delivery id, the comment id of a `/gate pass`, the
 * labeled timeline event's id. GitHub stamps `issue.updated_at` to the second, so several additions in one second
 * share it; a time must never make a new addition look like a redelivery. End to end through Probot's receive(),
 * GitHub mocked with nock; every unexpected request fails the test (net connect disabled, unmatched asserted empty).
 */

const ISSUE_PATH = `/repos/${OWNER}/${REPO}/issues/${ISSUE_NUMBER}`;
const COMMENTS = `${ISSUE_PATH}/comments`;
const TIMELINE = `${ISSUE_PATH}/timeline`;
const ARCH = "gate/3-architecture";
const EARLIER = ["use-case", "gate/1-intake", "gate/2-feasibility"];
/** The one second all three additions happen in. */
const SECOND = "2026-11-24T15:00:00Z";

let unmatched: string[] = [];
const onNoMatch = (req: { method?: string; path?: string; href?: string }) => unmatched.push(`${req.method ?? ""} ${req.path ?? req.href ?? ""}`);

function member(scope: nock.Scope, team: string, login: string, status: 200 | 404 = 200): void {
  const path = `/orgs/${OWNER}/teams/${team}/memberships/${login}`;
  if (status === 200) scope.get(path).reply(200, { url: `${API}${path}`, role: "member", state: "active" });
  else scope.get(path).reply(404, { message: "Not Found" });
}

function liveIssue(labels: string[], overrides: Record<string, unknown> = {}) {
  return useCaseIssue(GOOD_BODY, labels, { assignees: [{ login: "ada", id: 7, type: "User" }], ...overrides });
}

const repository = (payload: Record<string, any>) => ({
  ...payload.repository,
  name: REPO,
  full_name: `${OWNER}/${REPO}`,
  html_url: `https://github.com/${OWNER}/${REPO}`,
  owner: { ...payload.repository.owner, login: OWNER },
});

function labeledEvent(name: string, sender: string, labels: string[], updatedAt = SECOND) {
  const payload = examplePayload("issues", "labeled");
  payload.label = label(name);
  payload.issue = { ...liveIssue(labels), updated_at: updatedAt };
  payload.repository = repository(payload);
  payload.sender = { ...payload.sender, login: sender, type: "User" };
  return payload;
}

function commentEvent(id: number, body: string, author: string, labels: string[]) {
  const payload = examplePayload("issue_comment", "created");
  payload.issue = liveIssue(labels);
  delete payload.issue.pull_request;
  payload.comment = { ...payload.comment, id, body, user: { ...payload.comment.user, login: author, type: "User" }, created_at: "2026-11-24T16:00:00Z" };
  payload.repository = repository(payload);
  payload.sender = { ...payload.sender, login: author, type: "User" };
  return payload;
}

/** REST timeline events as GitHub returns them, each with its own `id` and `node_id`. */
const tl = {
  labeled: (id: number, name: string, login: string, at: string) => ({
    id,
    node_id: `LE_${id}`,
    event: "labeled",
    label: { name, color: "ededed" },
    actor: { login, type: login.endsWith("[bot]") ? "Bot" : "User" },
    created_at: at,
  }),
  unlabeled: (id: number, name: string, login: string, at: string) => ({
    id,
    node_id: `UNLE_${id}`,
    event: "unlabeled",
    label: { name, color: "ededed" },
    actor: { login, type: login.endsWith("[bot]") ? "Bot" : "User" },
    created_at: at,
  }),
};

const HISTORY = [
  tl.labeled(1, "use-case", "mara-schmidt", "2026-11-20T09:00:00Z"),
  tl.labeled(2, "gate/1-intake", "olga", "2026-11-21T09:00:00Z"),
  tl.labeled(3, "gate/2-feasibility", "ada", "2026-11-22T09:00:00Z"),
];

function ownComment(id: number, body: string) {
  return { id, body, user: { login: BOT_LOGIN, type: "Bot" }, performed_via_github_app: { id: APP_IDENTITY.appId, slug: "converge" } };
}

/** The status comment: created when there is none yet, else updated; the written body is captured. */
function expectStatusWrite(scope: nock.Scope, current: string | undefined): { body?: string } {
  const out: { body?: string } = {};
  scope.get(COMMENTS).query({ per_page: 100 }).reply(200, current === undefined ? [] : [ownComment(900, current)]);
  if (current === undefined) scope.post(COMMENTS, (b) => ((out.body = b.body), true)).reply(201, { id: 900 });
  else scope.patch(`/repos/${OWNER}/${REPO}/issues/comments/900`, (b) => ((out.body = b.body), true)).reply(200, { id: 900 });
  return out;
}

function gatesState(body: string | undefined) {
  return readGatesState(parseSections(body ?? "").find((s) => s.id === "gates")?.state);
}

describe("gates: events are identified by identity, never by a time", () => {
  beforeEach(() => {
    setupNock();
    unmatched = [];
    nock.emitter.on("no match", onNoMatch);
  });
  afterEach(() => {
    nock.emitter.removeListener("no match", onNoMatch);
    teardownNock();
    expect(unmatched).toEqual([]);
  });

  it("reverts all three additions a non-approver makes within one second, and a true redelivery of the first writes nothing", async () => {
    const app = createTestApp();
    const labels = [...EARLIER, ARCH];
    let body: string | undefined;
    let timeline: unknown[] = [...HISTORY];
    for (const [n, delivery] of ["d-1", "d-2", "d-3"].entries()) {
      // GitHub lists each addition (and Converge's removal of the one before) with its own id, all in the same second.
      timeline = [...timeline, ...(n > 0 ? [tl.unlabeled(100 + n, ARCH, BOT_LOGIN, SECOND)] : []), tl.labeled(10 + n, ARCH, "mallory", SECOND)];
      const scope = nock(API);
      mockConfig(scope, OWNER, REPO, null);
      scope.get(ISSUE_PATH).reply(200, liveIssue(labels));
      member(scope, "itot-architects", "mallory", 404);
      member(scope, "itot-architects", "ada"); // the assigned architect (requirement)
      let removed = false;
      scope.delete(`${ISSUE_PATH}/labels/${encodeURIComponent(ARCH)}`).reply(200, () => ((removed = true), []));
      scope.get(TIMELINE).query({ per_page: 100 }).reply(200, timeline);
      const write = expectStatusWrite(scope, body);

      // The same payload each time: same sender, same label, same updated_at; only the delivery id differs.
      await app.receive("issues", labeledEvent(ARCH, "mallory", labels), delivery);

      expect(scope.isDone()).toBe(true);
      expect(removed).toBe(true);
      expect(write.body).toContain("**IT/OT architecture review** was not passed: mallory tried, and Converge removed `gate/3-architecture` again.");
      expect(write.body).toContain("| 3 | IT/OT architecture review (`gate/3-architecture`) | ⏳ next |");
      body = write.body;
    }
    // Bounded memory: the three delivery ids and the timeline id of the last addition judged.
    expect(gatesState(body).decided?.architecture).toEqual({ seen: ["delivery:d-1", "delivery:d-2", "delivery:d-3"], event: "LE_12" });

    // GitHub redelivers the first event (same X-GitHub-Delivery id). Even with the label on the issue again, it was
    // judged: only the issue and the status comment are read, nothing is written (no timeline, no team lookups).
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(labels));
    scope.get(COMMENTS).query({ per_page: 100 }).reply(200, [ownComment(900, body ?? "")]);
    await app.receive("issues", labeledEvent(ARCH, "mallory", labels), "d-1");
    expect(scope.isDone()).toBe(true);
  });

  it("keeps only the last few delivery ids per gate, so the hidden state stays bounded", async () => {
    const app = createTestApp();
    const labels = [...EARLIER, ARCH];
    let body: string | undefined;
    let timeline: unknown[] = [...HISTORY];
    for (let n = 0; n < 7; n++) {
      timeline = [...timeline, ...(n > 0 ? [tl.unlabeled(200 + n, ARCH, BOT_LOGIN, SECOND)] : []), tl.labeled(20 + n, ARCH, "mallory", SECOND)];
      const scope = nock(API);
      mockConfig(scope, OWNER, REPO, null);
      scope.get(ISSUE_PATH).reply(200, liveIssue(labels));
      member(scope, "itot-architects", "mallory", 404);
      member(scope, "itot-architects", "ada");
      scope.delete(`${ISSUE_PATH}/labels/${encodeURIComponent(ARCH)}`).reply(200, []);
      scope.get(TIMELINE).query({ per_page: 100 }).reply(200, timeline);
      const write = expectStatusWrite(scope, body);
      await app.receive("issues", labeledEvent(ARCH, "mallory", labels), `spam-${n}`);
      expect(scope.isDone()).toBe(true);
      body = write.body;
    }
    expect(gatesState(body).decided?.architecture).toEqual({ seen: ["spam-2", "spam-3", "spam-4", "spam-5", "spam-6"].map((d) => `delivery:${d}`), event: "LE_26" });
  });

  it("a late delivery of an older addition judges the addition that stands, by its own actor, not the late sender", async () => {
    // mallory added the label at 15:00:00 and Converge removed it; ada (an architect) added it in the same second.
    // mallory's delivery arrives only now (out of order). Judging mallory would remove ada's rightful pass.
    const app = createTestApp();
    const labels = [...EARLIER, ARCH];
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(labels));
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, [
      ...HISTORY,
      tl.labeled(30, ARCH, "mallory", SECOND),
      tl.unlabeled(31, ARCH, BOT_LOGIN, SECOND),
      tl.labeled(32, ARCH, "ada", SECOND),
    ]);
    member(scope, "itot-architects", "ada"); // ada as the adder, and (cached) as the assigned architect
    const write = expectStatusWrite(scope, undefined);
    // The merge gate (architecture by default) was passed: Converge looks for linked pull requests (none here).

    await app.receive("issues", labeledEvent(ARCH, "mallory", labels), "late-mallory");

    expect(scope.isDone()).toBe(true);
    expect(write.body).toContain("**IT/OT architecture review** passed by ada.");
    expect(write.body).toContain("| 3 | IT/OT architecture review (`gate/3-architecture`) | ✅ passed | ada, 2026-11-24 |");
    expect(gatesState(write.body).decided?.architecture).toEqual({ seen: ["delivery:late-mallory"], event: "LE_32" });

    // ada's own delivery then arrives: the standing addition LE_32 was judged; nothing is written.
    const again = nock(API);
    mockConfig(again, OWNER, REPO, null);
    again.get(ISSUE_PATH).reply(200, liveIssue(labels));
    again.get(COMMENTS).query({ per_page: 100 }).reply(200, [ownComment(900, write.body ?? "")]);
    again.get(TIMELINE).query({ per_page: 100 }).reply(200, [
      ...HISTORY,
      tl.labeled(30, ARCH, "mallory", SECOND),
      tl.unlabeled(31, ARCH, BOT_LOGIN, SECOND),
      tl.labeled(32, ARCH, "ada", SECOND),
    ]);
    await app.receive("issues", labeledEvent(ARCH, "ada", labels), "ada-own");
    expect(again.isDone()).toBe(true);
  });

  it("a restore credits the addition that was removed, found by its timeline id even when another addition shares its second", async () => {
    // mallory's addition (reverted) and ada's (accepted) happened in the same second; then mallory removes ada's.
    const app = createTestApp();
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(EARLIER));
    member(scope, "itot-architects", "mallory", 404);
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, [
      ...HISTORY,
      tl.labeled(40, ARCH, "mallory", SECOND),
      tl.unlabeled(41, ARCH, BOT_LOGIN, SECOND),
      tl.labeled(42, ARCH, "ada", SECOND),
      tl.unlabeled(43, ARCH, "mallory", "2026-11-24T15:05:00Z"),
    ]);
    member(scope, "itot-architects", "ada");
    scope.post(`${ISSUE_PATH}/labels`, { labels: [ARCH] }).reply(200, []);
    const write = expectStatusWrite(scope, undefined);

    const payload = labeledEvent(ARCH, "mallory", EARLIER, "2026-11-24T15:05:00Z");
    payload.action = "unlabeled";
    await app.receive("issues", payload, "remove-1");

    expect(scope.isDone()).toBe(true);
    expect(write.body).toContain("stays passed: mallory removed `gate/3-architecture`");
    expect(write.body).toContain("| 3 | IT/OT architecture review (`gate/3-architecture`) | ✅ passed | ada, 2026-11-24 |");
  });

  it("a redelivered /gate pass that was refused is not judged again once the facts change", async () => {
    const app = createTestApp();
    // First delivery: feasibility is not passed yet, so ada's command is refused.
    const before = ["use-case", "gate/1-intake"];
    let scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(before));
    member(scope, "itot-architects", "ada");
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, HISTORY.slice(0, 2));
    const first = expectStatusWrite(scope, undefined);
    await app.receive("issue_comment", commentEvent(5001, "/gate pass architecture", "ada", before), "c-1");
    expect(scope.isDone()).toBe(true);
    expect(first.body).toContain("- Earlier gates are not passed yet: Feasibility (`gate/2-feasibility`).");
    expect(gatesState(first.body).decided?.architecture).toEqual({ seen: ["comment:5001"] });

    // Days later feasibility is passed and the same comment is redelivered: judged then, so no label is added now.
    scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(EARLIER));
    scope.get(COMMENTS).query({ per_page: 100 }).reply(200, [ownComment(900, first.body ?? "")]);
    await app.receive("issue_comment", commentEvent(5001, "/gate pass architecture", "ada", EARLIER), "c-1");
    expect(scope.isDone()).toBe(true);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import { API, APP_IDENTITY, BOT_LOGIN, createTestApp, examplePayload, mockConfig, setupNock, teardownNock } from "../helpers/probot.js";
import { GOOD_BODY, ISSUE_NUMBER, OWNER, REPO, label, useCaseIssue } from "../fixtures/use-cases.js";
import { STATUS_MARKER } from "../../src/domain/status/markers.js";
import { CHECK_NAME } from "../../src/domain/gates/check.js";

/**
 * Governance gates end to end: real webhook payload shapes through Probot's receive(), GitHub mocked with nock at
 * the HTTP boundary. Every test asserts the exact requests: an unexpected one fails (net connect is disabled and the
 * handler's error rejects receive()), a missing one fails scope.isDone().
 */

const ISSUE_PATH = `/repos/${OWNER}/${REPO}/issues/${ISSUE_NUMBER}`;
const COMMENTS = `${ISSUE_PATH}/comments`;
const TIMELINE = `${ISSUE_PATH}/timeline`;
const ARCH = "gate/3-architecture";
const EARLIER = ["use-case", "gate/1-intake", "gate/2-feasibility"];
const PR_SHA = "0123456789abcdef0123456789abcdef01234567";

/** Requests nock refused (no interceptor). Asserted empty after every test: the config loader swallows errors, so a
 * refused request would otherwise go unnoticed. */
let unmatched: string[] = [];
const onNoMatch = (req: { method?: string; path?: string; href?: string }) => unmatched.push(`${req.method ?? ""} ${req.path ?? req.href ?? ""}`);
function watchUnmatched(): void {
  setupNock();
  unmatched = [];
  nock.emitter.on("no match", onNoMatch);
}
function checkUnmatched(): void {
  nock.emitter.removeListener("no match", onNoMatch);
  teardownNock();
  expect(unmatched).toEqual([]);
}

function member(scope: nock.Scope, team: string, login: string, status: 200 | 404 | 500 = 200, state = "active"): void {
  const path = `/orgs/${OWNER}/teams/${team}/memberships/${login}`;
  if (status === 200) scope.get(path).reply(200, { url: `${API}${path}`, role: "member", state });
  else scope.get(path).reply(status, { message: status === 404 ? "Not Found" : "Server Error" });
}

function liveIssue(labels: string[], overrides: Record<string, unknown> = {}) {
  return useCaseIssue(GOOD_BODY, labels, { assignees: [{ login: "ada", id: 7, type: "User" }], ...overrides });
}

function labelEvent(action: "labeled" | "unlabeled", name: string, sender: string, labels: string[]) {
  const payload = examplePayload("issues", "labeled");
  payload.action = action;
  payload.label = label(name);
  payload.issue = { ...liveIssue(labels), updated_at: "2026-11-24T15:00:00Z" };
  payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, html_url: `https://github.com/${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
  payload.sender = { ...payload.sender, login: sender, type: sender.endsWith("[bot]") ? "Bot" : "User" };
  return payload;
}

function commentEvent(body: string, author: string, labels: string[]) {
  const payload = examplePayload("issue_comment", "created");
  payload.issue = liveIssue(labels);
  delete payload.issue.pull_request;
  payload.comment = { ...payload.comment, body, user: { ...payload.comment.user, login: author, type: "User" }, created_at: "2026-11-24T16:00:00Z" };
  payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, html_url: `https://github.com/${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
  payload.sender = { ...payload.sender, login: author, type: "User" };
  return payload;
}

const tl = {
  labeled: (name: string, login: string, at: string) => ({ event: "labeled", label: { name, color: "ededed" }, actor: { login, type: login.endsWith("[bot]") ? "Bot" : "User" }, created_at: at }),
  unlabeled: (name: string, login: string, at: string) => ({ event: "unlabeled", label: { name, color: "ededed" }, actor: { login, type: "User" }, created_at: at }),
  pr: (number: number, state = "open") => ({
    event: "cross-referenced",
    created_at: "2026-11-22T10:00:00Z",
    actor: { login: "dev" },
    source: { type: "issue", issue: { number, state, pull_request: { merged_at: null }, repository: { name: REPO, owner: { login: OWNER } } } },
  }),
};

const HISTORY = [
  tl.labeled("use-case", "mara-schmidt", "2026-11-20T09:00:00Z"),
  tl.labeled("gate/1-intake", "olga", "2026-11-21T09:00:00Z"),
  tl.labeled("gate/2-feasibility", "ada", "2026-11-22T09:00:00Z"),
];

function ownComment(id: number, body: string) {
  return { id, body, user: { login: BOT_LOGIN, type: "Bot" }, performed_via_github_app: { id: APP_IDENTITY.appId, slug: "converge" } };
}

/** Capture the body of the status comment Converge creates. */
function expectNewStatusComment(scope: nock.Scope, existing: unknown[] = []): { body?: string } {
  const out: { body?: string } = {};
  scope.get(COMMENTS).query({ per_page: 100 }).reply(200, existing);
  scope.post(COMMENTS, (b) => ((out.body = b.body), true)).reply(201, { id: 900 });
  return out;
}

describe("gates: issues.labeled", () => {
  beforeEach(watchUnmatched);
  afterEach(checkUnmatched);

  it("accepts an architect passing the architecture gate in order, records the approval and flips the PR check", async () => {
    const app = createTestApp();
    const labels = [...EARLIER, ARCH];
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(labels));
    member(scope, "itot-architects", "ada"); // actor, and (cached) the assigned architect
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, [...HISTORY, tl.pr(77), tl.pr(78, "closed")]);
    const status = expectNewStatusComment(scope);
    scope.get(`/repos/${OWNER}/${REPO}/pulls/77`).reply(200, { number: 77, state: "open", body: `Closes #${ISSUE_NUMBER}`, head: { sha: PR_SHA } });
    scope
      .get(`/repos/${OWNER}/${REPO}/commits/${PR_SHA}/check-runs`)
      .query({ check_name: CHECK_NAME, filter: "latest", per_page: 100 })
      .reply(200, {
        total_count: 2,
        check_runs: [
          { id: 5, name: CHECK_NAME, status: "completed", conclusion: "success", output: { title: "spoof", summary: "" }, app: { id: 999, slug: "other" } },
          { id: 6, name: CHECK_NAME, status: "completed", conclusion: "failure", output: { title: "x", summary: "y" }, app: { id: APP_IDENTITY.appId, slug: "converge" } },
        ],
      });
    let patched: any;
    scope.patch(`/repos/${OWNER}/${REPO}/check-runs/6`, (b) => ((patched = b), true)).reply(200, { id: 6 });

    await app.receive("issues", labelEvent("labeled", ARCH, "ada", labels));

    expect(scope.isDone()).toBe(true);
    expect(status.body?.startsWith(STATUS_MARKER)).toBe(true);
    expect(status.body).toContain("| 3 | IT/OT architecture review (`gate/3-architecture`) | ✅ passed | ada, 2026-11-24 |");
    expect(status.body).toContain("| 2 | Feasibility (`gate/2-feasibility`) | ✅ passed | ada, 2026-11-22 |");
    expect(status.body).toContain("**IT/OT architecture review** passed by ada.");
    expect(status.body).toContain("[acme/itot-architects](https://github.com/orgs/acme/teams/itot-architects)");
    expect(status.body).not.toMatch(/@[A-Za-z]/);
    expect(patched).toMatchObject({ status: "completed", conclusion: "success", output: { title: "IT/OT architecture review passed" } });
  });

  it("removes the label and says who can pass it when the actor is not in the team", async () => {
    const app = createTestApp();
    const labels = [...EARLIER, ARCH];
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(labels));
    member(scope, "itot-architects", "mallory", 404);
    member(scope, "itot-architects", "ada");
    scope.delete(`${ISSUE_PATH}/labels/${encodeURIComponent(ARCH)}`).reply(200, []);
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, HISTORY);
    const status = expectNewStatusComment(scope);

    await app.receive("issues", labelEvent("labeled", ARCH, "mallory", labels));

    expect(scope.isDone()).toBe(true);
    expect(status.body).toContain("**IT/OT architecture review** was not passed: mallory tried, and Converge removed `gate/3-architecture` again.");
    expect(status.body).toContain("- mallory may not pass this gate. Who can: [acme/itot-architects](https://github.com/orgs/acme/teams/itot-architects).");
    expect(status.body).toContain("| 3 | IT/OT architecture review (`gate/3-architecture`) | ⏳ next |");
  });

  it("refuses an out-of-order gate and a missing requirement, listing both", async () => {
    const app = createTestApp();
    const labels = ["use-case", "gate/1-intake", ARCH];
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(labels, { assignees: [] }));
    member(scope, "itot-architects", "ada");
    scope.delete(`${ISSUE_PATH}/labels/${encodeURIComponent(ARCH)}`).reply(200, []);
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, HISTORY.slice(0, 2));
    const status = expectNewStatusComment(scope);

    await app.receive("issues", labelEvent("labeled", ARCH, "ada", labels));

    expect(scope.isDone()).toBe(true);
    expect(status.body).toContain("- Earlier gates are not passed yet: Feasibility (`gate/2-feasibility`).");
    expect(status.body).toContain("- no IT/OT architect is assigned.");
  });

  it("fails safe when the team lookup fails: the gate is not passed and the comment says it could not verify", async () => {
    const app = createTestApp();
    const labels = [...EARLIER, ARCH];
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(labels));
    member(scope, "itot-architects", "ada", 500);
    scope.delete(`${ISSUE_PATH}/labels/${encodeURIComponent(ARCH)}`).reply(200, []);
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, HISTORY);
    const status = expectNewStatusComment(scope);

    await app.receive("issues", labelEvent("labeled", ARCH, "ada", labels));

    expect(scope.isDone()).toBe(true);
    expect(status.body).toContain("Converge could not verify ada's membership in [acme/itot-architects]");
    expect(status.body).toContain("could not verify that an IT/OT architect is assigned (could not verify)");
    expect(status.body).not.toContain("✅ passed | ada, 2026-11-24");
  });

  it("never lets a bot pass a gate unless the config allows it, without asking GitHub about its teams", async () => {
    const app = createTestApp();
    const labels = [...EARLIER, ARCH];
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(labels));
    member(scope, "itot-architects", "ada"); // the assignee requirement is still checked
    scope.delete(`${ISSUE_PATH}/labels/${encodeURIComponent(ARCH)}`).reply(200, []);
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, HISTORY);
    const status = expectNewStatusComment(scope);

    await app.receive("issues", labelEvent("labeled", ARCH, "renovate[bot]", labels));

    expect(scope.isDone()).toBe(true);
    expect(status.body).toContain("is a bot account, and bots may not pass gates unless `gates.bots` names them.");
  });

  it("ignores its own label events entirely (no loop, not even a config read)", async () => {
    const app = createTestApp();
    await app.receive("issues", labelEvent("labeled", ARCH, BOT_LOGIN, [...EARLIER, ARCH]));
    await app.receive("issues", labelEvent("unlabeled", ARCH, BOT_LOGIN, EARLIER));
    // No mocks were registered: any request would be refused by nock and make receive() reject.
  });

  it("ignores labels that are not gates after reading the config", async () => {
    const app = createTestApp();
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    await app.receive("issues", labelEvent("labeled", "bug", "mallory", ["use-case", "bug"]));
    expect(scope.isDone()).toBe(true);
  });

  it("does nothing on a redelivery after the label was already removed", async () => {
    const app = createTestApp();
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(EARLIER)); // live: the label is gone
    await app.receive("issues", labelEvent("labeled", ARCH, "mallory", [...EARLIER, ARCH]), "delivery-2");
    expect(scope.isDone()).toBe(true);
  });

  it("writes nothing when an accepted pass is delivered again, even after the facts changed", async () => {
    const labels = [...EARLIER, ARCH];
    const timeline = [...HISTORY, tl.labeled(ARCH, "ada", "2026-11-24T15:00:00Z")];
    // First delivery: learn the exact comment body.
    let scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(labels));
    member(scope, "itot-architects", "ada");
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, timeline);
    const first = expectNewStatusComment(scope);
    await createTestApp().receive("issues", labelEvent("labeled", ARCH, "ada", labels));
    expect(scope.isDone()).toBe(true);
    expect(first.body).toBeDefined();

    // Redelivery days later, after the architect was unassigned: the comment records that this very addition was
    // decided, so it is not judged again on today's facts (which would remove a rightly passed gate). No writes.
    scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(labels, { assignees: [] }));
    scope.get(COMMENTS).query({ per_page: 100 }).reply(200, [ownComment(900, first.body ?? "")]);
    await createTestApp().receive("issues", labelEvent("labeled", ARCH, "ada", labels), "delivery-1");
    expect(scope.isDone()).toBe(true);
  });

  it("never trusts a status marker in a comment written by a person: it creates its own comment", async () => {
    const app = createTestApp();
    const labels = [...EARLIER, ARCH];
    const spoof = { id: 55, body: `${STATUS_MARKER}\n<!-- converge:section:gates:20 -->\nall passed\n<!-- converge:section:gates:end -->`, user: { login: "mallory", type: "User" } };
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(labels));
    member(scope, "itot-architects", "ada");
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, HISTORY);
    const status = expectNewStatusComment(scope, [spoof]);

    await app.receive("issues", labelEvent("labeled", ARCH, "ada", labels));

    expect(scope.isDone()).toBe(true); // POST a new comment, never PATCH comment 55
    expect(status.body).not.toContain("all passed");
  });
});

describe("gates: requirements read from GitHub", () => {
  beforeEach(watchUnmatched);
  afterEach(checkUnmatched);

  const DEPLOY_CONFIG = [
    "gates:",
    "  requiredBeforeMerge: null",
    "  pipeline:",
    "    - id: deployed",
    "      name: Deployed",
    "      label: gate/deployed",
    "      approvers: { users: [\"@Ada\"] }",
    "      requirements: { deployment: { environment: \"prod*\" } }",
    "",
  ].join("\n");
  const merged = {
    event: "cross-referenced",
    created_at: "2026-11-22T10:00:00Z",
    actor: { login: "dev" },
    source: { type: "issue", issue: { number: 80, state: "closed", pull_request: { merged_at: "2026-11-22T12:00:00Z" }, repository: { name: REPO, owner: { login: OWNER } } } },
  };

  it("passes the deployed gate after a successful deployment to a matching environment since the merge", async () => {
    const app = createTestApp();
    const labels = ["use-case", "gate/deployed"];
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, DEPLOY_CONFIG);
    scope.get(ISSUE_PATH).reply(200, liveIssue(labels));
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, [merged]);
    scope
      .get(`/repos/${OWNER}/${REPO}/deployments`)
      .query({ per_page: 100 })
      .reply(200, [
        { id: 3, environment: "production", created_at: "2026-11-23T08:00:00Z" },
        { id: 2, environment: "staging", created_at: "2026-11-23T07:00:00Z" },
        { id: 1, environment: "production", created_at: "2026-11-20T08:00:00Z" },
      ]);
    scope.get(`/repos/${OWNER}/${REPO}/deployments/3/statuses`).query({ per_page: 1 }).reply(200, [{ state: "success" }]);
    const status = expectNewStatusComment(scope);

    await app.receive("issues", labelEvent("labeled", "gate/deployed", "ada", labels));

    expect(scope.isDone()).toBe(true); // no membership lookup: ada is named as a user
    expect(status.body).toContain("**Deployed** passed by ada.");
  });

  it("refuses it when the only matching deployment failed", async () => {
    const app = createTestApp();
    const labels = ["use-case", "gate/deployed"];
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, DEPLOY_CONFIG);
    scope.get(ISSUE_PATH).reply(200, liveIssue(labels));
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, [merged]);
    scope.get(`/repos/${OWNER}/${REPO}/deployments`).query({ per_page: 100 }).reply(200, [{ id: 3, environment: "prod-eu", created_at: "2026-11-23T08:00:00Z" }]);
    scope.get(`/repos/${OWNER}/${REPO}/deployments/3/statuses`).query({ per_page: 1 }).reply(200, [{ state: "failure" }]);
    scope.delete(`${ISSUE_PATH}/labels/${encodeURIComponent("gate/deployed")}`).reply(200, []);
    const status = expectNewStatusComment(scope);

    await app.receive("issues", labelEvent("labeled", "gate/deployed", "ada", labels));

    expect(scope.isDone()).toBe(true);
    expect(status.body).toContain("- no successful deployment to an environment matching `prod*` since the linked pull request was merged.");
  });

  it("treats a pending team invitation as not a member", async () => {
    const app = createTestApp();
    const labels = [...EARLIER, ARCH];
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(labels, { assignees: [] }));
    member(scope, "itot-architects", "newbie", 200, "pending");
    scope.delete(`${ISSUE_PATH}/labels/${encodeURIComponent(ARCH)}`).reply(200, []);
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, HISTORY);
    const status = expectNewStatusComment(scope);

    await app.receive("issues", labelEvent("labeled", ARCH, "newbie", labels));

    expect(scope.isDone()).toBe(true);
    expect(status.body).toContain("- newbie may not pass this gate.");
  });
});

describe("gates: issues.unlabeled", () => {
  beforeEach(watchUnmatched);
  afterEach(checkUnmatched);

  it("restores a passed gate removed by someone who may not pass it", async () => {
    const app = createTestApp();
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(EARLIER));
    member(scope, "itot-architects", "mallory", 404);
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, [...HISTORY, tl.labeled(ARCH, "ada", "2026-11-23T09:00:00Z"), tl.unlabeled(ARCH, "mallory", "2026-11-24T09:00:00Z")]);
    member(scope, "itot-architects", "ada"); // who added it: a real architect
    let restored: any;
    scope.post(`${ISSUE_PATH}/labels`, (b) => ((restored = b), true)).reply(200, []);
    const status = expectNewStatusComment(scope);

    await app.receive("issues", labelEvent("unlabeled", ARCH, "mallory", EARLIER));

    expect(scope.isDone()).toBe(true);
    expect(restored).toEqual({ labels: [ARCH] });
    expect(status.body).toContain("stays passed: mallory removed `gate/3-architecture`, but they may not pass this gate. Converge restored the label.");
    expect(status.body).toContain("| 3 | IT/OT architecture review (`gate/3-architecture`) | ✅ passed | ada, 2026-11-23 |");
  });

  it("restores a gate Converge added for a /gate pass, still crediting the commenter, without a membership lookup for the adder", async () => {
    const app = createTestApp();
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(EARLIER));
    member(scope, "itot-architects", "mallory", 404);
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, [
      ...HISTORY,
      { event: "commented", user: { login: "ada" }, actor: { login: "ada" }, body: "/gate pass architecture", created_at: "2026-11-23T09:00:00Z" },
      tl.labeled(ARCH, BOT_LOGIN, "2026-11-23T09:00:02Z"),
      tl.unlabeled(ARCH, "mallory", "2026-11-24T09:00:00Z"),
    ]);
    scope.post(`${ISSUE_PATH}/labels`, { labels: [ARCH] }).reply(200, []);
    const status = expectNewStatusComment(scope);

    await app.receive("issues", labelEvent("unlabeled", ARCH, "mallory", EARLIER));

    expect(scope.isDone()).toBe(true);
    expect(status.body).toContain("| 3 | IT/OT architecture review (`gate/3-architecture`) | ✅ passed | ada, 2026-11-23 (`/gate pass`) |");
  });

  it("does not restore a label that was never legitimately added (add-then-remove by a non-approver)", async () => {
    const app = createTestApp();
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(EARLIER));
    member(scope, "itot-architects", "mallory", 404);
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, [...HISTORY, tl.labeled(ARCH, "mallory", "2026-11-24T09:00:00Z"), tl.unlabeled(ARCH, "mallory", "2026-11-24T09:00:01Z")]);
    const status = expectNewStatusComment(scope);

    await app.receive("issues", labelEvent("unlabeled", ARCH, "mallory", EARLIER));

    expect(scope.isDone()).toBe(true);
    expect(status.body).toContain("**IT/OT architecture review** was reopened: mallory removed `gate/3-architecture`.");
  });

  it("lets an approver reopen the merge gate and flips the PR check to failure", async () => {
    const app = createTestApp();
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(EARLIER));
    member(scope, "itot-architects", "ada");
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, [...HISTORY, tl.labeled(ARCH, "ada", "2026-11-23T09:00:00Z"), tl.unlabeled(ARCH, "ada", "2026-11-24T09:00:00Z"), tl.pr(77)]);
    expectNewStatusComment(scope);
    scope.get(`/repos/${OWNER}/${REPO}/pulls/77`).reply(200, { number: 77, state: "open", body: `Use case: #${ISSUE_NUMBER}`, head: { sha: PR_SHA } });
    scope.get(`/repos/${OWNER}/${REPO}/commits/${PR_SHA}/check-runs`).query(true).reply(200, { total_count: 0, check_runs: [] });
    let created: any;
    scope.post(`/repos/${OWNER}/${REPO}/check-runs`, (b) => ((created = b), true)).reply(201, { id: 8 });

    await app.receive("issues", labelEvent("unlabeled", ARCH, "ada", EARLIER));

    expect(scope.isDone()).toBe(true);
    expect(created).toMatchObject({ name: CHECK_NAME, head_sha: PR_SHA, status: "completed", conclusion: "failure" });
    expect(created.output.summary).toContain("has not passed IT/OT architecture review (`gate/3-architecture`) yet");
  });
});

describe("gates: issues.closed", () => {
  beforeEach(watchUnmatched);
  afterEach(checkUnmatched);

  function closedEvent(labels: string[], reason = "completed") {
    const payload = labelEvent("labeled", ARCH, "mara-schmidt", labels);
    delete payload.label;
    payload.action = "closed";
    payload.issue = { ...payload.issue, state: "closed", state_reason: reason };
    return payload;
  }

  it("reopens a use case closed as completed before its final gate, with an explanation", async () => {
    const app = createTestApp();
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(EARLIER, { state: "closed", state_reason: "completed" }));
    let reopened: any;
    scope.patch(ISSUE_PATH, (b) => ((reopened = b), true)).reply(200, {});
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, HISTORY);
    const status = expectNewStatusComment(scope);

    await app.receive("issues", closedEvent(EARLIER));

    expect(scope.isDone()).toBe(true);
    expect(reopened).toEqual({ state: "open" });
    expect(status.body).toContain("**Reopened**: this use case was closed as completed before passing IT/OT architecture review (`gate/3-architecture`)");
  });

  it("leaves a use case closed as not planned alone, without any request", async () => {
    const app = createTestApp();
    // No mocks: any request is refused by nock, the handler throws and receive() rejects.
    await app.receive("issues", closedEvent(EARLIER, "not_planned"));
  });
});

describe("gates: /gate commands", () => {
  beforeEach(watchUnmatched);
  afterEach(checkUnmatched);

  it("/gate pass by an architect adds the label and records the approval as a command", async () => {
    const app = createTestApp();
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(EARLIER));
    member(scope, "itot-architects", "ada");
    let added: any;
    scope.post(`${ISSUE_PATH}/labels`, (b) => ((added = b), true)).reply(200, []);
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, HISTORY);
    const status = expectNewStatusComment(scope);

    await app.receive("issue_comment", commentEvent("Reviewed the edge design.\n/gate pass architecture", "ada", EARLIER));

    expect(scope.isDone()).toBe(true);
    expect(added).toEqual({ labels: [ARCH] });
    expect(status.body).toContain("**IT/OT architecture review** passed by ada (via `/gate pass`).");
    expect(status.body).toContain("| 3 | IT/OT architecture review (`gate/3-architecture`) | ✅ passed | ada, 2026-11-24 (`/gate pass`) |");
  });

  it("/gate pass by someone else changes no label and explains", async () => {
    const app = createTestApp();
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(EARLIER));
    member(scope, "itot-architects", "mallory", 404);
    member(scope, "itot-architects", "ada");
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, HISTORY);
    const status = expectNewStatusComment(scope);

    await app.receive("issue_comment", commentEvent("/gate pass 3", "mallory", EARLIER));

    expect(scope.isDone()).toBe(true);
    expect(status.body).toContain("mallory tried, and Converge did not pass the gate.");
  });

  it("/gate pass for an unknown gate lists the gates; a redelivered accepted command writes nothing", async () => {
    const app = createTestApp();
    let scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(EARLIER));
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, HISTORY);
    const status = expectNewStatusComment(scope);
    await app.receive("issue_comment", commentEvent("/gate pass @acme/everything", "ada", EARLIER));
    expect(scope.isDone()).toBe(true);
    expect(status.body).toContain("ada: there is no gate @&#8203;acme/everything. Gates: `intake`, `feasibility`, `architecture`");

    // The label is already there (the first delivery added it): refresh only, and the comment is unchanged.
    scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue([...EARLIER, ARCH]));
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, HISTORY);
    const first = expectNewStatusComment(scope);
    await app.receive("issue_comment", commentEvent("/gate pass architecture", "ada", EARLIER), "delivery-9");
    expect(scope.isDone()).toBe(true);
    scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue([...EARLIER, ARCH]));
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, HISTORY);
    scope.get(COMMENTS).query({ per_page: 100 }).reply(200, [ownComment(900, first.body ?? "")]);
    await app.receive("issue_comment", commentEvent("/gate pass architecture", "ada", EARLIER), "delivery-9");
    expect(scope.isDone()).toBe(true);
  });

  it("/gate status refreshes the section; a comment without a command costs no request", async () => {
    const app = createTestApp();
    await app.receive("issue_comment", commentEvent("We should pass the /gate soon", "ada", EARLIER));
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(EARLIER));
    scope.get(TIMELINE).query({ per_page: 100 }).reply(200, HISTORY);
    const status = expectNewStatusComment(scope);
    await app.receive("issue_comment", commentEvent("/gate status", "mara-schmidt", EARLIER));
    expect(scope.isDone()).toBe(true);
    expect(status.body).toContain("| 2 | Feasibility (`gate/2-feasibility`) | ✅ passed | ada, 2026-11-22 |");
  });
});

describe("governance check on pull requests", () => {
  beforeEach(watchUnmatched);
  afterEach(checkUnmatched);

  function prEvent(action: string, body: string | null) {
    const payload = examplePayload("pull_request", "opened");
    payload.action = action;
    payload.pull_request = { ...payload.pull_request, number: 77, body, state: "open", head: { ...payload.pull_request.head, sha: PR_SHA } };
    payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
    if (action === "edited") payload.changes = { body: { from: "" } };
    return payload;
  }

  it("fails a PR whose use case has not passed the merge gate, naming it", async () => {
    const app = createTestApp();
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue(EARLIER));
    scope.get(`/repos/${OWNER}/${REPO}/commits/${PR_SHA}/check-runs`).query(true).reply(200, { total_count: 0, check_runs: [] });
    let created: any;
    scope.post(`/repos/${OWNER}/${REPO}/check-runs`, (b) => ((created = b), true)).reply(201, { id: 8 });

    await app.receive("pull_request", prEvent("opened", `Adds the spindle model.\n\nCloses #${ISSUE_NUMBER}`));

    expect(scope.isDone()).toBe(true);
    expect(created).toMatchObject({ name: CHECK_NAME, conclusion: "failure", output: { title: "IT/OT architecture review not passed (1 of 1 use case)" } });
  });

  it("passes once the gate is passed, and writes nothing when the check already says so", async () => {
    const app = createTestApp();
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, liveIssue([...EARLIER, ARCH]));
    let created: any;
    scope.get(`/repos/${OWNER}/${REPO}/commits/${PR_SHA}/check-runs`).query(true).reply(200, { total_count: 0, check_runs: [] });
    scope.post(`/repos/${OWNER}/${REPO}/check-runs`, (b) => ((created = b), true)).reply(201, { id: 8 });
    await app.receive("pull_request", prEvent("synchronize", `Use case: #${ISSUE_NUMBER}`));
    expect(scope.isDone()).toBe(true);
    expect(created.conclusion).toBe("success");

    const again = nock(API);
    mockConfig(again, OWNER, REPO, null);
    again.get(ISSUE_PATH).reply(200, liveIssue([...EARLIER, ARCH]));
    again
      .get(`/repos/${OWNER}/${REPO}/commits/${PR_SHA}/check-runs`)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [{ id: 8, status: "completed", conclusion: "success", output: created.output, app: { id: APP_IDENTITY.appId } }] });
    await app.receive("pull_request", prEvent("synchronize", `Use case: #${ISSUE_NUMBER}`), "delivery-2");
    expect(again.isDone()).toBe(true);
  });

  it("ignores a new PR that references no use case (a plain mention does not count)", async () => {
    const app = createTestApp();
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    await app.receive("pull_request", prEvent("opened", `Related to #${ISSUE_NUMBER}`));
    expect(scope.isDone()).toBe(true);
  });

  it("corrects its own failing check when the reference is edited out of the PR body", async () => {
    const app = createTestApp();
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope
      .get(`/repos/${OWNER}/${REPO}/commits/${PR_SHA}/check-runs`)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [{ id: 9, status: "completed", conclusion: "failure", output: { title: "t", summary: "s" }, app: { id: APP_IDENTITY.appId } }] });
    let patched: any;
    scope.patch(`/repos/${OWNER}/${REPO}/check-runs/9`, (b) => ((patched = b), true)).reply(200, {});
    await app.receive("pull_request", prEvent("edited", "Just a refactor."));
    expect(scope.isDone()).toBe(true);
    expect(patched).toMatchObject({ conclusion: "success", output: { title: "No use case referenced" } });
  });

  it("re-runs when someone clicks Re-run on the Converge governance check, and ignores other checks", async () => {
    const app = createTestApp();
    const payload = examplePayload("check_run", "rerequested");
    payload.check_run = { ...payload.check_run, name: CHECK_NAME, head_sha: PR_SHA, pull_requests: [{ number: 77, id: 1, url: "", head: { sha: PR_SHA }, base: {} }] };
    payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(`/repos/${OWNER}/${REPO}/pulls/77`).reply(200, { number: 77, state: "open", body: `Resolves #${ISSUE_NUMBER}`, head: { sha: PR_SHA } });
    scope.get(ISSUE_PATH).reply(200, liveIssue([...EARLIER, ARCH]));
    scope.get(`/repos/${OWNER}/${REPO}/commits/${PR_SHA}/check-runs`).query(true).reply(200, { total_count: 0, check_runs: [] });
    let created: any;
    scope.post(`/repos/${OWNER}/${REPO}/check-runs`, (b) => ((created = b), true)).reply(201, { id: 8 });
    await app.receive("check_run", payload);
    expect(scope.isDone()).toBe(true);
    expect(created.conclusion).toBe("success");

    const other = examplePayload("check_run", "rerequested");
    other.check_run = { ...other.check_run, name: "CI" };
    await app.receive("check_run", other); // no mock: a request would be refused and reported as unmatched
  });

  it("re-runs on check_suite.requested for the suite's pull requests", async () => {
    const app = createTestApp();
    const payload = examplePayload("check_suite", "requested");
    payload.check_suite = { ...payload.check_suite, head_sha: PR_SHA, pull_requests: [{ number: 77, id: 1, url: "", head: { sha: PR_SHA }, base: {} }] };
    payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(`/repos/${OWNER}/${REPO}/pulls/77`).reply(200, { number: 77, state: "open", body: `Fixes #${ISSUE_NUMBER}`, head: { sha: PR_SHA } });
    scope.get(ISSUE_PATH).reply(200, liveIssue(EARLIER));
    scope.get(`/repos/${OWNER}/${REPO}/commits/${PR_SHA}/check-runs`).query(true).reply(200, { total_count: 0, check_runs: [] });
    let created: any;
    scope.post(`/repos/${OWNER}/${REPO}/check-runs`, (b) => ((created = b), true)).reply(201, { id: 8 });

    await app.receive("check_suite", payload);

    expect(scope.isDone()).toBe(true);
    expect(created.conclusion).toBe("failure");
  });
});

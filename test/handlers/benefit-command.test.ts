import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import { API, APP_IDENTITY, BOT_LOGIN, createTestApp, examplePayload, mockConfig, setupNock, teardownNock } from "../helpers/probot.js";
import { label } from "../fixtures/use-cases.js";
import { INITIATIVE_MARKER } from "../../src/domain/status/markers.js";
import { readInitiativeComment } from "../../src/domain/intake/initiatives.js";

const OWNER = "acme";
const REPO = "transformation-office";
const NUMBER = 40;
const COMMENTS = `/repos/${OWNER}/${REPO}/issues/${NUMBER}/comments`;
const OFFICE_CONFIG = "report:\n  officeTeam: \"@acme/transformation-office\"\n";

const INITIATIVE_BODY = [
  "### Outcome\n\nOEE +5 points in all plants",
  "### Initiative owner\n\n@olivia",
  "### Value stream\n\nPlan to Produce",
  "### Planned yearly benefit\n\n1.2M EUR",
  "### Benefit measure\n\nOEE",
  "### Baseline\n\n61% (FY2026)",
  "### Target date\n\n2027-06-30",
].join("\n\n");

function commentEvent(body: string, login: string, commentId = 777, action: "created" | "edited" = "created") {
  const payload = examplePayload("issue_comment", "created");
  payload.action = action;
  payload.issue = { ...payload.issue, number: NUMBER, body: INITIATIVE_BODY, labels: [label("initiative")], pull_request: undefined };
  payload.comment = { ...payload.comment, id: commentId, body, user: { ...payload.comment.user, login, type: login.endsWith("[bot]") ? "Bot" : "User" }, created_at: "2026-11-25T09:30:00Z", updated_at: "2026-11-25T09:30:00Z" };
  payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
  payload.sender = { ...payload.sender, login, type: login.endsWith("[bot]") ? "Bot" : "User" };
  return payload;
}

/** The command comment as GitHub returns it now (the handler reads it live); returns the event unchanged. */
function withLive(scope: nock.Scope, event: Record<string, any>, comment: Record<string, any> = event.comment): Record<string, any> {
  scope.get(`/repos/${OWNER}/${REPO}/issues/comments/${comment.id}`).reply(200, comment);
  return event;
}

function own(id: number, body: string) {
  return { id, body, user: { login: BOT_LOGIN, type: "Bot" }, performed_via_github_app: { id: APP_IDENTITY.appId } };
}

describe("/benefit realized on an initiative", () => {
  beforeEach(setupNock);
  afterEach(teardownNock);

  it("the owner records it in Converge's initiative comment with who and when, and gets a 👍", async () => {
    const app = createTestApp();
    let written = "";
    let reaction = "";
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(COMMENTS).query(true).reply(200, []);
    scope.post(COMMENTS, (b) => ((written = b.body), true)).reply(201, { id: 1 });
    scope.post(`/repos/${OWNER}/${REPO}/issues/comments/777/reactions`, (b) => ((reaction = b.content), true)).reply(201, {});

    await app.receive("issue_comment", withLive(scope, commentEvent("Great quarter!\n/benefit realized €250k as of 2026-10-31", "olivia")));

    expect(scope.isDone()).toBe(true);
    expect(written.startsWith(INITIATIVE_MARKER)).toBe(true);
    expect(written).toContain("| 2026-10-31 | 250,000 EUR | olivia | 2026-11-25 09:30 UTC |");
    expect(readInitiativeComment(written)?.ledger).toEqual([
      { amount: 250_000, currency: "EUR", asOf: "2026-10-31", recordedBy: "olivia", recordedAt: "2026-11-25T09:30:00Z", source: "comment:777" },
    ]);
    expect(reaction).toBe("+1");
  });

  it("writes nothing when the same command is delivered again", async () => {
    const app = createTestApp();
    let written = "";
    let scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(COMMENTS).query(true).reply(200, []);
    scope.post(COMMENTS, (b) => ((written = b.body), true)).reply(201, { id: 1 });
    scope.post(/reactions$/).reply(201, {});
    const event = commentEvent("/benefit realized 250000 EUR", "olivia");
    await app.receive("issue_comment", withLive(scope, event), "d1");
    expect(scope.isDone()).toBe(true);

    scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(COMMENTS).query(true).reply(200, [own(1, written)]);
    await app.receive("issue_comment", withLive(scope, event), "d1");
    expect(scope.isDone()).toBe(true);
  });

  it("keeps the use cases intake listed, and an edited command replaces its record", async () => {
    const app = createTestApp();
    const listed = `${INITIATIVE_MARKER}\n<!-- converge:state:initiative ${Buffer.from(JSON.stringify({ useCases: [{ ref: "acme/plant-iot#31", title: "Spindles", valid: true }] })).toString("base64")} -->`;
    let written = "";
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(COMMENTS).query(true).reply(200, [own(5, listed)]);
    scope.patch(`/repos/${OWNER}/${REPO}/issues/comments/5`, (b) => ((written = b.body), true)).reply(200, {});
    scope.post(/reactions$/).reply(201, {});
    await app.receive("issue_comment", withLive(scope, commentEvent("/benefit realized 300k", "olivia", 777, "edited")));
    expect(scope.isDone()).toBe(true);
    const read = readInitiativeComment(written);
    expect(read?.state.useCases.map((u) => u.ref)).toEqual(["acme/plant-iot#31"]);
    expect(read?.ledger.map((r) => r.amount)).toEqual([300_000]);
  });

  it("a late redelivery of the original command never undoes a later edit (the comment is read live), and a deleted command records nothing", async () => {
    const app = createTestApp();
    // The edit (300k) was recorded; the first version's delivery (250k) is redelivered afterwards.
    let written = "";
    let scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(COMMENTS).query(true).reply(200, []);
    scope.post(COMMENTS, (b) => ((written = b.body), true)).reply(201, { id: 5 });
    scope.post(/reactions$/).reply(201, {});
    const edited = commentEvent("/benefit realized 300k", "olivia", 777, "edited");
    edited.comment.updated_at = "2026-11-25T09:30:40Z";
    await app.receive("issue_comment", withLive(scope, edited), "d-edit");
    expect(scope.isDone()).toBe(true);
    expect(readInitiativeComment(written)?.ledger.map((r) => r.amount)).toEqual([300_000]);

    scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(COMMENTS).query(true).reply(200, [own(5, written)]);
    // GitHub has the edited text now: the stale payload's 250k is not what gets recorded, and nothing changes.
    await app.receive("issue_comment", withLive(scope, commentEvent("/benefit realized 250k", "olivia", 777), edited.comment), "d-created");
    expect(scope.isDone()).toBe(true);

    scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(`/repos/${OWNER}/${REPO}/issues/comments/778`).reply(404, { message: "Not Found" });
    await app.receive("issue_comment", commentEvent("/benefit realized 1M", "olivia", 778), "d-deleted");
    expect(scope.isDone()).toBe(true);
  });

  it("lets a member of the office team record, and refuses anyone else with the reason in the comment", async () => {
    const app = createTestApp();
    const bodies: string[] = [];
    const reactions: string[] = [];
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, OFFICE_CONFIG);
    scope.get("/orgs/acme/teams/transformation-office/memberships/tom").reply(200, { state: "active", role: "member" });
    scope.get(COMMENTS).query(true).reply(200, []);
    scope.post(COMMENTS, (b) => (bodies.push(b.body), true)).reply(201, { id: 1 });
    scope.post(/reactions$/, (b) => (reactions.push(b.content), true)).reply(201, {});
    mockConfig(scope, OWNER, REPO, OFFICE_CONFIG);
    scope.get("/orgs/acme/teams/transformation-office/memberships/mallory").reply(404, { message: "Not Found" });
    scope.get(COMMENTS).query(true).reply(200, () => [own(1, bodies[0]!)]);
    scope.patch(`/repos/${OWNER}/${REPO}/issues/comments/1`, (b) => (bodies.push(b.body), true)).reply(200, {});
    scope.post(/reactions$/, (b) => (reactions.push(b.content), true)).reply(201, {});

    await app.receive("issue_comment", withLive(scope, commentEvent("/benefit realized 100k EUR", "tom", 801)), "d1");
    await app.receive("issue_comment", withLive(scope, commentEvent("/benefit realized 9bn EUR", "mallory", 802)), "d2");

    expect(scope.isDone()).toBe(true);
    expect(reactions).toEqual(["+1", "confused"]);
    const final = readInitiativeComment(bodies[1]);
    expect(final?.ledger.map((r) => r.recordedBy)).toEqual(["tom"]);
    expect(final?.state.notices?.[0]?.text).toContain("mallory may not record benefit");
    expect(bodies[1]).not.toMatch(/@mallory|@olivia/);
  });

  it("fails safe when the team lookup fails: nothing is recorded and the comment says why", async () => {
    const app = createTestApp();
    let written = "";
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, OFFICE_CONFIG);
    scope.get("/orgs/acme/teams/transformation-office/memberships/tom").reply(500, { message: "boom" });
    scope.get(COMMENTS).query(true).reply(200, []);
    scope.post(COMMENTS, (b) => ((written = b.body), true)).reply(201, { id: 1 });
    scope.post(/reactions$/).reply(201, {});
    await app.receive("issue_comment", withLive(scope, commentEvent("/benefit realized 100k EUR", "tom")));
    expect(scope.isDone()).toBe(true);
    expect(readInitiativeComment(written)?.ledger).toEqual([]);
    expect(written).toContain("could not verify");
  });

  it("explains an unreadable command with the usage", async () => {
    const app = createTestApp();
    let written = "";
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(COMMENTS).query(true).reply(200, []);
    scope.post(COMMENTS, (b) => ((written = b.body), true)).reply(201, { id: 1 });
    scope.post(/reactions$/, { content: "confused" }).reply(201, {});
    await app.receive("issue_comment", withLive(scope, commentEvent("/benefit realized lots", "olivia")));
    expect(scope.isDone()).toBe(true);
    expect(written).toContain("/benefit realized &lt;amount&gt;");
  });

  it("costs no request for comments without a command, and ignores its own comments", async () => {
    const app = createTestApp();
    await app.receive("issue_comment", commentEvent("Looks good to me", "olivia"));
    await app.receive("issue_comment", commentEvent("/benefit realized 5k", BOT_LOGIN));
    expect(nock.pendingMocks().filter((m) => !m.includes("access_tokens"))).toEqual([]);
  });
});

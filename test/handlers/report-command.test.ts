import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/index.js";
import { InProcessQueue } from "../../src/jobs/queue.js";
import type { DeliveryJob } from "../../src/jobs/delivery-worker.js";
import type { SnapshotSource } from "../../src/jobs/report-job.js";
import { API, APP_IDENTITY, BOT_LOGIN, examplePayload, mockConfig, setupNock, teardownNock, TestOctokit } from "../helpers/probot.js";
import { oneCycleSample } from "../helpers/sample.js";

/**
 * `/converge report` (issue 12) through Probot's receive() with a real issue_comment payload: the handler answers once
 * and queues; the queued job posts the report and edits the answer. GitHub is mocked at the HTTP boundary.
 */

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
const sample = oneCycleSample();

const OFFICE = "/repos/acme/office";
const ORG_CONFIG = "delivery:\n  repository: office\n  schedule:\n    timeZone: Europe/Berlin\nreport:\n  officeTeam: \"@acme/pmo\"\n";
const NOW = new Date("2026-11-30T08:00:00Z"); // Monday, week 49
const bot = { login: BOT_LOGIN, type: "Bot" };

let queue: InProcessQueue<DeliveryJob>;
const log = { warn: vi.fn(), error: vi.fn() };

function app(snapshotSource: SnapshotSource = async () => ({ snapshot: sample, stats: { requests: 0, points: 0, remaining: null } })) {
  const probot = new Probot({ appId: APP_IDENTITY.appId, privateKey, Octokit: TestOctokit, logLevel: "fatal" });
  void probot.load(
    createApp({
      identity: async () => APP_IDENTITY,
      now: () => NOW,
      delivery: { snapshotSource, queue: (processor) => (queue = new InProcessQueue(processor, log, { attempts: 2, backoffMs: () => 0 })) },
    }),
  );
  return { receive: (payload: unknown, id = "delivery-1") => probot.receive({ id, name: "issue_comment", payload } as never) };
}

function request(body = "/converge report", options: { login?: string; repo?: string; commentId?: number } = {}) {
  const login = options.login ?? "alice";
  const repo = options.repo ?? "office";
  const payload = examplePayload("issue_comment", "created");
  payload.repository = { ...payload.repository, name: repo, full_name: `acme/${repo}`, owner: { ...payload.repository.owner, login: "acme" } };
  payload.issue = { ...payload.issue, number: 3, pull_request: undefined };
  payload.comment = { ...payload.comment, id: options.commentId ?? 901, body, user: { ...payload.comment.user, login, type: "User" } };
  payload.sender = { ...payload.sender, login, type: "User" };
  return payload;
}

function orgConfig(scope: nock.Scope, yaml = ORG_CONFIG): nock.Scope {
  return mockConfig(scope, "acme", ".github", yaml);
}

/** The posting calls of a first report for the week (no earlier report). */
function postingCalls(scope: nock.Scope, number = 20): { body: () => string } {
  let posted = "";
  scope
    .get(`${OFFICE}/issues`)
    .query(true)
    .reply(200, [])
    .post(`${OFFICE}/issues`, (b: { body: string }) => {
      posted = b.body;
      return true;
    })
    .reply(201, () => ({ number, html_url: `https://github.com/acme/office/issues/${number}`, state: "open", body: posted, user: bot }))
    .get(`${OFFICE}/issues/${number}`)
    .reply(200, () => ({ number, html_url: "u", state: "open", body: posted }))
    .get(`${OFFICE}/issues/${number}/comments`)
    .query(true)
    .reply(200, []);
  return { body: () => posted };
}

beforeEach(() => {
  setupNock();
  log.warn.mockClear();
  log.error.mockClear();
});
afterEach(async () => {
  await queue?.close();
  teardownNock();
});

describe("/converge report", () => {
  it("from an office team member: one answer, the job posts this week's report and the answer links it", async () => {
    const answers: string[] = [];
    const scope = nock(API)
      .get(`${OFFICE}/issues/3/comments`)
      .query(true)
      .reply(200, []);
    orgConfig(scope)
      .get("/orgs/acme/teams/pmo/memberships/alice")
      .reply(200, { state: "active", role: "member" })
      .post(`${OFFICE}/issues/3/comments`, (b: { body: string }) => {
        answers.push(b.body);
        return true;
      })
      .reply(201, { id: 555 });
    // The job: config again (it runs apart from the webhook), then the posting, then the answer edited.
    orgConfig(scope);
    const report = postingCalls(scope);
    scope
      .patch(`${OFFICE}/issues/comments/555`, (b: { body: string }) => {
        answers.push(b.body);
        return true;
      })
      .reply(200, { id: 555 });

    await app().receive(request());
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain("<!-- converge:report-request comment=901 -->");
    expect(answers[0]).toContain("the 2026-W49 report is being prepared");
    await queue.drain();

    expect(report.body().startsWith("<!-- converge:weekly-report week=2026-W49 -->")).toBe(true);
    expect(answers[1]).toContain("<!-- converge:report-request-state done -->");
    expect(answers[1]).toContain("the 2026-W49 report is posted: https://github.com/acme/office/issues/20");
    expect(answers.join("")).not.toMatch(/@alice/);
    expect(scope.isDone()).toBe(true);
  });

  it("a redelivered request that was answered does nothing more", async () => {
    const answered = { id: 555, body: "<!-- converge:report-request comment=901 -->\n<!-- converge:report-request-state done -->\nThanks", user: bot, performed_via_github_app: { id: APP_IDENTITY.appId, slug: "converge" } };
    const scope = nock(API).get(`${OFFICE}/issues/3/comments`).query(true).reply(200, [answered]);
    await app().receive(request(), "delivery-1");
    await queue.drain();
    expect(scope.isDone()).toBe(true);
  });

  it("a redelivery while the job is still queued answers no second time and queues the same job once", async () => {
    const queued = { id: 555, body: "<!-- converge:report-request comment=901 -->\n<!-- converge:report-request-state queued -->\nThanks", user: bot, performed_via_github_app: { id: APP_IDENTITY.appId, slug: "converge" } };
    const scope = nock(API).get(`${OFFICE}/issues/3/comments`).query(true).reply(200, [queued]);
    orgConfig(scope).get("/orgs/acme/teams/pmo/memberships/alice").reply(200, { state: "active" });
    orgConfig(scope);
    postingCalls(scope);
    scope.patch(`${OFFICE}/issues/comments/555`, /state done/).reply(200, { id: 555 });
    await app().receive(request(), "delivery-1");
    await queue.drain();
    expect(scope.isDone()).toBe(true);
  });

  it("someone outside the office team gets a polite refusal and no report is started", async () => {
    let answer = "";
    const scope = nock(API).get(`${OFFICE}/issues/3/comments`).query(true).reply(200, []);
    orgConfig(scope)
      .get("/orgs/acme/teams/pmo/memberships/mallory")
      .reply(404, { message: "Not Found" })
      .post(`${OFFICE}/issues/3/comments`, (b: { body: string }) => {
        answer = b.body;
        return true;
      })
      .reply(201, { id: 556 });
    await app().receive(request("/converge report", { login: "mallory" }));
    await queue.drain();
    expect(answer).toContain("<!-- converge:report-request-state refused -->");
    expect(answer).toContain("Thanks for asking, mallory. On-demand reports are for members of the office team (@&#8203;acme/pmo)");
    expect(scope.isDone()).toBe(true);
  });

  it("a membership that cannot be checked (403) refuses and says why, failing safe", async () => {
    let answer = "";
    const scope = nock(API).get(`${OFFICE}/issues/3/comments`).query(true).reply(200, []);
    orgConfig(scope)
      .get("/orgs/acme/teams/pmo/memberships/alice")
      .reply(403, { message: "Resource not accessible by integration" })
      .post(`${OFFICE}/issues/3/comments`, (b: { body: string }) => {
        answer = b.body;
        return true;
      })
      .reply(201, { id: 556 });
    await app().receive(request());
    await queue.drain();
    expect(answer).toContain('"Members: Read"');
    expect(scope.isDone()).toBe(true);
  });

  it("outside the office repository it points to the office repository", async () => {
    let answer = "";
    const scope = nock(API).get("/repos/acme/plant-iot/issues/3/comments").query(true).reply(200, []);
    orgConfig(scope)
      .post("/repos/acme/plant-iot/issues/3/comments", (b: { body: string }) => {
        answer = b.body;
        return true;
      })
      .reply(201, { id: 557 });
    await app().receive(request("/converge report", { repo: "plant-iot" }));
    expect(answer).toContain("acme/office: please comment `/converge report` there");
    expect(scope.isDone()).toBe(true);
  });

  it("a report the job cannot post (missing permission) turns the answer into a clear failure, without retrying", async () => {
    const answers: string[] = [];
    const scope = nock(API).get(`${OFFICE}/issues/3/comments`).query(true).reply(200, []);
    orgConfig(scope)
      .get("/orgs/acme/teams/pmo/memberships/alice")
      .reply(200, { state: "active" })
      .post(`${OFFICE}/issues/3/comments`)
      .reply(201, { id: 555 });
    orgConfig(scope)
      .get(`${OFFICE}/issues`)
      .query(true)
      .reply(200, [])
      .post(`${OFFICE}/issues`)
      .reply(403, { message: "Resource not accessible by integration" })
      .patch(`${OFFICE}/issues/comments/555`, (b: { body: string }) => {
        answers.push(b.body);
        return true;
      })
      .reply(200, { id: 555 });
    await app().receive(request());
    await queue.drain();
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain("<!-- converge:report-request-state failed -->");
    expect(answers[0]).toContain("Issues: Read and write");
    expect(scope.isDone()).toBe(true);
  });

  it.each([
    ["a command inside a code block", "```\n/converge report\n```"],
    ["a quoted command", "> /converge report"],
    ["another sentence", "can we /converge report later?"],
  ])("%s is not a request (no GitHub call)", async (_name, body) => {
    await app().receive(request(body));
    expect(nock.pendingMocks().filter((m) => !m.includes("access_tokens"))).toEqual([]);
  });

  it("Converge's own comment is never a request", async () => {
    const payload = request();
    payload.sender = { ...payload.sender, login: BOT_LOGIN, type: "Bot" };
    await app().receive(payload);
  });
});

import { generateKeyPairSync } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import { Probot } from "probot";
import { API, APP_IDENTITY, TestOctokit, examplePayload, mockConfig, setupNock, teardownNock } from "../helpers/probot.js";
import { GOOD_BODY, ISSUE_NUMBER, OWNER, REPO, label, useCaseIssue } from "../fixtures/use-cases.js";
import { registerGates } from "../../src/handlers/gates.js";
import { bundledTemplate } from "../../src/templates.js";
import { formFacts } from "../../src/domain/gates/form-facts.js";

/**
 * Scope changes on issues.edited, with only the gates handler loaded: intake also reacts to issues.edited (its own
 * tests cover that), and here the requests asserted are exactly the gates handler's.
 */

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

function gatesOnlyApp(): Probot {
  const probot = new Probot({ appId: APP_IDENTITY.appId, privateKey, Octokit: TestOctokit, logLevel: "fatal" });
  void probot.load((app: Probot) => registerGates(app, { identity: async () => APP_IDENTITY, now: () => new Date("2026-11-25T10:00:00Z") }));
  return probot;
}

const ISSUE_PATH = `/repos/${OWNER}/${REPO}/issues/${ISSUE_NUMBER}`;
const PASSED = ["use-case", "gate/1-intake", "gate/2-feasibility", "gate/3-architecture"];
const NEW_BODY = GOOD_BODY.replace("2027-03-31", "2027-06-30");

function editedEvent(from: string, to: string, labels: string[]) {
  const payload = examplePayload("issues", "edited");
  payload.issue = { ...useCaseIssue(to, labels), updated_at: "2026-11-25T09:30:00Z" };
  payload.changes = { body: { from } };
  payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, html_url: `https://github.com/${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
  payload.sender = { ...payload.sender, login: "mara-schmidt", type: "User" };
  return payload;
}

const TIMELINE = [
  { event: "labeled", label: label("gate/1-intake"), actor: { login: "olga" }, created_at: "2026-11-21T09:00:00Z" },
  { event: "labeled", label: label("gate/2-feasibility"), actor: { login: "ada" }, created_at: "2026-11-22T09:00:00Z" },
  { event: "labeled", label: label("gate/3-architecture"), actor: { login: "ada" }, created_at: "2026-11-23T09:00:00Z" },
];

describe("gates: scope change on issues.edited", () => {
  beforeEach(setupNock);
  afterEach(teardownNock);

  it("flags every gate approved before the deadline changed, naming the approver", async () => {
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, useCaseIssue(NEW_BODY, PASSED));
    scope.get(`${ISSUE_PATH}/comments`).query({ per_page: 100 }).reply(200, []);
    scope.get(`${ISSUE_PATH}/timeline`).query({ per_page: 100 }).reply(200, TIMELINE);
    let body = "";
    scope.post(`${ISSUE_PATH}/comments`, (b) => ((body = b.body), true)).reply(201, { id: 1 });

    await gatesOnlyApp().receive({ id: "d1", name: "issues", payload: editedEvent(GOOD_BODY, NEW_BODY, PASSED) } as never);

    expect(scope.isDone()).toBe(true);
    expect(body).toContain("| 3 | IT/OT architecture review (`gate/3-architecture`) | ⚠️ scope changed since approval | ada, 2026-11-23 |");
    expect(body).toContain("- IT/OT architecture review (`gate/3-architecture`): approved by ada on 2026-11-23; changed on 2026-11-25: `deadline`.");
    expect(body).toContain("- Intake (`gate/1-intake`): approved by olga on 2026-11-21");
    expect(body).toContain("**Scope changed**: mara-schmidt edited `deadline`.");
  });

  it("reopens the approvals when configured, removing the labels and flipping nothing else", async () => {
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, "gates:\n  reopenOnScopeChange: true\n  requiredBeforeMerge: null\n");
    scope.get(ISSUE_PATH).reply(200, useCaseIssue(NEW_BODY, PASSED));
    scope.get(`${ISSUE_PATH}/comments`).query({ per_page: 100 }).reply(200, []);
    scope.get(`${ISSUE_PATH}/timeline`).query({ per_page: 100 }).reply(200, TIMELINE);
    for (const name of PASSED.slice(1)) scope.delete(`${ISSUE_PATH}/labels/${encodeURIComponent(name)}`).reply(200, []);
    let body = "";
    scope.post(`${ISSUE_PATH}/comments`, (b) => ((body = b.body), true)).reply(201, { id: 1 });

    await gatesOnlyApp().receive({ id: "d2", name: "issues", payload: editedEvent(GOOD_BODY, NEW_BODY, PASSED) } as never);

    expect(scope.isDone()).toBe(true);
    expect(body).toContain("Reopened for re-approval: Intake (approved by olga), Feasibility (approved by ada), IT/OT architecture review (approved by ada).");
    expect(body).toContain("| 1 | Intake (`gate/1-intake`) | ⏳ next |");
  });

  it("a redelivered edit reopens nothing again, even after a re-approval within the same second", async () => {
    const config = "gates:\n  reopenOnScopeChange: true\n  requiredBeforeMerge: null\n";
    const app = gatesOnlyApp();
    let scope = nock(API);
    mockConfig(scope, OWNER, REPO, config);
    scope.get(ISSUE_PATH).reply(200, useCaseIssue(NEW_BODY, PASSED));
    scope.get(`${ISSUE_PATH}/comments`).query({ per_page: 100 }).reply(200, []);
    scope.get(`${ISSUE_PATH}/timeline`).query({ per_page: 100 }).reply(200, TIMELINE);
    for (const name of PASSED.slice(1)) scope.delete(`${ISSUE_PATH}/labels/${encodeURIComponent(name)}`).reply(200, []);
    let body = "";
    scope.post(`${ISSUE_PATH}/comments`, (b) => ((body = b.body), true)).reply(201, { id: 1 });
    await app.receive({ id: "edit-1", name: "issues", payload: editedEvent(GOOD_BODY, NEW_BODY, PASSED) } as never);
    expect(scope.isDone()).toBe(true);

    // The approvers passed every gate again in the same second as the edit (09:30:00); then GitHub redelivers the
    // edit. Its updated_at says nothing about which came first; its delivery id says it was handled: no writes.
    scope = nock(API);
    mockConfig(scope, OWNER, REPO, config);
    scope.get(ISSUE_PATH).reply(200, useCaseIssue(NEW_BODY, PASSED));
    scope.get(`${ISSUE_PATH}/comments`).query({ per_page: 100 }).reply(200, [
      { id: 1, body, user: { login: "converge[bot]", type: "Bot" }, performed_via_github_app: { id: APP_IDENTITY.appId } },
    ]);
    await app.receive({ id: "edit-1", name: "issues", payload: editedEvent(GOOD_BODY, NEW_BODY, PASSED) } as never);
    expect(scope.isDone()).toBe(true);
  });

  it("ignores edits that change no scope field: only the config is read", async () => {
    const edited = GOOD_BODY.replace(/### As a\n\n[^\n]+/, "### As a\n\nmaintenance planner in Dresden");
    expect(edited).not.toBe(GOOD_BODY);
    const unmatched: string[] = [];
    const onNoMatch = (req: { method?: string; path?: string }) => unmatched.push(`${req.method} ${req.path}`);
    nock.emitter.on("no match", onNoMatch);
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    await gatesOnlyApp().receive({ id: "d3", name: "issues", payload: editedEvent(GOOD_BODY, edited, PASSED) } as never);
    nock.emitter.removeListener("no match", onNoMatch);
    expect(scope.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });
});

describe("form facts for gate requirements", () => {
  it("reads fields and the acceptance-criteria checklist with intake's parser", () => {
    const ctx = { owner: OWNER, repo: REPO, filedAt: new Date("2026-11-20T00:00:00Z"), requireFutureDate: true, defaultCurrency: undefined };
    const facts = formFacts(bundledTemplate("use-case"), GOOD_BODY, ctx);
    expect(facts.form?.problems).toEqual([]);
    expect(facts.form?.fields.deadline).toEqual({ present: true });
    expect(facts.acceptanceCriteria?.total).toBeGreaterThan(0);
    const unticked = formFacts(bundledTemplate("use-case"), GOOD_BODY.replace(/- \[[xX]\]/g, "- [ ]"), ctx);
    expect(unticked.acceptanceCriteria?.ticked).toBe(0);
    const broken = formFacts(bundledTemplate("use-case"), GOOD_BODY.replace("2027-03-31", "someday"), ctx);
    expect(broken.form?.fields.deadline?.present).toBe(true);
    expect(broken.form?.fields.deadline?.problem).toMatch(/YYYY-MM-DD/);
  });
});

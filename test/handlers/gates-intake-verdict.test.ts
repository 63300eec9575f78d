import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import { API, APP_IDENTITY, BOT_LOGIN, createTestApp, examplePayload, mockConfig, mockGraphql, setupNock, teardownNock, type GraphqlCall } from "../helpers/probot.js";
import { GOOD_BODY, ISSUE_NODE_ID, ISSUE_NUMBER, OWNER, REPO, issuesEvent, label, useCaseIssue } from "../fixtures/use-cases.js";
import { initiativeResponder, type InitiativeFixture } from "../fixtures/initiatives.js";
import { parseSections } from "../../src/domain/status/comment-body.js";

/**
 * One verdict for intake and the intake gate (issue 16): `gate/1-intake` requires "form valid", and that is intake's
 * verdict on the live issue, initiative references included, looked up the way intake looks them up (one GraphQL
 * request, validated against GitHub's schema by mockGraphql). End to end through Probot's receive(), GitHub mocked
 * with nock; unexpected requests fail (net connect disabled, unmatched asserted empty), missing ones fail isDone().
 */

const ISSUE_PATH = `/repos/${OWNER}/${REPO}/issues/${ISSUE_NUMBER}`;
const COMMENTS = `${ISSUE_PATH}/comments`;
const STATUS_ID = 900;
const STATUS_PATH = `/repos/${OWNER}/${REPO}/issues/comments/${STATUS_ID}`;
const INTAKE_GATE = "gate/1-intake";
/** #13 is a bug report, not a business initiative. */
const BODY = GOOD_BODY.replace("#12, acme/transformation-office#40", "#12, #13");
const I12: InitiativeFixture = { owner: OWNER, repo: REPO, number: 12, title: "Cut unplanned downtime 30%", labels: ["initiative"] };
const I13_BUG: InitiativeFixture = { owner: OWNER, repo: REPO, number: 13, title: "Printer jams", labels: ["bug"] };

let unmatched: string[] = [];
const onNoMatch = (req: { method?: string; path?: string; href?: string }) => unmatched.push(`${req.method ?? ""} ${req.path ?? req.href ?? ""}`);

function ownComment(id: number, body: string) {
  return { id, body, user: { login: BOT_LOGIN, type: "Bot" }, performed_via_github_app: { id: APP_IDENTITY.appId, slug: "converge" } };
}

function labeledEvent(name: string, sender: string, labels: string[], at: string) {
  const payload = examplePayload("issues", "labeled");
  payload.label = label(name);
  payload.issue = { ...useCaseIssue(BODY, labels), updated_at: at };
  payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, html_url: `https://github.com/${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
  payload.sender = { ...payload.sender, login: sender, type: "User" };
  return payload;
}

const labeled = (id: number, name: string, login: string, at: string) => ({ id, node_id: `LE_${id}`, event: "labeled", label: { name }, actor: { login, type: login.endsWith("[bot]") ? "Bot" : "User" }, created_at: at });
const unlabeled = (id: number, name: string, login: string, at: string) => ({ id, node_id: `UN_${id}`, event: "unlabeled", label: { name }, actor: { login, type: login.endsWith("[bot]") ? "Bot" : "User" }, created_at: at });

function section(body: string | undefined, id: string): string {
  return parseSections(body ?? "").find((s) => s.id === id)?.body ?? "";
}

function officeMember(scope: nock.Scope, login: string): void {
  const path = `/orgs/${OWNER}/teams/transformation-office/memberships/${login}`;
  scope.get(path).reply(200, { url: `${API}${path}`, role: "member", state: "active" });
}

describe("the intake gate uses intake's verdict on the live issue", () => {
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

  it("refuses the gate while a reference is not an initiative, naming intake's problem; accepts it once fixed; and never shows it passed next to 'needs changes'", async () => {
    const app = createTestApp();

    // 1. Intake marks the use case "needs changes": #13 is not an initiative.
    let scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, useCaseIssue(BODY));
    scope.get(COMMENTS).query({ per_page: 100 }).reply(200, []);
    mockGraphql(scope, initiativeResponder([I12, I13_BUG]));
    let intakeLabels: string[] = [];
    scope.post(`${ISSUE_PATH}/labels`, (b) => ((intakeLabels = b.labels), true)).reply(200, []);
    let status = "";
    scope.post(COMMENTS, (b) => ((status = b.body), true)).reply(201, { id: STATUS_ID });
    let i12Comment = "";
    scope.post(`/repos/${OWNER}/${REPO}/issues/12/comments`, (b) => ((i12Comment = b.body), true)).reply(201, { id: 1201 });
    await app.receive("issues", issuesEvent("opened", useCaseIssue(BODY)), "intake-1");
    expect(scope.isDone()).toBe(true);
    expect(intakeLabels).toContain("needs-info");
    const problem = section(status, "intake").split("\n").find((l) => l.startsWith("- **Business initiatives enabled**"));
    expect(problem).toContain("acme/plant-iot\\#13 is not a business initiative");

    const labels = ["use-case", ...intakeLabels];
    const i12 = { ...I12, comments: [{ databaseId: 1201, body: i12Comment, author: BOT_LOGIN }] };

    // 2. A member of the office team adds gate/1-intake: refused, with intake's own words; the label comes off.
    scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, useCaseIssue(BODY, [...labels, INTAKE_GATE]));
    scope.get(COMMENTS).query({ per_page: 100 }).reply(200, [ownComment(STATUS_ID, status)]);
    officeMember(scope, "olga");
    const lookups: GraphqlCall[] = [];
    mockGraphql(scope, initiativeResponder([i12, I13_BUG]), lookups);
    let removed = false;
    scope.delete(`${ISSUE_PATH}/labels/${encodeURIComponent(INTAKE_GATE)}`).reply(200, () => ((removed = true), []));
    const firstAdd = labeled(2, INTAKE_GATE, "olga", "2026-11-24T10:00:00Z");
    scope.get(`${ISSUE_PATH}/timeline`).query({ per_page: 100 }).reply(200, [labeled(1, "use-case", "mara-schmidt", "2026-11-20T09:00:00Z"), firstAdd]);
    let refused = "";
    scope.patch(STATUS_PATH, (b) => ((refused = b.body), true)).reply(200, {});
    await app.receive("issues", labeledEvent(INTAKE_GATE, "olga", [...labels, INTAKE_GATE], "2026-11-24T10:00:00Z"), "gate-1");
    expect(scope.isDone()).toBe(true);
    expect(removed).toBe(true);
    expect(lookups[0]?.variables).toMatchObject({ o0: OWNER, r0: REPO, n0: 12, o1: OWNER, r1: REPO, n1: 13 });
    const gates = section(refused, "gates");
    expect(gates).toContain("**Intake** was not passed: olga tried, and Converge removed `gate/1-intake` again.");
    expect(gates).toContain("- intake says this use case needs changes (1 problem, as in the intake section):");
    expect(gates).toContain(`  ${problem}`);
    expect(gates).toContain("| 1 | Intake (`gate/1-intake`) | ⏳ next |");
    expect(section(refused, "intake")).toContain("This use case needs changes");

    // 3. #13 gets the initiative label (the use case itself is not edited). The gate is now accepted, and the same
    //    write turns the intake section into "accepted": never a passed gate next to a stale "needs changes".
    scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, useCaseIssue(BODY, [...labels, INTAKE_GATE]));
    scope.get(COMMENTS).query({ per_page: 100 }).reply(200, [ownComment(STATUS_ID, refused)]);
    officeMember(scope, "olga");
    const calls: GraphqlCall[] = [];
    mockGraphql(scope, initiativeResponder([i12, { ...I13_BUG, labels: ["initiative"] }]), calls);
    mockGraphql(scope, () => ({ data: { removeLabelsFromLabelable: { clientMutationId: null } } }), calls);
    let i12Update = "";
    scope.patch(`/repos/${OWNER}/${REPO}/issues/comments/1201`, (b) => ((i12Update = b.body), true)).reply(200, {});
    scope.post(`/repos/${OWNER}/${REPO}/issues/13/comments`).reply(201, { id: 1301 });
    scope.get(`${ISSUE_PATH}/timeline`).query({ per_page: 100 }).reply(200, [
      labeled(1, "use-case", "mara-schmidt", "2026-11-20T09:00:00Z"),
      firstAdd,
      unlabeled(3, INTAKE_GATE, BOT_LOGIN, "2026-11-24T10:00:02Z"),
      labeled(4, INTAKE_GATE, "olga", "2026-11-24T11:00:00Z"),
    ]);
    let accepted = "";
    scope.patch(STATUS_PATH, (b) => ((accepted = b.body), true)).reply(200, {});
    await app.receive("issues", labeledEvent(INTAKE_GATE, "olga", [...labels, INTAKE_GATE], "2026-11-24T11:00:00Z"), "gate-2");
    expect(scope.isDone()).toBe(true);
    expect(section(accepted, "gates")).toContain("**Intake** passed by olga.");
    expect(section(accepted, "gates")).toContain("| 1 | Intake (`gate/1-intake`) | ✅ passed | olga, 2026-11-24 |");
    expect(section(accepted, "intake")).toContain("### ✅ Use case accepted");
    expect(calls.find((c) => c.query.includes("removeLabelsFromLabelable"))?.variables).toEqual({ labelableId: ISSUE_NODE_ID, labelIds: ["LA_needs-info"] });
    expect(i12Update).not.toContain("_(needs info)_");
  });

  it("fails safe when the initiative lookup fails: the gate is not passed and the refusal says it could not verify", async () => {
    const app = createTestApp();
    const labels = ["use-case", "layer/mes", INTAKE_GATE];
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, useCaseIssue(BODY, labels));
    scope.get(COMMENTS).query({ per_page: 100 }).reply(200, []);
    officeMember(scope, "olga");
    scope.post("/graphql").reply(502, { message: "Bad Gateway" });
    scope.delete(`${ISSUE_PATH}/labels/${encodeURIComponent(INTAKE_GATE)}`).reply(200, []);
    scope.get(`${ISSUE_PATH}/timeline`).query({ per_page: 100 }).reply(200, [labeled(2, INTAKE_GATE, "olga", "2026-11-24T10:00:00Z")]);
    let body = "";
    scope.post(COMMENTS, (b) => ((body = b.body), true)).reply(201, { id: STATUS_ID });

    await app.receive("issues", labeledEvent(INTAKE_GATE, "olga", labels, "2026-11-24T10:00:00Z"), "gate-x");

    expect(scope.isDone()).toBe(true);
    expect(section(body, "gates")).toContain("- intake's verdict (the form and its initiative references) could not be checked (could not verify).");
    expect(section(body, "gates")).toContain("| 1 | Intake (`gate/1-intake`) | ⏳ next |");
  });

  it("marks a passed intake gate when a later edit makes intake say 'needs changes'", async () => {
    const app = createTestApp();
    const broken = GOOD_BODY.replace("#12, acme/transformation-office#40", "#12, #13");
    const labels = ["use-case", "layer/cloud-analytics", "layer/data-platform", "layer/mes", "layer/plc-edge", "plant/dresden", "plant/penang", "value-stream/maintain-to-operate", INTAKE_GATE];
    // The status comment as it stood: intake accepted, the intake gate passed.
    const before = [
      "<!-- converge:status -->",
      "**Converge** · use-case status",
      "",
      "<!-- converge:section:intake:10 -->",
      "### ✅ Use case accepted",
      `<!-- converge:state:intake ${Buffer.from(JSON.stringify({ valid: true, links: ["acme/plant-iot#12"] })).toString("base64")} -->`,
      "<!-- converge:section:intake:end -->",
      "",
      "<!-- converge:section:gates:20 -->",
      "| 1 | Intake (`gate/1-intake`) | ✅ passed | olga, 2026-11-24 |",
      `<!-- converge:state:gates ${Buffer.from(JSON.stringify({ v: 1, flags: [], notice: [] })).toString("base64")} -->`,
      "<!-- converge:section:gates:end -->",
    ].join("\n");
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(ISSUE_PATH).reply(200, useCaseIssue(broken, labels));
    scope.get(COMMENTS).query({ per_page: 100 }).reply(200, [ownComment(STATUS_ID, before)]);
    mockGraphql(scope, initiativeResponder([I12, I13_BUG]));
    scope.post(`${ISSUE_PATH}/labels`, { labels: ["needs-info"] }).reply(200, []);
    scope.post(`/repos/${OWNER}/${REPO}/issues/12/comments`).reply(201, { id: 1201 });
    scope.get(`${ISSUE_PATH}/timeline`).query({ per_page: 100 }).reply(200, [labeled(2, INTAKE_GATE, "olga", "2026-11-24T10:00:00Z")]);
    let after = "";
    scope.patch(STATUS_PATH, (b) => ((after = b.body), true)).reply(200, {});
    const event = issuesEvent("edited", useCaseIssue(broken, labels));

    await app.receive("issues", event, "edit-1");

    expect(scope.isDone()).toBe(true);
    expect(section(after, "intake")).toContain("This use case needs changes");
    expect(section(after, "gates")).toContain("| 1 | Intake (`gate/1-intake`) | ⚠️ intake now says needs changes | olga, 2026-11-24 |");
    expect(section(after, "gates")).not.toContain("✅ passed | olga");
    expect(section(after, "gates")).toContain("**Intake needs changes** since Intake (`gate/1-intake`) was passed");
  });
});

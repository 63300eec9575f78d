import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import {
  API,
  APP_IDENTITY,
  BOT_LOGIN,
  createTestApp,
  mockConfig,
  mockGraphql,
  setupNock,
  teardownNock,
  type GraphqlCall,
} from "../helpers/probot.js";
import { FLAWED_BODY, GOOD_BODY, ISSUE_NODE_ID, ISSUE_NUMBER, OWNER, REPO, issuesEvent, useCaseIssue } from "../fixtures/use-cases.js";
import { STATUS_MARKER, INITIATIVE_MARKER } from "../../src/domain/status/markers.js";

const ISSUE_PATH = `/repos/${OWNER}/${REPO}/issues/${ISSUE_NUMBER}`;

interface Initiative {
  owner: string;
  repo: string;
  number: number;
  title: string;
  labels: string[];
  comments?: Array<{ databaseId: number; body: string; author: string }>;
}

const INITIATIVE_12: Initiative = { owner: OWNER, repo: REPO, number: 12, title: "Cut unplanned downtime 30%", labels: ["initiative"] };
const INITIATIVE_40: Initiative = { owner: "acme", repo: "transformation-office", number: 40, title: "OEE +5 points", labels: ["initiative"] };

/** Answer the batched lookup from a table of initiatives, by the variables the app sent. */
function initiativeResponder(initiatives: Initiative[]) {
  return (call: GraphqlCall) => {
    const data: Record<string, unknown> = {};
    const errors: unknown[] = [];
    for (let i = 0; call.variables[`n${i}`] !== undefined; i++) {
      const found = initiatives.find(
        (x) => x.owner === call.variables[`o${i}`] && x.repo === call.variables[`r${i}`] && x.number === call.variables[`n${i}`],
      );
      if (!found) {
        // A repository the installation cannot see answers FORBIDDEN; a missing one, NOT_FOUND.
        const hidden = call.variables[`o${i}`] === "private-org";
        data[`i${i}`] = hidden ? null : { issue: null };
        errors.push(
          hidden
            ? { type: "FORBIDDEN", path: [`i${i}`], message: "Resource not accessible by integration" }
            : { type: "NOT_FOUND", path: [`i${i}`, "issue"], message: "Could not resolve to an Issue" },
        );
        continue;
      }
      data[`i${i}`] = {
        issue: {
          number: found.number,
          title: found.title,
          url: `https://github.com/${found.owner}/${found.repo}/issues/${found.number}`,
          state: "OPEN",
          issueLabels: { nodes: found.labels.map((name) => ({ name })) },
          comments: {
            totalCount: found.comments?.length ?? 0,
            nodes: (found.comments ?? []).map((c) => ({ databaseId: c.databaseId, body: c.body, viewerDidAuthor: c.author === BOT_LOGIN, author: { login: c.author } })),
          },
        },
      };
    }
    return errors.length > 0 ? { data, errors } : { data };
  };
}

/**
 * The reads every intake run makes, in order: the config (none by default, so Probot also tries the org's .github repo), the
 * live issue, and the issue's comments (to find Converge's own status comment).
 */
function mockIntakeReads(issue: Record<string, unknown>, comments: unknown[] = [], config: string | null = null): nock.Scope {
  const scope = nock(API);
  mockConfig(scope, OWNER, REPO, config);
  scope.get(ISSUE_PATH).reply(200, issue);
  scope.get(`${ISSUE_PATH}/comments`).query({ per_page: 100 }).reply(200, comments);
  return scope;
}

function ownComment(id: number, body: string) {
  return { id, body, user: { login: BOT_LOGIN, type: "Bot" }, performed_via_github_app: { id: APP_IDENTITY.appId, slug: "converge" } };
}

describe("intake: issues.opened for a use case", () => {
  beforeEach(setupNock);
  afterEach(teardownNock);

  it("labels a valid use case, posts one summary comment and lists it on each initiative", async () => {
    const app = createTestApp();
    const issue = useCaseIssue(GOOD_BODY);
    const writes: Record<string, any> = {};
    const calls: GraphqlCall[] = [];
    const scope = mockIntakeReads(issue);
    mockGraphql(scope, initiativeResponder([INITIATIVE_12, INITIATIVE_40]), calls);
    scope.post(`${ISSUE_PATH}/labels`, (body) => ((writes.labels = body), true)).reply(200, []);
    scope.post(`${ISSUE_PATH}/comments`, (body) => ((writes.status = body.body), true)).reply(201, { id: 1 });
    scope.post(`/repos/${OWNER}/${REPO}/issues/12/comments`, (body) => ((writes.i12 = body.body), true)).reply(201, { id: 2 });
    scope.post(`/repos/acme/transformation-office/issues/40/comments`, (body) => ((writes.i40 = body.body), true)).reply(201, { id: 3 });

    await app.receive("issues", issuesEvent("opened", issue));

    expect(scope.isDone()).toBe(true);
    expect(calls).toHaveLength(1); // one batched lookup for both initiatives
    expect(writes.labels.labels).toEqual([
      "layer/cloud-analytics",
      "layer/data-platform",
      "layer/mes",
      "layer/plc-edge",
      "plant/dresden",
      "plant/penang",
      "value-stream/maintain-to-operate",
    ]);
    expect(writes.status.startsWith(STATUS_MARKER)).toBe(true);
    expect(writes.status).toContain("Use case accepted");
    expect(writes.status).toContain("€250,000");
    expect(writes.status).toContain("2027-03-31");
    expect(writes.status).toContain(`acme/transformation-office#40 OEE +5 points`);
    // Handles are shown without pinging anyone.
    expect(writes.status).not.toMatch(/@mara-schmidt|@li-wei/);
    for (const body of [writes.i12, writes.i40]) {
      expect(body.startsWith(INITIATIVE_MARKER)).toBe(true);
      expect(body).toContain(`${OWNER}/${REPO}#${ISSUE_NUMBER}`);
    }
  });

  it("does nothing more when the same delivery arrives again", async () => {
    // First delivery, to learn exactly what Converge wrote.
    const app = createTestApp();
    const issue = useCaseIssue(GOOD_BODY);
    const writes: Record<string, string> = {};
    let scope = mockIntakeReads(issue);
    mockGraphql(scope, initiativeResponder([INITIATIVE_12, INITIATIVE_40]));
    scope.post(`${ISSUE_PATH}/labels`).reply(200, []);
    scope.post(`${ISSUE_PATH}/comments`, (b) => ((writes.status = b.body), true)).reply(201, { id: 1 });
    scope.post(`/repos/${OWNER}/${REPO}/issues/12/comments`, (b) => ((writes.i12 = b.body), true)).reply(201, { id: 2 });
    scope.post(`/repos/acme/transformation-office/issues/40/comments`, (b) => ((writes.i40 = b.body), true)).reply(201, { id: 3 });
    const event = issuesEvent("opened", issue);
    await app.receive("issues", event, "same-delivery");
    expect(scope.isDone()).toBe(true);

    // Redelivery: GitHub now holds what Converge wrote. Only reads happen; any write would be an unmatched request.
    const labelled = useCaseIssue(GOOD_BODY, [
      "use-case",
      "layer/cloud-analytics",
      "layer/data-platform",
      "layer/mes",
      "layer/plc-edge",
      "plant/dresden",
      "plant/penang",
      "value-stream/maintain-to-operate",
    ]);
    scope = mockIntakeReads(labelled, [ownComment(1, writes.status!)]);
    mockGraphql(
      scope,
      initiativeResponder([
        { ...INITIATIVE_12, comments: [{ databaseId: 2, body: writes.i12!, author: BOT_LOGIN }] },
        { ...INITIATIVE_40, comments: [{ databaseId: 3, body: writes.i40!, author: BOT_LOGIN }] },
      ]),
    );
    await app.receive("issues", event, "same-delivery");
    expect(scope.isDone()).toBe(true);
  });

  it("lists every problem with an example, adds needs-info, and never echoes an @-mention", async () => {
    const app = createTestApp();
    const issue = useCaseIssue(FLAWED_BODY);
    const writes: Record<string, any> = {};
    const scope = mockIntakeReads(issue);
    // No lookup: the initiatives field itself is unreadable, so there is nothing valid to look up yet.
    scope.post(`${ISSUE_PATH}/labels`, (b) => ((writes.labels = b.labels), true)).reply(200, []);
    scope.post(`${ISSUE_PATH}/comments`, (b) => ((writes.status = b.body), true)).reply(201, { id: 1 });

    await app.receive("issues", issuesEvent("opened", issue));

    expect(scope.isDone()).toBe(true);
    expect(writes.labels).toEqual(["layer/mes", "needs-info", "plant/guadalajara"]);
    const body: string = writes.status;
    expect(body).toContain("needs changes");
    for (const label of ["So that", "Acceptance criteria", "Value stream", "Business initiatives enabled", "Expected yearly benefit", "Target deployment date", "Product owner"]) {
      expect(body).toContain(`**${label}**`);
    }
    expect(body).toContain("Example: `2027-03-31`");
    expect(body).toContain("the scrap reduction one");
    expect(body).not.toMatch(/@everyone/);
  });
});

describe("intake: orgs that use issue types", () => {
  beforeEach(setupNock);
  afterEach(teardownNock);

  it("treats an issue of the configured type as a use case even without the label, and adds the label", async () => {
    const app = createTestApp();
    const issue = { ...useCaseIssue(GOOD_BODY, []), type: { id: 7, name: "Use case" } };
    let labels: string[] = [];
    const scope = mockIntakeReads(issue, [], "intake:\n  issueTypes:\n    useCase: Use case\n");
    mockGraphql(scope, initiativeResponder([INITIATIVE_12, INITIATIVE_40]));
    scope.post(`${ISSUE_PATH}/labels`, (b) => ((labels = b.labels), true)).reply(200, []);
    scope.post(`${ISSUE_PATH}/comments`).reply(201, { id: 1 });
    scope.post(`/repos/${OWNER}/${REPO}/issues/12/comments`).reply(201, { id: 2 });
    scope.post(`/repos/acme/transformation-office/issues/40/comments`).reply(201, { id: 3 });
    await app.receive("issues", issuesEvent("opened", issue));
    expect(scope.isDone()).toBe(true);
    expect(labels).toContain("use-case");
  });
});

describe("intake: initiative references", () => {
  beforeEach(setupNock);
  afterEach(teardownNock);

  it("pages through a busy initiative's comments before deciding Converge has none there (no duplicate)", async () => {
    const app = createTestApp();
    const issue = useCaseIssue(GOOD_BODY.replace("#12, acme/transformation-office#40", "#12"));
    const INITIATIVE_PATH = `/repos/${OWNER}/${REPO}/issues/12/comments`;
    const others = Array.from({ length: 100 }, (_, i) => ({ databaseId: 500 + i, body: `comment ${i}`, author: "someone" }));
    const existing = `${INITIATIVE_MARKER}\nold list`;
    let patched = "";
    const scope = mockIntakeReads(issue);
    mockGraphql(scope, (call) => {
      const answer = initiativeResponder([{ ...INITIATIVE_12, comments: others }])(call) as { data: Record<string, any> };
      answer.data.i0.issue.comments.totalCount = 101; // Converge's comment is the 101st
      return answer;
    });
    scope.get(INITIATIVE_PATH).query({ per_page: 100 }).reply(200, [], { link: `<${API}${INITIATIVE_PATH}?per_page=100&page=2>; rel="next"` });
    scope.get(INITIATIVE_PATH).query({ per_page: 100, page: 2 }).reply(200, [ownComment(9001, existing)]);
    scope.post(`${ISSUE_PATH}/labels`).reply(200, []);
    scope.post(`${ISSUE_PATH}/comments`).reply(201, { id: 1 });
    scope.patch(`/repos/${OWNER}/${REPO}/issues/comments/9001`, (b) => ((patched = b.body), true)).reply(200, {});

    await app.receive("issues", issuesEvent("opened", issue));

    expect(scope.isDone()).toBe(true);
    expect(patched).toContain(`${OWNER}/${REPO}#${ISSUE_NUMBER}`);
  });

  it("flags a reference that does not exist and one that is not an initiative, and links the valid one", async () => {
    const app = createTestApp();
    const body = GOOD_BODY.replace("#12, acme/transformation-office#40", "#12, #13, acme/ghost#1, private-org/secrets#2");
    const issue = useCaseIssue(body);
    const writes: Record<string, any> = {};
    const scope = mockIntakeReads(issue);
    mockGraphql(scope, initiativeResponder([INITIATIVE_12, { ...INITIATIVE_12, number: 13, title: "Printer jams", labels: ["bug"] }]));
    scope.post(`${ISSUE_PATH}/labels`, (b) => ((writes.labels = b.labels), true)).reply(200, []);
    scope.post(`${ISSUE_PATH}/comments`, (b) => ((writes.status = b.body), true)).reply(201, { id: 1 });
    scope.post(`/repos/${OWNER}/${REPO}/issues/12/comments`, (b) => ((writes.i12 = b.body), true)).reply(201, { id: 2 });

    await app.receive("issues", issuesEvent("opened", issue));

    expect(scope.isDone()).toBe(true);
    expect(writes.labels).toContain("needs-info");
    expect(writes.status).toContain("acme/plant-iot\\#13 is not a business initiative");
    expect(writes.status).toContain("acme/ghost\\#1 does not exist");
    expect(writes.status).toContain("private-org/secrets\\#2 does not exist, or Converge is not installed");
    expect(writes.i12).toContain("_(needs info)_");
  });
});

describe("intake: issues.edited", () => {
  beforeEach(setupNock);
  afterEach(teardownNock);

  it("fixing the body removes needs-info in one mutation and updates the same comment", async () => {
    const app = createTestApp();
    const issue = useCaseIssue(GOOD_BODY, ["use-case", "needs-info", "layer/mes", "plant/dresden", "plant/penang"]);
    const calls: GraphqlCall[] = [];
    const writes: Record<string, any> = {};
    const oldStatus = `${STATUS_MARKER}\nold problems`;
    const scope = mockIntakeReads(issue, [ownComment(77, oldStatus)]);
    mockGraphql(scope, initiativeResponder([INITIATIVE_12, INITIATIVE_40]), calls);
    scope.post(`${ISSUE_PATH}/labels`, (b) => ((writes.labels = b.labels), true)).reply(200, []);
    mockGraphql(scope, () => ({ data: { removeLabelsFromLabelable: { clientMutationId: null } } }), calls);
    scope.patch(`/repos/${OWNER}/${REPO}/issues/comments/77`, (b) => ((writes.status = b.body), true)).reply(200, {});
    scope.post(`/repos/${OWNER}/${REPO}/issues/12/comments`).reply(201, { id: 2 });
    scope.post(`/repos/acme/transformation-office/issues/40/comments`).reply(201, { id: 3 });

    await app.receive("issues", issuesEvent("edited", issue));

    expect(scope.isDone()).toBe(true);
    expect(writes.labels).not.toContain("needs-info");
    const mutation = calls.find((c) => c.query.includes("removeLabelsFromLabelable"));
    expect(mutation?.variables).toEqual({ labelableId: ISSUE_NODE_ID, labelIds: ["LA_needs-info"] });
    expect(writes.status).toContain("Use case accepted");
  });

  it("removing an initiative from the form unlists the use case there", async () => {
    const app = createTestApp();
    const body = GOOD_BODY.replace("#12, acme/transformation-office#40", "#12");
    const labels = ["use-case", "layer/cloud-analytics", "layer/data-platform", "layer/mes", "layer/plc-edge", "plant/dresden", "plant/penang", "value-stream/maintain-to-operate"];
    const issue = useCaseIssue(body, labels);
    const ref = `${OWNER}/${REPO}#${ISSUE_NUMBER}`;
    const listed = (refs: string[]) =>
      `${INITIATIVE_MARKER}\n<!-- converge:state:initiative ${Buffer.from(JSON.stringify({ useCases: refs.map((r) => ({ ref: r, title: "x", valid: true })) })).toString("base64")} -->`;
    const previousState = Buffer.from(JSON.stringify({ valid: true, links: ["acme/plant-iot#12", "acme/transformation-office#40"] })).toString("base64");
    const status = `${STATUS_MARKER}\n<!-- converge:section:intake:10 -->\nold card\n<!-- converge:state:intake ${previousState} -->\n<!-- converge:section:intake:end -->`;
    const writes: Record<string, string> = {};
    const calls: GraphqlCall[] = [];
    const scope = mockIntakeReads(issue, [ownComment(5, status)]);
    mockGraphql(
      scope,
      initiativeResponder([
        { ...INITIATIVE_12, comments: [{ databaseId: 12012, body: listed([ref]), author: BOT_LOGIN }] },
        { ...INITIATIVE_40, comments: [{ databaseId: 40040, body: listed([ref, "acme/other#1"]), author: BOT_LOGIN }] },
      ]),
      calls,
    );
    scope.patch(`/repos/${OWNER}/${REPO}/issues/comments/5`, (b) => ((writes.status = b.body), true)).reply(200, {});
    scope.patch(`/repos/${OWNER}/${REPO}/issues/comments/12012`, (b) => ((writes.i12 = b.body), true)).reply(200, {});
    scope.patch(`/repos/acme/transformation-office/issues/comments/40040`, (b) => ((writes.i40 = b.body), true)).reply(200, {});

    await app.receive("issues", issuesEvent("edited", issue));

    expect(scope.isDone()).toBe(true);
    // The lookup covered the initiative that is no longer named, to unlist the use case there.
    expect(calls[0]?.variables).toMatchObject({ n0: 12, n1: 40, o1: "acme", r1: "transformation-office" });
    expect(writes.i40).not.toContain(ref);
    expect(writes.i40).toContain("acme/other#1");
    expect(writes.i12).toContain(ref);
  });
});

describe("intake: events it must not act on", () => {
  beforeEach(setupNock);
  afterEach(teardownNock);

  it("ignores events caused by Converge itself (no request at all)", async () => {
    const app = createTestApp();
    await app.receive("issues", issuesEvent("edited", useCaseIssue(GOOD_BODY), BOT_LOGIN));
    expect(nock.pendingMocks().filter((m) => !m.includes("access_tokens"))).toEqual([]);
  });

  it("ignores issues that are not use cases after reading the config", async () => {
    const app = createTestApp();
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    await app.receive("issues", issuesEvent("opened", useCaseIssue("just a bug", ["bug"])));
    expect(scope.isDone()).toBe(true);
  });

  it("never trusts a status marker in a comment written by a person: it posts its own", async () => {
    const app = createTestApp();
    const issue = useCaseIssue(FLAWED_BODY, ["use-case", "needs-info", "layer/mes", "plant/guadalajara"]);
    const spoof = { id: 9, body: `${STATUS_MARKER}\n### ✅ Use case accepted`, user: { login: "mallory", type: "User" }, performed_via_github_app: null };
    const scope = mockIntakeReads(issue, [spoof]);
    scope.post(`${ISSUE_PATH}/comments`).reply(201, { id: 10 });
    await app.receive("issues", issuesEvent("edited", issue));
    expect(scope.isDone()).toBe(true);
  });

  it("reports an invalid config on the use case and changes no labels", async () => {
    const app = createTestApp();
    const issue = useCaseIssue(GOOD_BODY);
    let status = "";
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, "intake:\n  labels:\n    useCase: 7\n  colour: red\n");
    scope.get(`${ISSUE_PATH}/comments`).query(true).reply(200, []);
    scope.post(`${ISSUE_PATH}/comments`, (b) => ((status = b.body), true)).reply(201, { id: 1 });
    await app.receive("issues", issuesEvent("opened", issue));
    expect(scope.isDone()).toBe(true);
    expect(status).toContain("Converge is paused");
    expect(status).toContain("intake.labels.useCase");
    expect(status).toContain("colour");
  });
});

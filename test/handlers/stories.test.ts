import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import { API, APP_IDENTITY, BOT_LOGIN, createTestApp, examplePayload, mockConfig, setupNock, teardownNock } from "../helpers/probot.js";
import { FakeGitHub, type FaultKind } from "../helpers/fake-github.js";
import { GOOD_BODY, ISSUE_NUMBER, OWNER, REPO, issuesEvent, label, useCaseIssue } from "../fixtures/use-cases.js";
import { parseSections, renderStatusBody } from "../../src/domain/status/comment-body.js";
import { parseIssueBody } from "../../src/domain/forms/parse-body.js";
import { bundledTemplate } from "../../src/templates.js";
import { readStoryMarker } from "../../src/domain/stories/markers.js";
import { configurePacing } from "../../src/github/pacing.js";

/**
 * Use case → user stories end to end: real webhook payload shapes through Probot's receive(), GitHub as a stateful
 * fake at the HTTP boundary (nock), so a second delivery sees exactly what the first one wrote, and a fault can be
 * injected at any one call. Sub-issues are attached by the story's numeric id: the fake refuses a number.
 */

const FEAS = "gate/2-feasibility";
const BEFORE = ["use-case", "gate/1-intake"];
const labeled = (name: string, login: string, when: string) => ({ event: "labeled", label: { name, color: "ededed" }, actor: { login, type: "User" }, created_at: when });
const HISTORY = [labeled("use-case", "mara-schmidt", "2026-11-20T09:00:00Z"), labeled("gate/1-intake", "olga", "2026-11-21T09:00:00Z")];
const CRITERIA = [
  "Vibration data from all 12 spindles reaches the data platform every minute",
  "Alerts reach the planner's dashboard with at least 48 h lead time in 8 of 10 backtested failures",
  "The OT security team approved the edge gateway design",
];

function repoOf(payload: Record<string, any>) {
  payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, html_url: `https://github.com/${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
  return payload;
}

function labelEvent(name: string, sender: string, labels: string[]) {
  const payload = examplePayload("issues", "labeled");
  payload.label = label(name);
  payload.issue = { ...useCaseIssue(GOOD_BODY, labels), updated_at: "2026-11-24T15:00:00Z" };
  payload.sender = { ...payload.sender, login: sender, type: sender.endsWith("[bot]") ? "Bot" : "User" };
  return repoOf(payload);
}

function storiesComment(author: string, id = 7001, body = "/stories") {
  const payload = examplePayload("issue_comment", "created");
  payload.issue = useCaseIssue(GOOD_BODY, BEFORE);
  delete payload.issue.pull_request;
  const type = author.endsWith("[bot]") ? "Bot" : "User";
  payload.comment = { ...payload.comment, id, body, user: { ...payload.comment.user, login: author, type }, created_at: "2026-11-24T16:00:00Z" };
  payload.sender = { ...payload.sender, login: author, type };
  return repoOf(payload);
}

/** A use case that passed intake; `feasibility` adds the feasibility label as ada just added it. */
function github(options: { feasibility?: boolean; by?: string; config?: string | null; body?: string } = {}): FakeGitHub {
  nock.cleanAll();
  const fake = new FakeGitHub(OWNER, REPO);
  const labels = options.feasibility ? [...BEFORE, FEAS] : [...BEFORE];
  const timeline = options.feasibility ? [...HISTORY, labeled(FEAS, options.by ?? "ada", "2026-11-24T15:00:00Z")] : HISTORY;
  fake.addIssue({ number: ISSUE_NUMBER, body: options.body ?? GOOD_BODY, labels, timeline, title: "[Use case]: Predictive maintenance for SMT spindles", assignees: ["ada"] });
  fake.addIssue({ number: 12, body: "initiative", labels: ["initiative"], title: "Cut unplanned downtime 30%" });
  fake.teams["itot-architects"] = ["ada"];
  // The comments the tests deliver as `/stories` (and `/gate pass`), so reactions to them land.
  for (const [id, login] of [[7001, "mara-schmidt"], [7002, "mara-schmidt"], [7100, "ada"]] as const) {
    fake.issues.get(ISSUE_NUMBER)!.comments.push({ id, body: "/stories", user: { login, type: "User" }, created_at: "2026-11-24T16:00:00Z" });
  }
  fake.config = options.config ?? null;
  fake.install();
  return fake;
}

/** The stories Converge created: issues by the bot carrying a story marker. */
function stories(fake: FakeGitHub) {
  return [...fake.issues.values()].filter((i) => i.user?.login === BOT_LOGIN && readStoryMarker(i.body));
}

function storiesSection(fake: FakeGitHub) {
  const own = fake.ownComments(ISSUE_NUMBER);
  expect(own).toHaveLength(1); // one status comment, always
  return parseSections(own[0]!.body).find((s) => s.id === "stories");
}

const writes = (calls: string[]) => calls.filter((c) => !c.startsWith("GET "));
const creates = (calls: string[]) => calls.filter((c) => c === `POST /repos/${OWNER}/${REPO}/issues`);

let waits: number[] = [];
beforeEach(() => {
  nock.disableNetConnect();
  waits = [];
  configurePacing({ sleep: async (ms) => void waits.push(ms) });
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  configurePacing({});
});

describe("stories: on a valid gate pass", () => {
  it("creates one story per acceptance criterion, pre-filled from the use case, and attaches each by its id", async () => {
    const fake = github({ feasibility: true });
    await createTestApp().receive("issues", labelEvent(FEAS, "ada", [...BEFORE, FEAS]));

    const created = stories(fake);
    expect(created.map((s) => s.title)).toEqual(CRITERIA.map((c) => `[Story]: ${c}`));
    expect(fake.subIssues.get(ISSUE_NUMBER)).toEqual(created.map((s) => s.number));
    const template = bundledTemplate("user-story");
    for (const [i, story] of created.entries()) {
      expect(story.labels).toEqual(["user-story"]);
      const parsed = parseIssueBody(template, story.body);
      expect(parsed.missing).toEqual([]);
      expect(parsed.values["use-case"]).toEqual({ type: "input", text: `#${ISSUE_NUMBER}` });
      expect(parsed.values["as-a"]).toEqual({ type: "input", text: "maintenance planner at the Dresden plant" });
      expect(parsed.values["acceptance-criteria"]).toEqual({ type: "textarea", text: `- [ ] ${CRITERIA[i]}` });
      expect(parsed.values.estimate).toEqual({ type: "dropdown", selected: [] });
        expect(story.body).toMatch(/^<!-- converge:story use-case=acme\/plant-iot#31 criterion=[0-9a-f]{16} -->\n\n### Use case\n\n#31\n\n### As a\n/);
    }
    expect(new Set(created.map((s) => readStoryMarker(s.body)?.key)).size).toBe(3);
    const section = storiesSection(fake);
    expect(section?.body).toContain("when **Feasibility** is passed");
    for (const story of created) expect(section?.body).toContain(`- #${story.number} `);
    // Six content writes (3 issues, 3 sub-issue links), each at least a second after the one before.
    expect(waits).toHaveLength(5);
    for (const ms of waits) expect(ms).toBeGreaterThan(500);
  });

  it("writes nothing when the same delivery arrives again", async () => {
    const fake = github({ feasibility: true });
    const app = createTestApp();
    await app.receive("issues", labelEvent(FEAS, "ada", [...BEFORE, FEAS]));
    const before = fake.calls.length;
    await app.receive("issues", labelEvent(FEAS, "ada", [...BEFORE, FEAS]));
    expect(writes(fake.calls.slice(before))).toEqual([]);
    expect(stories(fake)).toHaveLength(3);
  });

  it("creates nothing when the gate handler reverts an unauthorised label", async () => {
    const fake = github({ feasibility: true, by: "mallory" });
    await createTestApp().receive("issues", labelEvent(FEAS, "mallory", [...BEFORE, FEAS]));
    expect(fake.issues.get(ISSUE_NUMBER)?.labels).not.toContain(FEAS);
    expect(creates(fake.calls)).toEqual([]);
    expect(fake.subIssues.size).toBe(0);
    expect(storiesSection(fake)).toBeUndefined();
  });

  it("creates them when the gate is passed with `/gate pass feasibility`", async () => {
    const fake = github();
    await createTestApp().receive("issue_comment", storiesComment("ada", 7100, "/gate pass feasibility"));
    expect(fake.issues.get(ISSUE_NUMBER)?.labels).toContain(FEAS);
    expect(stories(fake)).toHaveLength(3);
    expect(fake.subIssues.get(ISSUE_NUMBER)).toHaveLength(3);
  });

  it("creates nothing when another gate is passed", async () => {
    const fake = github({ feasibility: true, config: "stories:\n  onGate: architecture\n" });
    await createTestApp().receive("issues", labelEvent(FEAS, "ada", [...BEFORE, FEAS]));
    expect(fake.issues.get(ISSUE_NUMBER)?.labels).toContain(FEAS);
    expect(creates(fake.calls)).toEqual([]);
  });

  it("creates nothing on the gate when the config names no gate (stories.onGate: null)", async () => {
    const fake = github({ feasibility: true, config: "stories:\n  onGate: null\n" });
    await createTestApp().receive("issues", labelEvent(FEAS, "ada", [...BEFORE, FEAS]));
    expect(fake.issues.get(ISSUE_NUMBER)?.labels).toContain(FEAS);
    expect(creates(fake.calls)).toEqual([]);
  });
});

describe("stories: /stories", () => {
  it("the product owner's comment creates the stories; its redelivery writes nothing", async () => {
    const fake = github();
    const app = createTestApp();
    await app.receive("issue_comment", storiesComment("mara-schmidt"));
    expect(stories(fake)).toHaveLength(3);
    expect(fake.subIssues.get(ISSUE_NUMBER)).toHaveLength(3);
    expect(fake.calls.at(-1)).toBe(`POST /repos/${OWNER}/${REPO}/issues/comments/7001/reactions`);
    const before = fake.calls.length;
    await app.receive("issue_comment", storiesComment("mara-schmidt"));
    expect(writes(fake.calls.slice(before))).toEqual([]);
  });

  it("politely refuses anyone else, without a mention, and creates nothing", async () => {
    const fake = github();
    const app = createTestApp();
    await app.receive("issue_comment", storiesComment("mallory"));
    expect(creates(fake.calls)).toEqual([]);
    expect(fake.calls).toContain(`POST /repos/${OWNER}/${REPO}/issues/comments/7001/reactions`);
    const section = storiesSection(fake);
    expect(section?.body).toContain("mallory: thank you, but only its product owner, mara-schmidt, can ask for this use case's user stories");
    expect(section?.body).not.toMatch(/@(?!&#8203;)\w/);
    const before = fake.calls.length;
    await app.receive("issue_comment", storiesComment("mallory"));
    expect(writes(fake.calls.slice(before))).toEqual([]);
  });

  it("falls back to the issue author when the product owner field names nobody", async () => {
    const fake = github({ body: GOOD_BODY.replace("@mara-schmidt", "_No response_") });
    await createTestApp().receive("issue_comment", storiesComment("mara-schmidt"));
    expect(stories(fake)).toHaveLength(3);
  });

  it("does nothing when stories are switched off", async () => {
    const fake = github({ config: "stories:\n  enabled: false\n" });
    await createTestApp().receive("issue_comment", storiesComment("mara-schmidt"));
    expect(fake.calls.length).toBeGreaterThan(0); // the config was read, and nothing else
    expect(fake.calls.every((c) => c.includes("/contents/"))).toBe(true);
  });

  it("never reacts to its own comment", async () => {
    const fake = github();
    await createTestApp().receive("issue_comment", storiesComment(BOT_LOGIN));
    expect(fake.calls).toEqual([]);
  });

  it("ignores /stories inside a code block or a quote", async () => {
    const fake = github();
    await createTestApp().receive("issue_comment", storiesComment("mara-schmidt", 7001, "Try this:\n```\n/stories\n```\n> /stories"));
    expect(fake.calls).toEqual([]);
  });

  it("neutralises mentions copied from the use case into the story", async () => {
    const fake = github({ body: GOOD_BODY.replace("### I want\n\n", "### I want\n\n@ops-team and @acme/maintenance want ") });
    await createTestApp().receive("issue_comment", storiesComment("mara-schmidt"));
    const [first] = stories(fake);
    expect(first?.body).toContain("@&#8203;ops-team and @&#8203;acme/maintenance want");
    expect(first?.body).not.toMatch(/@(?!&#8203;)[A-Za-z]/);
  });
});

describe("stories: idempotent across failures and later changes", () => {
  /** Index of the n-th call matching `call` in a good run: where to inject the fault. */
  async function indexOf(call: string, nth: number): Promise<number> {
    const good = github();
    await createTestApp().receive("issue_comment", storiesComment("mara-schmidt"));
    const indexes = good.calls.flatMap((c, i) => (c === call ? [i] : []));
    return indexes[nth - 1]!;
  }

  const cases: Array<[string, string, number, FaultKind]> = [
    ["a 502 on the third create", `POST /repos/${OWNER}/${REPO}/issues`, 3, "502"],
    ["a third create GitHub applied but answered 502", `POST /repos/${OWNER}/${REPO}/issues`, 3, "applied-then-502"],
    ["a 502 on attaching the second story", `POST /repos/${OWNER}/${REPO}/issues/${ISSUE_NUMBER}/sub_issues`, 2, "502"],
  ];
  for (const [name, call, nth, kind] of cases) {
    it(`after ${name}, the next run completes with no duplicate`, async () => {
      const at = await indexOf(call, nth);
      const fake = github();
      fake.fault = { at, kind };
      const app = createTestApp();
      await app.receive("issue_comment", storiesComment("mara-schmidt"));
      expect(fake.subIssues.get(ISSUE_NUMBER)!.length).toBeLessThan(3);
      expect(storiesSection(fake)?.body).toContain("finishes the job without duplicates");

      fake.fault = undefined;
      await app.receive("issue_comment", storiesComment("mara-schmidt")); // the redelivery
      const created = stories(fake);
      expect(created.map((s) => s.title)).toEqual(CRITERIA.map((c) => `[Story]: ${c}`));
      expect(fake.subIssues.get(ISSUE_NUMBER)).toEqual(created.map((s) => s.number));
      const section = storiesSection(fake);
      expect(section?.body).not.toContain("without duplicates");
      expect((section?.state as { pending?: string }).pending).toBeUndefined();
    });
  }

  it("a story people closed, or removed from the use case, is not recreated", async () => {
    const fake = github();
    const app = createTestApp();
    await app.receive("issue_comment", storiesComment("mara-schmidt", 7001));
    const [first, second] = stories(fake);
    first!.state = "closed";
    fake.subIssues.set(ISSUE_NUMBER, fake.subIssues.get(ISSUE_NUMBER)!.filter((n) => n !== second!.number));
    const before = fake.calls.length;
    await app.receive("issue_comment", storiesComment("mara-schmidt", 7002));
    expect(creates(fake.calls.slice(before))).toEqual([]);
    expect(fake.calls.slice(before)).not.toContain(`POST /repos/${OWNER}/${REPO}/issues/${ISSUE_NUMBER}/sub_issues`);
    expect(stories(fake)).toHaveLength(3);
    expect(storiesSection(fake)?.body).toMatch(new RegExp(`- #${second!.number} .*\\(removed from this use case; not recreated\\)`));
  });

  it("a criterion added later produces only its own story", async () => {
    const fake = github();
    const app = createTestApp();
    await app.receive("issue_comment", storiesComment("mara-schmidt", 7001));
    const useCase = fake.issues.get(ISSUE_NUMBER)!;
    useCase.body = useCase.body.replace("- [x] The OT security team", "- [ ] Planners can snooze an alert for one shift\n- [x] The OT security team");
    // Reworded spacing and case of an existing criterion is the same criterion.
    useCase.body = useCase.body.replace("Vibration data from all 12 spindles", "vibration  data from all 12 spindles");
    const before = fake.calls.length;
    await app.receive("issue_comment", storiesComment("mara-schmidt", 7002));
    expect(creates(fake.calls.slice(before))).toHaveLength(1);
    expect(stories(fake).map((s) => s.title)).toEqual([...CRITERIA.map((c) => `[Story]: ${c}`), "[Story]: Planners can snooze an alert for one shift"]);
    expect(fake.subIssues.get(ISSUE_NUMBER)).toHaveLength(4);
  });

  it("GitHub's 100-sub-issue limit gets a clear message and no failed writes", async () => {
    const fake = github();
    const others: number[] = [];
    for (let n = 200; n < 299; n++) {
      fake.addIssue({ number: n, body: "task", title: `Task ${n}` });
      others.push(n);
    }
    fake.subIssues.set(ISSUE_NUMBER, others);
    await createTestApp().receive("issue_comment", storiesComment("mara-schmidt"));
    expect(creates(fake.calls)).toHaveLength(1);
    expect(fake.subIssues.get(ISSUE_NUMBER)).toHaveLength(100);
    const body = storiesSection(fake)?.body ?? "";
    expect(body).toContain("GitHub allows at most 100 sub-issues per issue (closed ones count) and this use case has 99");
    expect(body).toContain("2 acceptance criteria have no story");
  });

  it("trusts a story marker only in issues the app authored", async () => {
    const fake = github();
    // Someone pastes a marker for the first criterion into their own sub-issue: it does not count as Converge's story.
    await createTestApp().receive("issue_comment", storiesComment("mara-schmidt", 7001));
    const [first] = stories(fake);
    nock.cleanAll();
    const fresh = github();
    fresh.addIssue({ number: 77, body: first!.body, title: "copied" });
    fresh.subIssues.set(ISSUE_NUMBER, [77]);
    await createTestApp().receive("issue_comment", storiesComment("mara-schmidt", 7001));
    expect(stories(fresh)).toHaveLength(3);
  });
});

describe("intake: the use-case label added to an existing issue", () => {
  function plainIssue(fake: FakeGitHub) {
    const issue = fake.issues.get(ISSUE_NUMBER)!;
    issue.labels = [];
    issue.timeline = [];
    return issue;
  }

  it("starts intake, and an `opened` that also arrives adds no second status comment", async () => {
    const fake = github();
    const issue = plainIssue(fake);
    issue.labels = ["use-case"];
    const app = createTestApp();
    const event = labelEvent("use-case", "mara-schmidt", ["use-case"]);
    await app.receive("issues", event, "delivery-label");
    const own = fake.ownComments(ISSUE_NUMBER);
    expect(own).toHaveLength(1);
    expect(parseSections(own[0]!.body).map((s) => s.id)).toEqual(["intake", "gates"]);
    await app.receive("issues", issuesEvent("opened", useCaseIssue(GOOD_BODY, ["use-case"])), "delivery-opened");
    await app.receive("issues", event, "delivery-label");
    expect(fake.ownComments(ISSUE_NUMBER)).toHaveLength(1);
  });

  it("runs no intake for other labels", async () => {
    const fake = github();
    plainIssue(fake).labels = ["plant/dresden"];
    await createTestApp().receive("issues", labelEvent("plant/dresden", "mara-schmidt", ["plant/dresden"]));
    expect(fake.calls.length).toBeGreaterThan(0); // the config was read, and nothing else
    expect(fake.calls.every((c) => c.includes("/contents/"))).toBe(true);
    expect(fake.ownComments(ISSUE_NUMBER)).toHaveLength(0);
  });
});

describe("stories: the exact requests", () => {
  beforeEach(setupNock);
  afterEach(teardownNock);

  it("reads once, marks the run, then creates and attaches each story by its numeric id, and records it", async () => {
    const path = `/repos/${OWNER}/${REPO}/issues`;
    const status = renderStatusBody([{ id: "intake", order: 10, body: "intake: accepted", state: { valid: true, links: [] } }]);
    const own = { id: 900, body: status, user: { login: BOT_LOGIN, type: "Bot" }, performed_via_github_app: { id: APP_IDENTITY.appId, slug: "converge" } };
    const scope = nock(API);
    mockConfig(scope, OWNER, REPO, null);
    scope.get(`${path}/${ISSUE_NUMBER}/comments`).query({ per_page: 100 }).reply(200, [own]);
    scope.get(`${path}/${ISSUE_NUMBER}`).reply(200, useCaseIssue(GOOD_BODY, BEFORE));
    scope.get(`${path}/${ISSUE_NUMBER}/sub_issues`).query({ per_page: 100 }).reply(200, []);
    const patches: string[] = [];
    scope.patch(`${path}/comments/900`, (b) => (patches.push(b.body), true)).times(2).reply(200, { id: 900 });
    const titles: string[] = [];
    CRITERIA.forEach((_, i) => {
      scope
        .post(path, (b) => (titles.push(b.title), b.labels.length === 1 && b.labels[0] === "user-story" && readStoryMarker(b.body) !== undefined))
        .reply(201, { id: 880_000 + i, number: 41 + i, node_id: `I_${41 + i}` });
      scope.post(`${path}/${ISSUE_NUMBER}/sub_issues`, { sub_issue_id: 880_000 + i }).reply(201, { id: 3100, number: ISSUE_NUMBER });
    });
    scope.post(`${path}/comments/7001/reactions`, { content: "+1" }).reply(201, { id: 1, content: "+1" });
    await createTestApp().receive("issue_comment", storiesComment("mara-schmidt"));

    expect(titles).toEqual(CRITERIA.map((c) => `[Story]: ${c}`));
    const [marked, done] = patches.map((b) => parseSections(b!));
    expect(marked?.find((s) => s.id === "intake")?.body).toBe("intake: accepted"); // other sections left alone
    expect((marked?.find((s) => s.id === "stories")?.state as { pending?: string }).pending).toBe("2026-11-25T10:00:00.000Z");
    const final = done?.find((s) => s.id === "stories");
    expect(final?.state).toEqual({
      v: 1,
      stories: CRITERIA.map((_, i) => ({ key: expect.stringMatching(/^[0-9a-f]{16}$/), number: 41 + i, id: 880_000 + i, attached: true })),
      commands: [7001],
    });
    expect(final?.body).toContain("- #41 Vibration data from all 12 spindles reaches the data platform every minute");
  });
});

describe("stories: an interrupted gate pass", () => {
  it("is finished by the redelivery of the label event, without a duplicate", async () => {
    const good = github({ feasibility: true });
    await createTestApp().receive("issues", labelEvent(FEAS, "ada", [...BEFORE, FEAS]));
    const at = good.calls.flatMap((c, i) => (c === `POST /repos/${OWNER}/${REPO}/issues` ? [i] : []))[1]!;

    const fake = github({ feasibility: true });
    fake.fault = { at, kind: "applied-then-502" };
    const app = createTestApp();
    await app.receive("issues", labelEvent(FEAS, "ada", [...BEFORE, FEAS]));
    expect(fake.issues.get(ISSUE_NUMBER)?.labels).toContain(FEAS); // the gate decision stands
    expect(fake.subIssues.get(ISSUE_NUMBER)).toHaveLength(1);
    fake.fault = undefined;
    await app.receive("issues", labelEvent(FEAS, "ada", [...BEFORE, FEAS]));
    expect(stories(fake).map((s) => s.title)).toEqual(CRITERIA.map((c) => `[Story]: ${c}`));
    expect(fake.subIssues.get(ISSUE_NUMBER)).toEqual(stories(fake).map((s) => s.number));
  });
});

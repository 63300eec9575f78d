import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fetchPortfolioSnapshot } from "../../src/github/snapshot/index.js";
import { generatePortfolio, serializeSnapshot } from "../../src/domain/snapshot/generate.js";
import { parseSnapshotText } from "../../src/domain/snapshot/load.js";
import { buildReport, renderJson, renderMarkdown } from "../../src/domain/report/index.js";
import { defaultConfig } from "../../src/config/schema.js";
import { useCaseBody, configFor, portfolioToOrg, githubView, APP_LOGIN } from "../helpers/portfolio-to-org.js";
import { FakeOrg, graphqlCost } from "../helpers/fake-org.js";
import { API, TestOctokit } from "../helpers/probot.js";
import { parse } from "graphql";
import { USE_CASES_QUERY } from "../../src/github/snapshot/queries.js";
import type { UseCase } from "../../src/domain/snapshot/schema.js";

function octokit() {
  return new TestOctokit({ auth: "test-token", retry: { enabled: false }, throttle: { enabled: false } });
}

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const ORG = "voltaic";

describe("snapshot fetch: the same portfolio from GitHub and from a file", () => {
  it("gives the report the file gives, with every GraphQL document valid against GitHub's schema", async () => {
    const file = generatePortfolio({ useCases: 24, seed: "fetch-equality", now: "2026-11-23" });
    const fake = portfolioToOrg(file, ORG);
    fake.serve(nock(API));
    const config = configFor(file);
    const now = new Date(file.generatedAt);

    const { snapshot, stats } = await fetchPortfolioSnapshot(octokit(), { org: ORG, config, now, appLogin: APP_LOGIN });
    expect(fake.errors).toEqual([]);
    expect(snapshot.completeness).toBeUndefined();

    // The file as written to disk and read back, restricted to what GitHub holds.
    const reread = parseSnapshotText(serializeSnapshot(githubView(file, ORG)));
    if (!reread.ok) throw new Error(reread.problems.join("\n"));
    const options = { now: "2026-11-23", config, seed: 7 };
    const fromGithub = buildReport(snapshot, options);
    const fromFile = buildReport(reread.snapshot, options);
    expect(renderJson(fromGithub)).toEqual(renderJson(fromFile));
    expect(renderMarkdown(fromGithub).parts).toEqual(renderMarkdown(fromFile).parts);
    expect(renderMarkdown(fromGithub).parts[0]).toContain("Converge weekly report: voltaic");

    // Same use cases, same stories, same gate history.
    expect(snapshot.useCases.map((u) => u.id)).toEqual(reread.snapshot.useCases.map((u) => u.id));
    expect(snapshot.useCases.map((u) => u.stories.length)).toEqual(reread.snapshot.useCases.map((u) => u.stories.length));
    expect(snapshot.useCases.map((u) => u.gates)).toEqual(reread.snapshot.useCases.map((u) => u.gates));
    expect(stats.points).toBe(fake.calls.reduce((s, c) => s + c.cost, 0));

    // Sprints: open stories still in an ended sprint are listed as carry-over, in the report too.
    const stale = snapshot.sprints?.carryOver.filter((c) => c.to === null) ?? [];
    expect(stale.length).toBeGreaterThan(0);
    const markdown = renderMarkdown(fromGithub).parts.join("\n");
    expect(markdown).toContain("## Sprint carry-over (");
    expect(markdown).toContain(`\`${stale[0]!.story}\``);
    expect(stats.requests).toBe(fake.calls.length);
  });
});

describe("snapshot fetch: incremental weekly refresh", () => {
  it("fetches only what changed and ends where a full fetch ends", async () => {
    const file = generatePortfolio({ useCases: 16, seed: "incremental", now: "2026-11-23" });
    const fake = portfolioToOrg(file, ORG);
    fake.serve(nock(API));
    const config = configFor(file);
    const lastWeek = await fetchPortfolioSnapshot(octokit(), { org: ORG, config, now: new Date("2026-11-23T06:00:00Z"), appLogin: APP_LOGIN });
    const fullCalls = fake.calls.length;

    // During the week: a story is closed, an initiative is renamed, a new use case is filed.
    const openStory = [...fake.issues.values()].find((i) => i.labels.includes("user-story") && i.state === "OPEN")!;
    Object.assign(openStory, { state: "CLOSED", stateReason: "COMPLETED", closedAt: "2026-11-26T10:00:00Z", updatedAt: "2026-11-26T10:00:00Z" });
    const initiative = [...fake.issues.values()].find((i) => i.labels.includes("initiative"))!;
    Object.assign(initiative, { title: "Renamed initiative", updatedAt: "2026-11-27T10:00:00Z" });
    const template = file.useCases[0]!;
    fake.add({ repo: template.repo, number: 900, title: "New use case", labels: ["use-case"], body: useCaseBody({ ...template, title: "New use case" }), createdAt: "2026-11-28T09:00:00Z", updatedAt: "2026-11-28T09:00:00Z" });

    const now = new Date("2026-11-30T06:00:00Z");
    fake.calls.length = 0;
    const refreshed = await fetchPortfolioSnapshot(octokit(), { org: ORG, config, now, previous: lastWeek.snapshot, appLogin: APP_LOGIN });
    const incrementalCalls = fake.calls.length;
    // Searches asked only for what was updated since last week's snapshot (less a 10-minute margin)…
    const searches = fake.calls.filter((c) => typeof c.variables.q === "string");
    expect(searches.filter((c) => /label:"(use-case|initiative|defect|user-story)"/.test(String(c.variables.q))).every((c) => String(c.variables.q).includes("updated:>=2026-11-23T05:50:00Z"))).toBe(true);
    // …and the one use case whose story closed was fetched again by id.
    expect(fake.calls.filter((c) => c.operation === "ConvergeSnapshotUseCaseNodes").map((c) => c.variables.ids)).toEqual([[openStory.parent]]);
    fake.calls.length = 0;
    const full = await fetchPortfolioSnapshot(octokit(), { org: ORG, config, now, appLogin: APP_LOGIN });

    expect(fake.errors).toEqual([]);
    expect(refreshed.snapshot.useCases).toEqual(full.snapshot.useCases);
    expect(refreshed.snapshot.initiatives).toEqual(full.snapshot.initiatives);
    expect(refreshed.snapshot.kpiInputs).toEqual(full.snapshot.kpiInputs);
    expect(refreshed.snapshot.useCases.some((u) => u.stories.some((s) => s.id === `${openStory.repo}#${openStory.number}` && s.closedAt === "2026-11-26T10:00:00Z"))).toBe(true);
    expect(refreshed.snapshot.useCases.some((u) => u.number === 900)).toBe(true);
    // Only the changed issues travelled: the refresh read fewer use cases than the full fetch.
    expect(incrementalCalls).toBe(fullCalls + 2); // + the changed-stories search and the one use case by id
    expect(refreshed.stats.requests).toBe(incrementalCalls);
  });
});

describe("snapshot fetch: more than 1,000 use cases", () => {
  function bigOrg(count: number, sameSecond = 0): FakeOrg {
    const fake = new FakeOrg("acme");
    fake.add({ repo: "acme/office", number: 1, title: "Scrap -15%", labels: ["initiative"], body: initiativeBody() });
    for (let i = 0; i < count; i++) {
      // Spread over a year, a few per day; `sameSecond` of them share one creation second.
      const created = i < sameSecond ? Date.UTC(2026, 0, 1, 9) : Date.UTC(2026, 0, 1, 9) + i * 3_600_000 * 7;
      const repo = `acme/plant-${i % 7}`;
      const u: UseCase = {
        id: `${repo}#${i + 10}`,
        repo,
        number: i + 10,
        title: `Use case ${i}`,
        url: "",
        state: "open",
        priority: 3,
        valueStream: "plan-to-produce",
        plants: ["dresden"],
        layers: [],
        squad: "line",
        deadline: "2027-06-30",
        filedAt: new Date(created).toISOString(),
        acceptanceCriteria: ["Works"],
        initiatives: ["acme/office#1"],
        stories: [],
        gates: [],
        deployments: [],
      };
      fake.add({ repo, number: i + 10, title: u.title, body: useCaseBody(u), labels: ["use-case"], createdAt: u.filedAt, updatedAt: u.filedAt });
    }
    for (let r = 0; r < 7; r++) fake.repos.set(`acme/plant-${r}`, { deployments: [], checkRuns: [] });
    return fake;
  }

  it("reads every use case past the search cap, within 1.1 × the request floor", async () => {
    const fake = bigOrg(2350);
    fake.serve(nock(API));
    const { snapshot, stats } = await fetchPortfolioSnapshot(octokit(), { org: "acme", config: defaultConfig(), now: new Date("2026-12-04T06:00:00Z") });
    expect(fake.errors).toEqual([]);
    expect(snapshot.useCases).toHaveLength(2350);
    expect(new Set(snapshot.useCases.map((u) => u.id)).size).toBe(2350);
    expect(snapshot.completeness).toBeUndefined();
    // Floor: ⌈2350/100⌉ use-case pages + 1 initiative page + 1 defect page + 1 repository batch = 27.
    const floor = Math.ceil(2350 / 100) + 1 + 1 + 1;
    expect(stats.floor).toBe(floor);
    expect(stats.requests).toBeLessThanOrEqual(Math.floor(1.1 * floor));
    // Every search query asked for at most 1,000 results' worth of pages.
    const searches = fake.calls.filter((c) => c.operation === "ConvergeSnapshotUseCases");
    expect(new Set(searches.map((c) => c.variables.q)).size).toBeGreaterThanOrEqual(3);
  });

  it("says in the snapshot what it could not read when over 1,000 issues share one creation second", async () => {
    const fake = bigOrg(1100, 1050);
    fake.serve(nock(API));
    const { snapshot } = await fetchPortfolioSnapshot(octokit(), { org: "acme", config: defaultConfig(), now: new Date("2026-12-04T06:00:00Z") });
    expect(snapshot.useCases.length).toBeLessThan(1100);
    expect(snapshot.completeness?.omitted.some((o) => /same second/.test(o.reason) && /50 could not be read/.test(o.reason))).toBe(true);
    // …and the report says so.
    const markdown = renderMarkdown(buildReport(snapshot, { now: "2026-12-04", config: defaultConfig(), seed: 1 })).parts.join("\n");
    expect(markdown).toContain("Incomplete portfolio: 1 item was left out of the snapshot fetched from GitHub.");
    expect(markdown).toMatch(/Left out: use cases: more than 1,000 issues were created in the same second/);
  });
});

describe("snapshot fetch: sprints from the program board's iteration field", () => {
  it("puts each story and use case in its iteration, and lists an open story left in an ended iteration as carry-over", async () => {
    const fake = new FakeOrg("acme");
    fake.add({ repo: "acme/office", number: 1, title: "Scrap -15%", labels: ["initiative"], body: initiativeBody() });
    const u = { title: "Vision QA", acceptanceCriteria: ["Finds defects", "Line speed"], valueStream: "plan-to-produce", plants: ["dresden"], initiatives: ["acme/office#1"], deadline: "2027-03-31", squad: "vision", productOwner: "mara" } as unknown as UseCase;
    const issue = fake.add({ repo: "acme/plant-iot", number: 31, title: "Vision QA", labels: ["use-case"], body: useCaseBody(u), createdAt: "2026-10-01T09:00:00Z" });
    const done = fake.add({ repo: "acme/plant-iot", number: 32, title: "Finds defects", labels: ["user-story"], createdAt: "2026-10-05T09:00:00Z", state: "CLOSED", stateReason: "COMPLETED", closedAt: "2026-11-10T09:00:00Z" });
    const open = fake.add({ repo: "acme/plant-iot", number: 33, title: "Line speed", labels: ["user-story"], createdAt: "2026-10-05T09:00:00Z" });
    fake.addSubIssue(issue, done);
    fake.addSubIssue(issue, open);
    fake.repos.set("acme/plant-iot", { deployments: [], checkRuns: [] });
    fake.boardNumber = 7;
    const s45 = { iterationId: "it45", title: "Sprint 45", startDate: "2026-11-02", duration: 14 };
    const s47 = { iterationId: "it47", title: "Sprint 47", startDate: "2026-11-16", duration: 14 };
    fake.board.set(issue.nodeId, s47);
    fake.board.set(done.nodeId, s45);
    fake.board.set(open.nodeId, s45);
    fake.serve(nock(API));
    const config = defaultConfig();
    config.board.project = 7; // sprints.source defaults to iteration, field "Sprint"
    const { snapshot, stats } = await fetchPortfolioSnapshot(octokit(), { org: "acme", config, now: new Date("2026-11-20T06:00:00Z") });

    expect(fake.errors).toEqual([]);
    const useCase = snapshot.useCases[0]!;
    expect(useCase.sprint).toBe("Sprint 47");
    expect(useCase.stories.map((s) => [s.id, s.sprint])).toEqual([["acme/plant-iot#32", "Sprint 45"], ["acme/plant-iot#33", "Sprint 45"]]);
    expect(snapshot.sprints).toEqual({
      source: "iteration",
      list: [{ title: "Sprint 45", start: "2026-11-02", end: "2026-11-15" }, { title: "Sprint 47", start: "2026-11-16", end: "2026-11-29" }],
      carryOver: [{ story: "acme/plant-iot#33", useCase: "acme/plant-iot#31", squad: "plant-iot", from: "Sprint 45", to: null }],
    });
    expect(fake.calls.filter((c) => c.operation === "ConvergeSnapshotBoardIterations").map((c) => c.variables)).toEqual([{ org: "acme", number: 7, field: "Sprint", after: null }]);
    expect(stats.floor).toBe(5); // use cases, initiatives, defects, repositories, one board page
  });
});

describe("rate-limit cost", () => {
  it("is computed by GitHub's formula: a page of 100 use cases with four nested connections costs 4 points", () => {
    expect(graphqlCost(parse(USE_CASES_QUERY))).toBe(4);
  });
});

function initiativeBody(): string {
  return [
    "### Outcome\n\nLess scrap",
    "### Initiative owner\n\n@olga",
    "### Value stream\n\nPlan to Produce",
    "### Planned yearly benefit\n\n1.2M EUR",
    "### Benefit measure\n\nScrap rate",
    "### Baseline\n\n2.4%",
    "### Target date\n\n2027-06-30",
  ].join("\n\n");
}

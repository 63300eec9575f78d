import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProbotOctokit } from "probot";
import type { Octokit } from "../../src/github/octokit.js";
import { syncBoard } from "../../src/github/board/index.js";
import { configSchema, type ConvergeConfig } from "../../src/config/schema.js";
import { generatePortfolio } from "../../src/domain/snapshot/generate.js";
import { buildReport } from "../../src/domain/report/index.js";
import type { PortfolioSnapshot } from "../../src/domain/snapshot/schema.js";
import { API, APP_IDENTITY, teardownNock } from "../helpers/probot.js";
import { FakeBoard } from "../helpers/fake-board.js";

const NOW = new Date("2026-11-25T10:00:00Z");
const ORG = "voltaic";
const INITIATIVE = "voltaic/transformation-office#4";

function octokit(): Octokit {
  return new ProbotOctokit({ auth: { token: "ghs_test" }, throttle: { enabled: false }, retry: { enabled: false } }) as Octokit;
}

/** Two open use cases enabling one initiative: small enough to count every write. */
function portfolio(): PortfolioSnapshot {
  const s = generatePortfolio({ useCases: 3, seed: "board", now: "2026-11-25" });
  const useCases = s.useCases.filter((u) => u.state === "open").map((u) => ({ ...u, initiatives: [INITIATIVE] }));
  return { ...s, useCases, initiatives: s.initiatives.filter((i) => i.id === INITIATIVE), kpiInputs: { ...s.kpiInputs, defects: [] } };
}

function config(extra: Record<string, unknown> = {}): ConvergeConfig {
  return configSchema.parse({ board: { project: 7 }, report: { rates: { USD: 0.9, MYR: 0.2 } }, ...extra });
}

function boardWithIssues(snapshot: PortfolioSnapshot): FakeBoard {
  const board = new FakeBoard();
  for (const key of [...snapshot.useCases.map((u) => u.id), ...snapshot.initiatives.map((i) => i.id)]) board.addIssue(key);
  return board;
}

beforeEach(() => {
  nock.disableNetConnect();
  nock.cleanAll();
});
afterEach(() => teardownNock());

describe("syncing the program board", () => {
  it("creates the missing owned fields, adds every use case and initiative, writes their values and the week's status update; a second run writes nothing", async () => {
    const snapshot = portfolio();
    const cfg = config();
    const report = buildReport(snapshot, { now: "2026-11-25", config: cfg, seed: 7 });
    const board = boardWithIssues(snapshot);
    const scope = nock(API);
    // read, create fields, look up issues, add items, write values, create status update
    board.serve(scope, 6);

    const first = await syncBoard(octokit(), { org: ORG, config: cfg, snapshot, report, now: NOW, identity: APP_IDENTITY });
    expect(first.status).toBe("synced");
    if (first.status !== "synced") return;
    expect(first.fieldsCreated).toEqual(["Gate", "Value stream", "Deadline", "Planned benefit", "Initiatives", "Forecast P85", "Risk", "Status since", "Status history"]);
    expect(first.itemsAdded).toBe(3);
    expect(first.statusUpdate).toBe("created");
    expect(first.requests).toBe(6);
    expect(scope.isDone()).toBe(true);

    // Every mutation of a kind travelled in one request (aliases), not one request each.
    const mutationRequests = board.calls.filter((c) => c.query.startsWith("mutation")).map((c) => /mutation (\w+)/.exec(c.query)![1]);
    expect(mutationRequests).toEqual(["ConvergeBoardCreateFields", "ConvergeBoardAddItems", "ConvergeBoardWriteValues", "ConvergeBoardCreateStatus"]);

    const [a, b] = snapshot.useCases;
    const rowA = report.useCases.find((r) => r.id === a!.id)!;
    const itemA = board.itemFor(a!.id)!;
    expect(board.value(itemA, "Value stream")).toBe(a!.valueStream);
    expect(board.value(itemA, "Deadline")).toBe(a!.deadline);
    expect(board.value(itemA, "Initiatives")).toBe(INITIATIVE);
    expect(board.value(itemA, "Forecast P85")).toBe(rowA.p85);
    expect(board.value(itemA, "Risk")).toBe({ on_track: "On track", at_risk: "At risk", off_track: "Off track", overdue: "Overdue" }[rowA.status as string]);
    expect(board.value(itemA, "Gate")).toBe(rowA.gate);
    expect(board.value(board.itemFor(b!.id)!, "Deadline")).toBe(b!.deadline);
    const initiative = board.itemFor(INITIATIVE)!;
    expect(board.value(initiative, "Planned benefit")).toBe(Math.round(snapshot.initiatives[0]!.plannedBenefit.amount * (snapshot.initiatives[0]!.plannedBenefit.currency === "EUR" ? 1 : snapshot.initiatives[0]!.plannedBenefit.currency === "USD" ? 0.9 : 0.2)));
    // The recorded fields belong to the webhook recorder: created, never filled by the sync.
    expect(board.value(itemA, "Status history")).toBeUndefined();

    const status = board.statusUpdates[0]!;
    expect(status.body).toContain("<!-- converge:board-status 2026-W48 -->");
    expect(status.status).toBe(report.headline.expectedMissShare! >= 0.25 ? "OFF_TRACK" : report.headline.expectedMissShare! >= 0.1 ? "AT_RISK" : "ON_TRACK");
    expect(status.startDate).toBe("2026-11-23");

    // Second run, nothing changed: one read, no mutation at all.
    const before = board.mutations.length;
    board.serve(scope, 1);
    const second = await syncBoard(octokit(), { org: ORG, config: cfg, snapshot, report, now: NOW, identity: APP_IDENTITY });
    expect(second).toMatchObject({ status: "synced", fieldsCreated: [], itemsAdded: 0, valuesWritten: 0, statusUpdate: "unchanged", requests: 1 });
    expect(board.mutations.length).toBe(before);
  });

  it("changes only what differs, never writes a field it does not own, and updates this week's status update in place", async () => {
    const snapshot = portfolio();
    const cfg = config();
    const report = buildReport(snapshot, { now: "2026-11-25", config: cfg, seed: 7 });
    const board = boardWithIssues(snapshot);
    board.serve(nock(API), 6);
    await syncBoard(octokit(), { org: ORG, config: cfg, snapshot, report, now: NOW, identity: APP_IDENTITY });

    // People use the board: their own field, and a value typed into Converge's field by hand.
    const [a] = snapshot.useCases;
    const item = board.itemFor(a!.id)!;
    board.fields.push({ id: "PVTF_priority", name: "Priority", dataType: "TEXT" });
    item.values.set("PVTF_priority", { text: "P1 (set by the squad)" });
    item.values.set(board.field("Value stream").id, { text: "typed by hand" });
    item.values.set(board.field("Status").id, { singleSelectOptionId: "st2" });
    // The deadline moved in the portfolio, and this week's forecast changed.
    const moved = { ...snapshot, useCases: snapshot.useCases.map((u, i) => (i === 0 ? { ...u, deadline: "2027-09-30" } : u)) };
    const report2 = { ...report, headline: { ...report.headline, expectedMissShare: 0.05 } };

    const before = board.mutations.length;
    board.serve(nock(API), 3); // read, one batch of value writes, status update
    const result = await syncBoard(octokit(), { org: ORG, config: cfg, snapshot: moved, report: report2, now: NOW, identity: APP_IDENTITY });
    expect(result).toMatchObject({ status: "synced", valuesWritten: 2, statusUpdate: "updated", requests: 3 });
    expect(board.mutations.slice(before)).toEqual(["updateProjectV2ItemFieldValue", "updateProjectV2ItemFieldValue", "updateProjectV2StatusUpdate"]);
    expect(board.value(item, "Deadline")).toBe("2027-09-30");
    expect(board.value(item, "Value stream")).toBe(a!.valueStream);
    expect(board.value(item, "Priority")).toBe("P1 (set by the squad)");
    expect(board.value(item, "Status")).toBe("In progress");
    expect(board.statusUpdates).toHaveLength(1);
    expect(board.statusUpdates[0]!.status).toBe("ON_TRACK");
  });

  it("leaves a same-named field of another type alone and says so; a status update someone else wrote with the marker is not Converge's", async () => {
    const snapshot = portfolio();
    const cfg = config();
    const report = buildReport(snapshot, { now: "2026-11-25", config: cfg, seed: 7 });
    const board = boardWithIssues(snapshot);
    board.fields.push({ id: "PVTF_deadline", name: "Deadline", dataType: "TEXT" });
    board.statusUpdates.push({ id: "PVTSU_h", body: "<!-- converge:board-status 2026-W48 -->\nall fine", status: "ON_TRACK", startDate: null, creator: { __typename: "User", login: "mallory" } });
    board.serve(nock(API), 6);
    const result = await syncBoard(octokit(), { org: ORG, config: cfg, snapshot, report, now: NOW, identity: APP_IDENTITY });
    expect(result.status).toBe("synced");
    if (result.status !== "synced") return;
    expect(result.fieldsCreated).not.toContain("Deadline");
    expect(result.notices.join("\n")).toMatch(/"Deadline" is a text field, not date: Converge leaves it alone/);
    expect(board.fields.filter((f) => f.name === "Deadline")).toHaveLength(1);
    expect(board.items.every((i) => !i.values.has("PVTF_deadline"))).toBe(true);
    expect(result.statusUpdate).toBe("created");
    expect(board.statusUpdates.find((s) => s.id === "PVTSU_h")!.body).toContain("all fine");
  });

  it("explains a missing Projects permission in one actionable message instead of failing", async () => {
    const board = new FakeBoard();
    board.forbidden = true;
    board.serve(nock(API), 1);
    const result = await syncBoard(octokit(), { org: ORG, config: config(), snapshot: portfolio(), now: NOW });
    expect(result.status).toBe("forbidden");
    if (result.status !== "forbidden") return;
    expect(result.message).toContain('"Projects: Read and write"');
    expect(result.message).toContain("Resource not accessible by integration");
    expect(result.message).toContain(ORG);
  });

  it("a board number the organization does not have is a clear config message; no board configured does nothing", async () => {
    const board = new FakeBoard();
    board.number = 8;
    board.serve(nock(API), 1);
    const result = await syncBoard(octokit(), { org: ORG, config: config(), snapshot: portfolio(), now: NOW });
    expect(result.status).toBe("not-found");
    expect((result as { message: string }).message).toMatch(/board\.project/);
    // No interceptor registered: a request would fail the test.
    expect(await syncBoard(octokit(), { org: ORG, config: configSchema.parse({}), snapshot: portfolio(), now: NOW })).toMatchObject({ status: "disabled" });
  });

  it("a write GitHub applied but answered 502 for fails the run; the next run completes it with no duplicate field, item or status update", async () => {
    const snapshot = portfolio();
    const cfg = config();
    const report = buildReport(snapshot, { now: "2026-11-25", config: cfg, seed: 7 });
    // Each step of the first sync in turn is applied by GitHub and then answered with a 502.
    for (let failing = 1; failing <= 5; failing++) {
      const board = boardWithIssues(snapshot);
      const scope = nock(API);
      board.serve(scope, failing);
      board.serveAppliedThen502(scope);
      await expect(syncBoard(octokit(), { org: ORG, config: cfg, snapshot, report, now: NOW, identity: APP_IDENTITY })).rejects.toThrow();
      nock.cleanAll();
      board.serve(nock(API).persist(), 1);
      const retry = await syncBoard(octokit(), { org: ORG, config: cfg, snapshot, report, now: NOW, identity: APP_IDENTITY });
      nock.cleanAll();
      expect(retry.status, `step ${failing}`).toBe("synced");
      const names = board.fields.map((f) => f.name);
      expect(new Set(names).size, `step ${failing}: fields ${names.join(", ")}`).toBe(names.length);
      expect(board.items).toHaveLength(3);
      expect(board.statusUpdates).toHaveLength(1);
      // Converged: one more run writes nothing.
      const before = board.mutations.length;
      board.serve(nock(API), 1);
      expect(await syncBoard(octokit(), { org: ORG, config: cfg, snapshot, report, now: NOW, identity: APP_IDENTITY })).toMatchObject({ valuesWritten: 0, statusUpdate: "unchanged" });
      expect(board.mutations.length).toBe(before);
    }
  });

  it("reads every page of a board with more than 100 items before deciding what to add", async () => {
    const snapshot = portfolio();
    const cfg = config();
    const board = boardWithIssues(snapshot);
    for (let i = 1; i <= 130; i++) board.putItem(`voltaic/other#${i}`);
    // The portfolio's issues sit on the second page: found there, so not added again.
    for (const key of [...snapshot.useCases.map((u) => u.id), ...snapshot.initiatives.map((x) => x.id)]) board.putItem(key);
    board.serve(nock(API), 4); // two pages, create fields, write values
    const result = await syncBoard(octokit(), { org: ORG, config: cfg, snapshot, now: NOW });
    expect(result).toMatchObject({ status: "synced", itemsAdded: 0, requests: 4 });
    expect(board.calls[1]!.variables).toMatchObject({ cursor: "100", first: false });
    expect(board.items).toHaveLength(133);
  });

  it("an issue GitHub cannot find is reported, and the others are still added", async () => {
    const snapshot = portfolio();
    const board = boardWithIssues(snapshot);
    board.issues.delete(INITIATIVE);
    board.serve(nock(API), 5); // read, fields, lookup (partial), add, values; no report: no status update
    const result = await syncBoard(octokit(), { org: ORG, config: config(), snapshot, now: NOW });
    expect(result).toMatchObject({ status: "synced", itemsAdded: 2, statusUpdate: "skipped" });
    expect((result as { notices: string[] }).notices.join("\n")).toContain(`${INITIATIVE} could not be added`);
  });
});

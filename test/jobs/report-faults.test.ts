/**
 * Fault injection for the report pipeline (issue 14; ADR 0150): the weekly report job fetches the org-wide snapshot
 * (GraphQL search pages, repository batches, follow-ups), builds the report, posts it as this ISO week's issue in the
 * office repository (find by marker, create or update, read back, close last week's) and syncs the program board.
 * A good run against a stateful fake GitHub (the office's issues over REST, the org's issues through graphql-js
 * against GitHub's schema, the program board) records every call; then, for every call k and every fault (500, 502,
 * a 403 secondary rate limit with retry-after, a timeout, a malformed body, and "applied then 502"), the job runs
 * again from the same start with the fault at call k, through Probot's Octokit with retries and throttling on as in
 * production (only the waits shortened). After the faulty run: it completed, or failed with a message naming what
 * failed; there is never more than one report for a week, no report whose body differs from what was rendered, no
 * duplicated part, and last week's is closed only once this week's is complete. A second run then leaves GitHub
 * exactly as the good run did.
 */
import Bottleneck from "bottleneck";
import nock from "nock";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ProbotOctokit } from "probot";
import type { Octokit } from "../../src/github/octokit.js";
import { runReportJob, type ReportJobResult } from "../../src/jobs/report-job.js";
import { fetchPortfolioSnapshot } from "../../src/github/snapshot/index.js";
import { generatePortfolio } from "../../src/domain/snapshot/generate.js";
import { partMarker, reportMarker, reportWeekOf } from "../../src/domain/delivery/markers.js";
import { APP_IDENTITY, BOT_LOGIN } from "../helpers/probot.js";
import { FAULT_KINDS, FakeGitHub, type FakeIssue, type FaultKind } from "../helpers/fake-github.js";
import { FakeBoard } from "../helpers/fake-board.js";
import { assertValidGithubQuery } from "../helpers/graphql-schema.js";
import { APP_LOGIN, configFor, portfolioToOrg } from "../helpers/portfolio-to-org.js";

const ORG = "voltaic";
const OFFICE = "office";
const LAST_WEEK = new Date("2026-11-23T08:00:00Z"); // Monday of 2026-W48
const NOW = new Date("2026-11-30T08:00:00Z"); // Monday of 2026-W49
const FILE = generatePortfolio({ useCases: 3, seed: "report-faults", now: "2026-11-23" });
const CONFIG = (() => {
  const config = configFor(FILE);
  config.delivery = { ...config.delivery, repository: OFFICE };
  config.board = { ...config.board, project: 7 };
  // One squad: each squad label is one more search of the same kind, and the matrix runs once per call.
  config.squads = config.squads.slice(0, 1);
  return config;
})();

// Production's pacing queues, without the pacing: the plugin's module-level groups wait 1 s between writes.
const groups = {
  global: new Bottleneck.Group({ maxConcurrent: 10 }),
  auth: new Bottleneck.Group({ maxConcurrent: 1 }),
  search: new Bottleneck.Group({ maxConcurrent: 1 }),
  write: new Bottleneck.Group({ maxConcurrent: 1 }),
  notifications: new Bottleneck.Group({ maxConcurrent: 1 }),
};
/** Probot's Octokit as in production (retry and throttling plugins on), every wait 1 ms instead of 1 s. */
const ProductionOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: true, retryAfterBaseValue: 1 },
  throttle: { ...(options.throttle as object), enabled: true, retryAfterBaseValue: 1, ...groups },
}));
/**
 * The throttling plugin acts only on 403/429 rate limits (it re-queues nothing else), but its queues cost ~40 ms a
 * call here; so the rate-limit faults run through ProductionOctokit and the others with throttling off, same retries.
 */
const RetryingOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({ ...options, retry: { enabled: true, retryAfterBaseValue: 1 }, throttle: { enabled: false } }));

interface World {
  office: FakeGitHub;
  board: FakeBoard;
  /** "VERB /path" or "POST /graphql <operation>", one per call the job made. */
  calls: string[];
}

/** Last week's report as the good W48 run left it (set in beforeAll). */
let lastWeek: FakeIssue[] = [];

/** Where the week's run starts from. */
interface Scenario {
  name: string;
  /** Office issues before the run (last week's report is added first). */
  seed(office: FakeGitHub): void;
  /** The good run's outcome. */
  result: Record<string, unknown>;
  /** Calls the good run must make (besides the snapshot's and the board's). */
  calls: string[];
  /** Inject faults only at these calls (default all): the snapshot's and the board's are the same in every scenario. */
  faultsAt?: RegExp;
}

const bot = { login: BOT_LOGIN, type: "Bot" };
const viaApp = { id: APP_IDENTITY.appId ?? 0, slug: APP_IDENTITY.slug ?? "converge" };

const SCENARIOS: Scenario[] = [
  {
    name: "week rollover: this week's report is created, last week's closed",
    seed: () => undefined,
    result: { action: "created", closedPrevious: { week: "2026-W48" } },
    calls: ["POST /repos/voltaic/office/issues", "GET /repos/voltaic/office/issues/2", "PATCH /repos/voltaic/office/issues/1"],
  },
  {
    name: "re-run of the week: a stale report is edited, a part that no longer exists deleted",
    seed(office) {
      office.issues.get(1)!.state = "closed"; // the earlier run of this week closed it
      office.addIssue({
        number: 2,
        title: "Converge weekly report 2026-W49",
        body: `${reportMarker("2026-W49")}\n# Converge weekly report: an earlier run\n`,
        labels: ["converge-report"],
        user: bot,
        performed_via_github_app: viaApp,
        comments: [{ id: 7001, body: `${partMarker("2026-W49", 2)}\nstale part 2`, user: bot, performed_via_github_app: viaApp, created_at: "2026-11-30T06:00:00Z" }],
      });
    },
    result: { action: "updated" },
    faultsAt: /\/office\//,
    calls: ["PATCH /repos/voltaic/office/issues/2", "DELETE /repos/voltaic/office/issues/comments/7001", "GET /repos/voltaic/office/issues/2"],
  },
];

function world(scenario: Scenario = SCENARIOS[0]!): World {
  nock.cleanAll();
  const org = portfolioToOrg(FILE, ORG);
  const board = new FakeBoard();
  for (const key of [...FILE.useCases.map((u) => u.id), ...FILE.initiatives.map((i) => i.id)]) board.addIssue(key);
  const office = new FakeGitHub(ORG, OFFICE);
  office.now = NOW.toISOString();
  for (const issue of lastWeek) office.addIssue(structuredClone(issue));
  scenario.seed(office);
  const calls: string[] = [];
  office.graphqlServer = async ({ query, variables = {} }) => {
    const operation = /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "";
    office.calls[office.calls.length - 1] += ` ${operation}`; // this call's entry, pushed just before
    if (operation.startsWith("ConvergeBoard")) {
      assertValidGithubQuery(query);
      return [200, board.respond({ query, variables })];
    }
    if (!operation.startsWith("ConvergeSnapshot")) throw new Error(`unexpected GraphQL operation ${operation}`);
    const answer = await org.answer(query, variables);
    if (org.errors.length > 0) throw new Error(`the fake org refused ${operation}: ${org.errors.join("; ")}`);
    return [200, answer];
  };
  office.install();
  return { office, board, calls };
}

async function runJob(w: World, now: Date, fault?: { at: number; kind: FaultKind }): Promise<{ result?: ReportJobResult; error?: Error; warnings: string[] }> {
  w.office.fault = fault;
  const warnings: string[] = [];
  const Client = fault?.kind === "secondary-rate-limit" ? ProductionOctokit : RetryingOctokit;
  const octokit = new Client({ auth: { token: "ghs_test" }, log: { debug() {}, info() {}, warn() {}, error() {} } }) as Octokit;
  const before = w.office.calls.length;
  try {
    const result = await runReportJob(
      { octokit, org: ORG, config: CONFIG },
      {
        identity: async () => APP_IDENTITY,
        snapshotSource: (o, options) => fetchPortfolioSnapshot(o, { ...options, appLogin: APP_LOGIN }),
        now: () => now,
        log: { info: () => undefined, warn: (_obj, msg) => void warnings.push(msg) },
        retry: { sleep: async () => undefined },
      },
    );
    return { result, warnings };
  } catch (error) {
    return { error: error as Error, warnings };
  } finally {
    w.calls.push(...w.office.calls.slice(before));
  }
}

/** What a run leaves on GitHub: the office's issues with Converge's comments, and the board's fields, items and status. */
function outcome(w: World) {
  return {
    office: [...w.office.issues.values()]
      .sort((a, b) => a.number - b.number)
      .map((i) => ({ number: i.number, title: i.title, state: i.state, labels: [...i.labels].sort(), body: i.body, comments: w.office.ownComments(i.number).map((c) => c.body) })),
    board: {
      fields: w.board.fields.map((f) => `${f.name}:${f.dataType}:${(f.options ?? []).map((o) => o.name).join("|")}`),
      items: w.board.items
        .map((item) => ({ content: item.content.id, values: Object.fromEntries([...item.values].map(([id, v]) => [w.board.fields.find((f) => f.id === id)?.name ?? id, optionName(w.board, id, v)])) }))
        .sort((a, b) => a.content.localeCompare(b.content)),
      statusUpdates: w.board.statusUpdates.map((s) => ({ body: s.body, status: s.status, startDate: s.startDate })),
    },
  };
}

function optionName(board: FakeBoard, fieldId: string, value: unknown): unknown {
  const option = (value as { singleSelectOptionId?: string }).singleSelectOptionId;
  return option ? board.fields.find((f) => f.id === fieldId)?.options?.find((o) => o.id === option)?.name : value;
}

type Outcome = ReturnType<typeof outcome>;

const TRANSIENT: FaultKind[] = ["500", "502", "timeout", "secondary-rate-limit"];
/** Creates sent once (`request.retries: 0`, ADR 0150): a retry could repeat a create GitHub had applied. */
const SENT_ONCE = /^POST \/repos\/voltaic\/office\/issues(\/\d+\/comments)?$|^POST \/graphql ConvergeBoard(CreateFields|CreateStatus)$/;

/** The invariants that hold after any run, failed or not (`start`: GitHub before it; `failed`: the run failed). */
function problems(after: Outcome, good: Outcome, start: Outcome, failed: boolean): string[] {
  const found: string[] = [];
  const reports = after.office.filter((i) => reportWeekOf(i.body) !== undefined);
  const thisWeek = reports.filter((i) => reportWeekOf(i.body) === "2026-W49");
  const goodThisWeek = good.office.find((i) => reportWeekOf(i.body) === "2026-W49")!;
  if (thisWeek.length > 1) found.push(`${thisWeek.length} reports for 2026-W49`);
  const report = thisWeek[0];
  const startBody = start.office.find((i) => reportWeekOf(i.body) === "2026-W49")?.body;
  if (report && report.body !== goodThisWeek.body && report.body !== startBody) found.push(`the 2026-W49 report body is neither what was rendered nor what it was (${report.body.length} of ${goodThisWeek.body.length} characters)`);
  // A run that failed between the body and the parts may leave a stale part for the next run to delete (the failure
  // says so); a run that completed may not.
  if (report && !failed && report.comments.length !== goodThisWeek.comments.length) found.push(`the 2026-W49 report has ${report.comments.length} part comments, ${goodThisWeek.comments.length} written`);
  if (report && report.comments.length > Math.max(goodThisWeek.comments.length, start.office.find((i) => i.number === report.number)?.comments.length ?? 0)) found.push(`the 2026-W49 report has ${report.comments.length} part comments: a part was duplicated`);
  const complete = report !== undefined && JSON.stringify(report) === JSON.stringify({ ...goodThisWeek, number: report.number });
  const open = (o: Outcome) => o.office.some((i) => reportWeekOf(i.body) === "2026-W48" && i.state === "open");
  if (open(start) && !open(after) && !complete) found.push("last week's report was closed while this week's is missing or incomplete");
  const fields = after.board.fields.map((f) => f.split(":")[0]);
  if (new Set(fields).size !== fields.length) found.push(`duplicated board fields: ${fields.join(", ")}`);
  if (after.board.statusUpdates.length > good.board.statusUpdates.length) found.push(`${after.board.statusUpdates.length} board status updates, the good run writes ${good.board.statusUpdates.length}`);
  return found;
}

/** A failure message says what failed (GitHub's status, the request, a malformed answer), never only a TypeError. */
function unclear(error: Error): boolean {
  if (error instanceof TypeError || error instanceof SyntaxError) return true;
  return !/\b(5\d\d|403|rate limit|Server Error|Bad Gateway|timed out|socket|GitHub|malformed)\b/i.test(error.message);
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

beforeAll(async () => {
  nock.disableNetConnect();
  const seed = world();
  const first = await runJob(seed, LAST_WEEK);
  if (first.error) throw first.error;
  lastWeek = [...seed.office.issues.values()];
});

describe.each(SCENARIOS)("fault injection, the weekly report job: $name", (scenario) => {
  it("every call × every fault: succeeds after retries or fails clearly, never half-writes or duplicates, and the next run completes the work", async () => {
    const start = outcome(world(scenario));
    const goodWorld = world(scenario);
    const good = await runJob(goodWorld, NOW);
    expect(good.error).toBeUndefined();
    expect(good.warnings).toEqual([]);
    expect(good.result).toMatchObject({ week: "2026-W49", ...scenario.result, board: { status: "synced" } });
    if (!("closedPrevious" in scenario.result)) expect(good.result?.closedPrevious).toBeUndefined();
    const expected = outcome(goodWorld);
    expect(problems(expected, expected, start, false)).toEqual([]);
    const calls = [...goodWorld.calls]; // the good run's calls (the second run below appends its own)
    // The whole pipeline: lookups, the snapshot's searches and repo batch, the writes, read-back, and the board.
    expect(calls).toEqual(
      expect.arrayContaining([
        "GET /repos/voltaic/office/issues",
        "POST /graphql ConvergeSnapshotUseCases",
        "POST /graphql ConvergeSnapshotRepos",
        ...scenario.calls,
        "POST /graphql ConvergeBoardWriteValues",
      ]),
    );

    // A second run of the same week (a retried or duplicated job) changes nothing.
    const again = await runJob(goodWorld, NOW);
    expect(again.error).toBeUndefined();
    expect(outcome(goodWorld)).toEqual(expected);

    const failures: string[] = [];
    const tally: Record<string, Record<string, number>> = {};
    for (let k = 0; k < calls.length; k++) {
      if (scenario.faultsAt && !scenario.faultsAt.test(calls[k]!)) continue;
      // "Applied then 502" is a write GitHub performed; on a read it is the same as a 502.
      const kinds = /^(GET|POST \/graphql ConvergeSnapshot|POST \/graphql ConvergeBoard(Content|Item)?$)/.test(calls[k]!) ? FAULT_KINDS.filter((f) => f !== "applied-then-502") : FAULT_KINDS;
      for (const kind of kinds) {
        const w = world(scenario);
        const faulty = await runJob(w, NOW, { at: k, kind });
        const where = `${kind} at call ${k} (${calls[k]})`;
        if (faulty.error && unclear(faulty.error)) failures.push(`${where}: unclear error ${faulty.error.name}: ${faulty.error.message.slice(0, 200)}`);
        // Transient faults are retried within the run (retry plugin: 5xx and timeouts; throttling: the secondary limit),
        // except at the creates that are sent once; there the run fails (or the board sync does) and the next completes.
        if (TRANSIENT.includes(kind) && !SENT_ONCE.test(calls[k]!) && (faulty.error || faulty.result?.board?.status === "failed")) {
          failures.push(`${where}: a transient fault was not retried: ${faulty.error?.message ?? JSON.stringify(faulty.result?.board)}`.slice(0, 300));
        }
        const end = faulty.error ? "job failed" : faulty.result?.board?.status === "failed" ? "board sync failed" : "completed";
        (tally[kind] ??= {})[end] = (tally[kind][end] ?? 0) + 1;
        for (const p of problems(outcome(w), expected, start, faulty.error !== undefined)) failures.push(`${where}, after the faulty run: ${p}`);
        // A run that completed after retries, leaving what the good run leaves, has nothing left for a next run to do
        // (and a second run of a completed week is checked above).
        if (!faulty.error && JSON.stringify(outcome(w)) === JSON.stringify(expected)) continue;
        const next = await runJob(w, NOW);
        if (next.error) failures.push(`${where}: the next run failed too: ${next.error.message.slice(0, 200)}`);
        const after = outcome(w);
        for (const p of problems(after, expected, start, next.error !== undefined)) failures.push(`${where}, after the next run: ${p}`);
        if (JSON.stringify(after) !== JSON.stringify(expected)) failures.push(`${where}: after the next run GitHub differs from the good run: ${firstDifference(after, expected)}`);
      }
    }
    if (process.env.FAULT_DEBUG) console.log(calls.length, "calls", JSON.stringify(tally));
    expect(failures).toEqual([]);
  }, 300_000);
});

function firstDifference(a: unknown, b: unknown, path = ""): string {
  if (JSON.stringify(a) === JSON.stringify(b)) return "";
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      if (d) return d;
    }
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 160)} vs ${JSON.stringify(b)?.slice(0, 160)}`;
}


import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProbotOctokit } from "probot";
import type { Octokit } from "../../src/github/octokit.js";
import { runReportJob, type SnapshotSource } from "../../src/jobs/report-job.js";
import { validateConfig } from "../../src/config/validate.js";
import { fetchPortfolioSnapshot } from "../../src/github/snapshot/index.js";
import { API, APP_IDENTITY, BOT_LOGIN, mockGraphql, teardownNock } from "../helpers/probot.js";
import { oneCycleSample } from "../helpers/sample.js";

const octokit = () => new ProbotOctokit({ auth: { token: "ghs_test" }, throttle: { enabled: false }, retry: { enabled: false } }) as Octokit;
const log = { info: vi.fn(), warn: vi.fn() };
const sample = oneCycleSample();

function config(delivery: Record<string, unknown>) {
  const result = validateConfig({ delivery });
  if (!result.ok) throw new Error(result.problems.join("\n"));
  return result.config;
}

beforeEach(() => {
  nock.disableNetConnect();
  nock.cleanAll();
});
afterEach(() => teardownNock());

/**
 * The office repository has no report issue yet: Converge lists its issues, creates issue `number`, reads it back
 * and lists its (no) comments. `posted()` is the body it created.
 */
function mockNewReportIssue(number: number): { scope: nock.Scope; posted: () => string } {
  let posted = "";
  const url = `https://github.com/acme/office/issues/${number}`;
  const scope = nock(API)
    .get("/repos/acme/office/issues")
    .query(true)
    .reply(200, [])
    .post("/repos/acme/office/issues")
    .reply(201, (_uri, b) => {
      posted = (b as { body: string }).body;
      return { number, html_url: url, state: "open", body: posted, user: { login: BOT_LOGIN, type: "Bot" } };
    })
    .get(`/repos/acme/office/issues/${number}`)
    .reply(200, () => ({ number, html_url: url, state: "open", body: posted }))
    .get(`/repos/acme/office/issues/${number}/comments`)
    .query(true)
    .reply(200, []);
  return { scope, posted: () => posted };
}

describe("the weekly report job", () => {
  it("builds the report from the injected snapshot and posts it as the office's ISO-week issue", async () => {
    const source = vi.fn<SnapshotSource>(async () => ({ snapshot: sample, stats: { requests: 3, points: 3, remaining: 4997 } }));
    const { scope, posted } = mockNewReportIssue(7);
    const now = new Date("2026-11-29T23:30:00Z"); // Monday 00:30 in Berlin: week 49 there
    const result = await runReportJob(
      { octokit: octokit(), org: "acme", config: config({ repository: "office", schedule: { timeZone: "Europe/Berlin" } }) },
      { identity: async () => APP_IDENTITY, snapshotSource: source, now: () => now, log },
    );
    expect(result).toMatchObject({ week: "2026-W49", action: "created", parts: 1 });
    expect(source).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ org: "acme", now }));
    expect(posted().startsWith("<!-- converge:weekly-report week=2026-W49 -->\n# Converge weekly report: Voltaic Electronics")).toBe(true);
    expect(posted().length).toBeLessThanOrEqual(60_000);
    expect(scope.isDone()).toBe(true);
  });

  it("syncs the program board after posting; a missing Projects permission is one warning, and the report still counts as posted", async () => {
    const source: SnapshotSource = async () => ({ snapshot: sample, stats: { requests: 3, points: 3, remaining: 4997 } });
    const { scope } = mockNewReportIssue(8);
    mockGraphql(scope, () => ({ data: null, errors: [{ type: "FORBIDDEN", path: ["organization", "projectV2"], message: "Resource not accessible by integration" }] }));
    const warn = vi.fn();
    const cfg = validateConfig({ delivery: { repository: "office" }, board: { project: 7 } });
    if (!cfg.ok) throw new Error(cfg.problems.join("\n"));
    const result = await runReportJob(
      { octokit: octokit(), org: "acme", config: cfg.config },
      { identity: async () => APP_IDENTITY, snapshotSource: source, now: () => new Date("2026-11-25T10:00:00Z"), log: { info: vi.fn(), warn } },
    );
    expect(result.action).toBe("created");
    expect(result.board?.status).toBe("forbidden");
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![1])).toContain('"Projects: Read and write"');
    expect(scope.isDone()).toBe(true);
  });

  it("without delivery.repository it says what to configure and calls GitHub not at all", async () => {
    await expect(
      runReportJob({ octokit: octokit(), org: "acme", config: config({}) }, { identity: async () => APP_IDENTITY, snapshotSource: fetchPortfolioSnapshot, now: () => new Date(), log }),
    ).rejects.toThrow(/set delivery.repository .* in acme\/.github\/.github\/converge.yml/);
  });
});

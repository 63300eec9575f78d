import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Octokit } from "../../src/github/octokit.js";
import { sweepInstallation } from "../../src/github/sweep.js";
import { STATUS_MARKER } from "../../src/domain/status/markers.js";
import { FakeGitHub } from "../helpers/fake-github.js";
import { APP_IDENTITY, TestOctokit } from "../helpers/probot.js";
import { FLAWED_BODY, GOOD_BODY, ISSUE_NUMBER, OWNER, REPO } from "../fixtures/use-cases.js";

/**
 * The reconciliation sweep (issue 12) repairs what a lost webhook missed: a use case whose `opened` event never
 * arrived gets its intake verdict and status comment; one already in step is read and not written; use cases not
 * changed since the last sweep are not even read. GitHub is the stateful fake at the HTTP boundary.
 */

const log = { info: () => {}, warn: () => {} };
const deps = { identity: async () => APP_IDENTITY, now: () => new Date("2026-11-25T03:00:00Z"), log };
const SINCE = "2026-11-24T01:00:00Z";
let github: FakeGitHub;
const octokit = () => new TestOctokit({ auth: { token: github.token } }) as unknown as Octokit;

beforeEach(() => {
  nock.disableNetConnect();
  nock.cleanAll();
  github = new FakeGitHub(OWNER, REPO);
  github.install();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("the reconciliation sweep", () => {
  it("validates a use case whose webhook was lost, and a second sweep writes nothing", async () => {
    github.addIssue({ number: ISSUE_NUMBER, body: GOOD_BODY, labels: ["use-case"], title: "[Use case]: spindles", updated_at: "2026-11-24T10:00:00Z" });
    github.addIssue({ number: 12, body: "initiative", labels: ["initiative"], title: "Cut unplanned downtime 30%" });
    github.addIssue({ number: 40, body: FLAWED_BODY, labels: ["use-case"], title: "[Use case]: old", updated_at: "2026-11-01T10:00:00Z" });

    const first = await sweepInstallation(octokit(), OWNER, SINCE, deps);
    expect(first).toEqual({ repositories: 1, checked: 1, failed: 0 });
    const status = github.ownComments(ISSUE_NUMBER).filter((c) => c.body.startsWith(STATUS_MARKER));
    expect(status).toHaveLength(1);
    expect(status[0]!.body).toContain("Intake");
    expect(github.ownComments(40)).toEqual([]); // not changed since the last sweep: untouched
    expect(github.calls).not.toContain(`GET /repos/${OWNER}/${REPO}/issues/40`);

    const writes = (calls: string[]) => calls.filter((c) => !c.startsWith("GET") && !c.startsWith("POST /graphql"));
    const before = github.calls.length;
    const second = await sweepInstallation(octokit(), OWNER, SINCE, deps);
    expect(second.checked).toBe(1);
    expect(writes(github.calls.slice(before))).toEqual([]);
    expect(github.ownComments(ISSUE_NUMBER).filter((c) => c.body.startsWith(STATUS_MARKER))).toHaveLength(1);
  });

  it("a failing use case is counted and the sweep goes on", async () => {
    github.addIssue({ number: ISSUE_NUMBER, body: GOOD_BODY, labels: ["use-case"], updated_at: "2026-11-24T10:00:00Z" });
    github.addIssue({ number: 12, body: "initiative", labels: ["initiative"], title: "Cut unplanned downtime 30%" });
    github.addIssue({ number: 41, body: FLAWED_BODY, labels: ["use-case"], updated_at: "2026-11-24T11:00:00Z" });
    github.fault = { at: 4, kind: "500" }; // installation repos, config (repo, org .github), issue list, then a live issue
    const result = await sweepInstallation(octokit(), OWNER, SINCE, deps);
    expect(result).toEqual({ repositories: 1, checked: 1, failed: 1 });
    expect(github.ownComments(ISSUE_NUMBER).length + github.ownComments(41).length).toBeGreaterThan(0);
  });
});

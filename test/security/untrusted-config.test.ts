/**
 * Config from forks or untrusted branches is never loaded. Converge reads `.github/converge.yml` with Probot's
 * context.config, which asks for the file on the DEFAULT branch (no `ref`) of the base repository. A pull request
 * from a fork that rewrites the config (here: gates disabled, so the merge check would pass) changes nothing: the
 * check still fails on the use case's missing gate. A push of a config to a feature branch is only validated (a check
 * run on that commit); the app keeps running on the default branch's file.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import { createTestApp, examplePayload } from "../helpers/probot.js";
import { FakeGitHub } from "../helpers/fake-github.js";
import { GOOD_BODY, ISSUE_NUMBER, OWNER, REPO, issuesEvent, useCaseIssue } from "../fixtures/use-cases.js";
import { CHECK_NAME } from "../../src/domain/gates/check.js";
import { CONFIG_CHECK_NAME } from "../../src/handlers/config-check.js";

const HEAD_SHA = "feedfacefeedfacefeedfacefeedfacefeedface";
const FORK_CONFIG = "gates:\n  enabled: false\n";
const DEFAULT_CONFIG = "gates:\n  requiredBeforeMerge: architecture\n";
const CONFIG_READ = `GET /repos/${OWNER}/${REPO}/contents/.github/converge.yml`;

let github: FakeGitHub;
beforeEach(() => {
  nock.cleanAll();
  nock.disableNetConnect();
  github = new FakeGitHub(OWNER, REPO);
  github.config = DEFAULT_CONFIG;
  github.addIssue({ number: ISSUE_NUMBER, body: GOOD_BODY, labels: ["use-case", "gate/1-intake"], title: "[Use case]: spindles" });
  github.install();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function forkPullRequest() {
  const payload = examplePayload("pull_request", "opened");
  const forkRepo = { ...payload.repository, name: REPO, full_name: `mallory/${REPO}`, fork: true, owner: { ...payload.repository.owner, login: "mallory" } };
  payload.pull_request = {
    ...payload.pull_request,
    number: 77,
    body: `Closes #${ISSUE_NUMBER}\n\nAlso tidies .github/converge.yml`,
    state: "open",
    head: { ...payload.pull_request.head, sha: HEAD_SHA, ref: "evil-config", label: "mallory:evil-config", repo: forkRepo, user: forkRepo.owner },
  };
  payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
  payload.sender = { ...payload.sender, login: "mallory", type: "User" };
  return payload;
}

describe("untrusted config is never loaded", () => {
  it("a fork's pull request changing .github/converge.yml: config read from the base repo's default branch only", async () => {
    const app = createTestApp();
    await app.receive("pull_request", forkPullRequest());

    const configReads = github.urls.filter((u) => u.includes("converge.yml"));
    expect(configReads).toEqual([CONFIG_READ]); // no ?ref=, no head sha, no branch
    expect(github.urls.some((u) => u.includes("mallory"))).toBe(false); // nothing read from the fork
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({ name: CHECK_NAME, head_sha: HEAD_SHA, conclusion: "failure" });
  });

  it("a config pushed to a feature branch is validated on its commit, and intake keeps using the default branch's", async () => {
    const app = createTestApp();
    const push = examplePayload("push");
    push.ref = "refs/heads/feature/loosen-gates";
    push.after = HEAD_SHA;
    push.deleted = false;
    push.commits = [{ ...push.commits?.[0], id: HEAD_SHA, added: [], removed: [], modified: [".github/converge.yml"] }];
    push.repository = { ...push.repository, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { ...push.repository.owner, login: OWNER, name: OWNER } };
    push.sender = { ...push.sender, login: "mallory", type: "User" };
    github.configAt[HEAD_SHA] = FORK_CONFIG + "bogus: key\n"; // the branch's file (invalid, so the check says failure)
    await app.receive("push", push);
    expect(github.urls.filter((u) => u.includes("converge.yml"))).toEqual([`${CONFIG_READ}?ref=${HEAD_SHA}`]);
    expect(github.checkRuns.map((r) => [r.name, r.head_sha, r.conclusion])).toEqual([[CONFIG_CHECK_NAME, HEAD_SHA, "failure"]]);

    github.urls.length = 0;
    await app.receive("issues", issuesEvent("opened", useCaseIssue(GOOD_BODY, ["use-case", "gate/1-intake"])));
    expect(github.urls.filter((u) => u.includes("converge.yml"))).toEqual([CONFIG_READ]);
    expect(github.ownComments(ISSUE_NUMBER)).toHaveLength(1); // intake ran on the default branch's (valid) config
  });
});

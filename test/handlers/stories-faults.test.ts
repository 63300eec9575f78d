/**
 * Fault injection for user-story creation (issue 11), in the manner of faults.test.ts: a good `/stories` run against
 * the stateful fake GitHub records its calls; then for every call k and every fault (500, 502, a 403 secondary rate
 * limit with retry-after, a timeout, a malformed body, a write GitHub applied but answered 502) the flow runs from
 * the same start with the fault at call k, through Probot's retrying Octokit as in production. After the faulty run
 * there is at most one story per criterion and one status comment; after a redelivery GitHub holds exactly what the
 * good run left: the same stories, attached in the same order, and the same status comment.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { createApp } from "../../src/index.js";
import { APP_IDENTITY, BOT_LOGIN, examplePayload } from "../helpers/probot.js";
import { FAULT_KINDS, FakeGitHub, type FaultKind } from "../helpers/fake-github.js";
import { GOOD_BODY, ISSUE_NUMBER, OWNER, REPO, useCaseIssue } from "../fixtures/use-cases.js";
import { readStoryMarker } from "../../src/domain/stories/markers.js";
import { configurePacing } from "../../src/github/pacing.js";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });

const RetryingOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: true, retryAfterBaseValue: 1 },
  throttle: { enabled: false },
}));

function app(): Probot {
  const probot = new Probot({ appId: APP_IDENTITY.appId, privateKey, Octokit: RetryingOctokit, logLevel: "fatal" });
  void probot.load(createApp({ identity: async () => APP_IDENTITY, now: () => new Date("2026-11-25T10:00:00Z") }));
  return probot;
}

function command() {
  const payload = examplePayload("issue_comment", "created");
  payload.issue = useCaseIssue(GOOD_BODY, ["use-case", "gate/1-intake"]);
  delete payload.issue.pull_request;
  payload.comment = { ...payload.comment, id: 7001, body: "/stories", user: { ...payload.comment.user, login: "mara-schmidt", type: "User" } };
  payload.sender = { ...payload.sender, login: "mara-schmidt", type: "User" };
  payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, html_url: `https://github.com/${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
  return payload;
}

function fresh(): FakeGitHub {
  nock.cleanAll();
  const fake = new FakeGitHub(OWNER, REPO);
  fake.addIssue({ number: ISSUE_NUMBER, body: GOOD_BODY, labels: ["use-case", "gate/1-intake"], title: "[Use case]: spindles" });
  fake.install();
  return fake;
}

async function deliver(fake: FakeGitHub, fault?: { at: number; kind: FaultKind }): Promise<Error | undefined> {
  fake.fault = fault;
  try {
    await app().receive({ id: "delivery-1", name: "issue_comment", payload: command() } as never);
    return undefined;
  } catch (error) {
    return error as Error;
  } finally {
    fake.fault = undefined;
  }
}

/** What the run leaves: Converge's stories, the use case's sub-issues, its status comments. */
function outcome(fake: FakeGitHub) {
  const stories = [...fake.issues.values()].filter((i) => i.user?.login === BOT_LOGIN && readStoryMarker(i.body));
  return {
    stories: stories.map((s) => ({ number: s.number, title: s.title, labels: s.labels, body: s.body })),
    subIssues: fake.subIssues.get(ISSUE_NUMBER) ?? [],
    status: fake.ownComments(ISSUE_NUMBER).map((c) => c.body),
  };
}

describe("stories under faults", () => {
  beforeAll(() => {
    nock.disableNetConnect();
    configurePacing({ sleep: async () => undefined }); // the pacing is tested in stories.test.ts; here it would only wait
  });
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    configurePacing({});
  });

  it("every call × every fault: at most one story per criterion, and a redelivery completes exactly as the good run", { timeout: 240_000 }, async () => {
    const good = fresh();
    expect(await deliver(good)).toBeUndefined();
    const expected = outcome(good);
    expect(expected.stories).toHaveLength(3);
    const calls = [...good.calls];
    expect(calls.filter((c) => c === `POST /repos/${OWNER}/${REPO}/issues` || c.endsWith("/sub_issues") && c.startsWith("POST "))).toHaveLength(6);

    const failures: string[] = [];
    for (let at = 0; at < calls.length; at++) {
      for (const kind of FAULT_KINDS) {
        const fake = fresh();
        const error = await deliver(fake, { at, kind });
        const after = outcome(fake);
        const keys = after.stories.map((s) => readStoryMarker(s.body)?.key);
        const label = `${kind} at call ${at} (${calls[at]})`;
        if (new Set(keys).size !== keys.length) failures.push(`${label}: duplicate story after the faulty run`);
        if (after.status.length > 1) failures.push(`${label}: ${after.status.length} status comments`);
        // A clear error names what failed (a cut-off body only surfaces as the parser's own error).
        if (error && kind !== "malformed" && !/\b(5\d\d|403|rate limit|Server Error|Bad Gateway|timed out|socket|GitHub|JSON)\b/i.test(error.message)) {
          failures.push(`${label}: unclear error ${error.message.slice(0, 200)}`);
        }
        const again = await deliver(fake);
        if (again) failures.push(`${label}: the redelivery failed too: ${again.message.slice(0, 200)}`);
        const final = outcome(fake);
        if (JSON.stringify(final) !== JSON.stringify(expected)) failures.push(`${label}: after a redelivery ${JSON.stringify({ subIssues: final.subIssues, stories: final.stories.map((s) => s.number), status: final.status.length })}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

/**
 * The webhook events the webhook bench delivers, each with the GitHub it starts from (a FakeGitHub) and the floor:
 * the fewest GitHub requests any correct, idempotent implementation needs for it.
 *
 * Floors are stated per scenario, from what must be known before acting:
 *  - events Converge does not handle, and its own events: 0 (decided from the payload alone);
 *  - anything that depends on config: the config read (2 requests when the repo has no file: Probot then tries the
 *    org's `.github` repo; the repos here have none, as most repos in an org would not);
 *  - finding Converge's own status comment before writing it (1 page of comments: it must never be duplicated);
 *  - facts the payload cannot be trusted for: the gate adder and time (1 timeline page), the adder's team membership
 *    (1 per team asked), the use case a pull request names (1 per use case);
 *  - the writes whose content changed, labels batched to at most one write per direction (add / remove).
 * The re-read of the live issue (a redelivered or late payload can carry an old body) is counted against the floor:
 * it is Converge's choice of correctness over the payload, and the table shows what it costs.
 */
import type { FakeGitHub } from "../test/helpers/fake-github.js";
import { examplePayload } from "../test/helpers/probot.js";
import { GOOD_BODY, ISSUE_NUMBER, OWNER, REPO, issuesEvent, label, useCaseIssue } from "../test/fixtures/use-cases.js";

/** A webhook payload as @octokit/webhooks-examples gives it (loosely typed: scenarios reshape it freely). */
type Payload = ReturnType<typeof examplePayload>;

export interface Outcome {
  /** Calls that wrote (POST/PATCH/PUT/DELETE, GraphQL mutations), lookups excluded. */
  writes: number;
  /** Writes that changed labels (REST add or remove, GraphQL label mutations). */
  labelWrites: number;
}

export interface WebhookScenario {
  name: string;
  /** `event.action` as GitHub names it. */
  event: string;
  setup(github: FakeGitHub): void;
  payload(): [name: string, payload: Payload];
  /** The floor for what this run did; `writes` is what the run wrote (each write counts once in the floor). */
  floor(outcome: Outcome): number;
  /** Whether the event needs a label change at all (then the floor for label writes is 1, else 0). */
  labelFloor: number;
  why: string;
}

const CONFIG_READ = 2; // no converge.yml in the repo: Probot also asks the org's .github repo
const ARCH = "gate/3-architecture";
const EARLIER = ["use-case", "gate/1-intake", "gate/2-feasibility"];
const at = (d: string) => `2026-11-${d}T09:00:00Z`;
const labeled = (name: string, login: string, when: string) => ({ event: "labeled", label: { name, color: "ededed" }, actor: { login, type: "User" }, created_at: when });
const HISTORY = [labeled("use-case", "mara-schmidt", at("20")), labeled("gate/1-intake", "olga", at("21")), labeled("gate/2-feasibility", "ada", at("22"))];

function inRepo(payload: Payload): Payload {
  payload.repository = {
    ...payload.repository,
    name: REPO,
    full_name: `${OWNER}/${REPO}`,
    html_url: `https://github.com/${OWNER}/${REPO}`,
    default_branch: "main",
    owner: { ...payload.repository.owner, login: OWNER },
  };
  return payload;
}

function gateLabelEvent(sender: string): Payload {
  const payload = examplePayload("issues", "labeled");
  payload.label = label(ARCH);
  payload.issue = { ...useCaseIssue(GOOD_BODY, [...EARLIER, ARCH], { assignees: [{ login: "ada", id: 7, type: "User" }] }), updated_at: "2026-11-24T15:00:00Z" };
  payload.sender = { ...payload.sender, login: sender, type: "User" };
  return inRepo(payload);
}

function gateCommand(body: string, author: string): Payload {
  const payload = examplePayload("issue_comment", "created");
  payload.issue = useCaseIssue(GOOD_BODY, EARLIER, { assignees: [{ login: "ada", id: 7, type: "User" }] });
  delete payload.issue.pull_request;
  payload.comment = { ...payload.comment, id: 5555, body, user: { ...payload.comment.user, login: author, type: "User" }, created_at: "2026-11-24T16:00:00Z" };
  payload.sender = { ...payload.sender, login: author, type: "User" };
  return inRepo(payload);
}

function useCaseFiled(github: FakeGitHub): void {
  github.addIssue({ number: ISSUE_NUMBER, body: GOOD_BODY, labels: ["use-case"], title: "[Use case]: spindles" });
  github.addIssue({ number: 12, body: "initiative", labels: ["initiative"], title: "Cut unplanned downtime 30%" });
}

export const SCENARIOS: WebhookScenario[] = [
  {
    name: "star (not handled)",
    event: "star.created",
    setup() {},
    payload: () => ["star", inRepo(examplePayload("star", "created"))],
    floor: () => 0,
    labelFloor: 0,
    why: "no handler: decided from the event name",
  },
  {
    name: "Converge's own issue edit",
    event: "issues.edited",
    setup: useCaseFiled,
    payload: () => ["issues", issuesEvent("edited", useCaseIssue(GOOD_BODY), "converge[bot]")],
    floor: () => 0,
    labelFloor: 0,
    why: "the sender is the app: decided from the payload",
  },
  {
    name: "push to a branch, config untouched",
    event: "push",
    setup() {},
    payload: () => {
      const payload = inRepo(examplePayload("push"));
      payload.ref = "refs/heads/feature/spindle-model";
      payload.deleted = false;
      payload.commits = [{ ...(payload.commits?.[0] ?? {}), added: [], removed: [], modified: ["src/model.py"] }];
      payload.head_commit = payload.commits[0];
      return ["push", payload];
    },
    floor: () => 0,
    labelFloor: 0,
    why: "the pushed paths are in the payload",
  },
  {
    name: "bug report opened (not a use case)",
    event: "issues.opened",
    setup(github) {
      github.addIssue({ number: ISSUE_NUMBER, body: "The OPC UA bridge drops tags.", labels: ["bug"] });
    },
    payload: () => ["issues", issuesEvent("opened", useCaseIssue("The OPC UA bridge drops tags.", ["bug"]))],
    floor: () => CONFIG_READ,
    labelFloor: 0,
    why: "the use-case label is configurable: config read",
  },
  {
    name: "use case filed (labels, status comment, 1 initiative)",
    event: "issues.opened",
    setup: useCaseFiled,
    payload: () => ["issues", issuesEvent("opened", useCaseIssue(GOOD_BODY))],
    floor: ({ writes }) => CONFIG_READ + 1 + 1 + writes,
    labelFloor: 1,
    why: "config, own comments, initiative lookup, writes",
  },
  {
    name: "use case redelivered (nothing to write)",
    event: "issues.opened",
    setup(github) {
      useCaseFiled(github);
      github.fault = undefined;
    },
    payload: () => ["issues", issuesEvent("opened", useCaseIssue(GOOD_BODY))],
    floor: ({ writes }) => CONFIG_READ + 1 + 1 + writes,
    labelFloor: 0,
    why: "config, own comments, initiative lookup",
  },
  {
    name: "gate label by a team member (accepted)",
    event: "issues.labeled",
    setup(github) {
      github.addIssue({ number: ISSUE_NUMBER, body: GOOD_BODY, labels: [...EARLIER, ARCH], assignees: ["ada"], timeline: [...HISTORY, labeled(ARCH, "ada", "2026-11-24T15:00:00Z")] });
      github.teams["itot-architects"] = ["ada"];
    },
    payload: () => ["issues", gateLabelEvent("ada")],
    floor: ({ writes }) => CONFIG_READ + 1 + 1 + 1 + writes,
    labelFloor: 0,
    why: "config, own comments, timeline, membership, writes",
  },
  {
    name: "gate label by an outsider (refused, label removed)",
    event: "issues.labeled",
    setup(github) {
      github.addIssue({ number: ISSUE_NUMBER, body: GOOD_BODY, labels: [...EARLIER, ARCH], assignees: ["ada"], timeline: [...HISTORY, labeled(ARCH, "mallory", "2026-11-24T15:00:00Z")] });
      github.teams["itot-architects"] = ["ada"];
    },
    payload: () => ["issues", gateLabelEvent("mallory")],
    floor: ({ writes }) => CONFIG_READ + 1 + 1 + 1 + writes,
    labelFloor: 1,
    why: "config, own comments, timeline, membership, writes",
  },
  {
    name: "`/gate pass` by a team member (label added)",
    event: "issue_comment.created",
    setup(github) {
      github.addIssue({ number: ISSUE_NUMBER, body: GOOD_BODY, labels: [...EARLIER], assignees: ["ada"], timeline: HISTORY });
      github.teams["itot-architects"] = ["ada"];
    },
    payload: () => ["issue_comment", gateCommand("/gate pass architecture", "ada")],
    floor: ({ writes }) => CONFIG_READ + 1 + 1 + writes,
    labelFloor: 1,
    why: "config, own comments, membership, writes",
  },
];

/** Use-case redelivery: the first delivery's effects are already on GitHub before the measured one. */
export const PRIMED = new Set(["use case redelivered (nothing to write)"]);

export function outcomeOf(github: FakeGitHub, from: number, queriesFrom: number): Outcome {
  const calls = github.calls.slice(from);
  const queries = github.graphqlQueries.slice(queriesFrom);
  const restWrites = calls.filter((c) => !c.startsWith("GET ") && c !== "POST /graphql");
  const mutations = queries.filter((q) => /^\s*mutation\b/.test(q));
  const labelRest = restWrites.filter((c) => /\/labels(\/|$)/.test(c));
  const labelMutations = mutations.filter((q) => /(add|remove)LabelsTo|(add|remove)LabelsFrom|LabelsFromLabelable|LabelsToLabelable/.test(q));
  return { writes: restWrites.length + mutations.length, labelWrites: labelRest.length + labelMutations.length };
}

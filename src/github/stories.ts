import type { ConvergeConfig } from "../config/schema.js";
import { analyzeUseCase } from "../domain/intake/plan.js";
import { escapeInline, quietLogin } from "../domain/markdown/escape.js";
import {
  STORIES_SECTION,
  isProductOwner,
  keyedCriteria,
  lookupSince,
  planStories,
  productOwner,
  readStoriesState,
  readStoryMarker,
  refusal,
  renderStoriesSection,
  storyDraft,
  useCaseId,
  withCommand,
  type FoundStory,
  type KeyedCriterion,
  type StoriesPlan,
  type StoriesState,
  type StorySource,
  type SubIssue,
  type UseCaseRef,
} from "../domain/stories/index.js";
import { bundledTemplate } from "../templates.js";
import { isOwnComment, type AppIdentity } from "./identity.js";
import type { IssueRef, Octokit, RepoRef } from "./octokit.js";
import { paceWrite, pacingSleep } from "./pacing.js";
import { withRateLimitRetry } from "./retry-after.js";
import { readStatusComment, type StatusComment } from "./status-comment.js";
import { clampBody, writeOwnComment } from "./own-comment.js";
import { withSection } from "../domain/status/comment-body.js";

/**
 * Use case → user stories (issue 11), the GitHub side: read the use case, its sub-issues and Converge's memory, let
 * the pure planner decide, then create and attach one story at a time, paced, recording progress in the status
 * comment so an interrupted run is completed by the next one without a duplicate.
 */

export interface StoriesRun {
  octokit: Octokit;
  ref: IssueRef;
  identity: AppIdentity;
  config: ConvergeConfig;
  log: { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void };
  now: Date;
}

export type StoriesTrigger =
  | { kind: "gate" }
  /** A redelivered gate pass: only finishes a run that was interrupted. */
  | { kind: "resume" }
  | { kind: "command"; login: string; commentId: number };

export type StoriesOutcome = "done" | "refused" | "blocked" | "interrupted" | "skipped";

interface UseCaseIssue {
  title: string;
  body: string | null;
  author: string | undefined;
  createdAt: string;
  labels: string[];
}

async function readUseCase(octokit: Octokit, ref: IssueRef): Promise<UseCaseIssue> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { ...ref });
  return {
    title: data.title,
    body: data.body ?? null,
    author: data.user?.login,
    createdAt: data.created_at,
    labels: data.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter(Boolean),
  };
}

/** Every sub-issue of the use case (≤ 100), with the story marker read only from those the app authored. */
export async function listSubIssues(octokit: Octokit, ref: IssueRef, identity: AppIdentity): Promise<SubIssue[]> {
  const subs = await octokit.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", { ...ref, per_page: 100 });
  return subs.map((s) => ({ id: s.id, number: s.number, marker: isOwnComment(s, identity) ? readStoryMarker(s.body) : undefined }));
}

/**
 * Stories the app authored for this use case among the repository's issues updated since `since`: the list endpoint,
 * not search, because search indexes new issues with a delay and a story created a second ago must be found.
 */
export async function findOwnStories(octokit: Octokit, repo: RepoRef, identity: AppIdentity, useCase: UseCaseRef, since: string): Promise<FoundStory[]> {
  const issues = await octokit.paginate("GET /repos/{owner}/{repo}/issues", { ...repo, state: "all", since, per_page: 100 });
  const self = useCaseId(useCase);
  const found: FoundStory[] = [];
  for (const issue of issues) {
    if (issue.pull_request || !isOwnComment(issue, identity)) continue;
    const marker = readStoryMarker(issue.body);
    if (marker?.useCase === self) found.push({ id: issue.id, number: issue.number, key: marker.key });
  }
  return found;
}

/**
 * Create one story. Never retried on a 5xx: GitHub may have created it and still failed the answer, and a retry
 * would duplicate it (ADR 0080); the next run finds it by its marker. A secondary rate limit is waited out.
 */
async function createStory(run: StoriesRun, draft: { title: string; body: string }): Promise<{ id: number; number: number }> {
  const { data } = await withRateLimitRetry(
    "create a user story",
    () =>
      run.octokit.request("POST /repos/{owner}/{repo}/issues", {
        owner: run.ref.owner,
        repo: run.ref.repo,
        title: draft.title,
        body: draft.body,
        labels: [run.config.intake.labels.userStory],
        request: { retries: 0 },
      }),
    { sleep: pacingSleep, attempts: 3, maxWaitMs: 120_000, log: run.log },
  );
  return { id: Number(data.id), number: data.number };
}

async function attachStory(run: StoriesRun, subIssueId: number): Promise<void> {
  await withRateLimitRetry(
    "attach a user story",
    () => run.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", { ...run.ref, sub_issue_id: subIssueId }),
    { sleep: pacingSleep, attempts: 3, maxWaitMs: 120_000, log: run.log },
  );
}

/** The use case's own fields a story repeats, or the labels of what is missing. */
function storySource(useCase: ReturnType<typeof analyzeUseCase>["useCase"]): { source: StorySource; criteria: KeyedCriterion[] } | { missing: string[] } {
  const missing = [
    ["as-a", "As a"],
    ["i-want", "I want"],
    ["so-that", "So that"],
    ["acceptance-criteria", "Acceptance criteria"],
  ]
    .filter(([id]) => useCase[id as keyof typeof useCase] === undefined)
    .map(([, label]) => label!);
  if (missing.length > 0 || !useCase["as-a"] || !useCase["i-want"] || !useCase["so-that"] || !useCase["acceptance-criteria"]) return { missing };
  return {
    source: { asA: useCase["as-a"], iWant: useCase["i-want"], soThat: useCase["so-that"], squad: useCase.squad },
    criteria: keyedCriteria(useCase["acceptance-criteria"]),
  };
}

function gateName(config: ConvergeConfig): string | undefined {
  const id = config.stories.onGate;
  return id ? config.gates.pipeline.find((g) => g.id === id)?.name : undefined;
}

interface Writer {
  run: StoriesRun;
  status: StatusComment | undefined;
  criteria: KeyedCriterion[];
  plan?: StoriesPlan;
  blocked?: string[];
}

/** Write the stories section (nothing when its text and state are unchanged, e.g. on a redelivery). */
async function writeSection(w: Writer, state: StoriesState): Promise<void> {
  const section = renderStoriesSection({
    state,
    criteria: w.criteria,
    removed: w.plan?.removed ?? [],
    overLimit: w.plan?.overLimit ?? [],
    subIssueCount: w.plan?.subIssueCount ?? 0,
    limit: w.plan?.limit ?? 0,
    gateName: gateName(w.run.config),
    blocked: w.blocked,
  });
  const body = clampBody(withSection(w.status?.body, section));
  if (w.status?.body === body) return;
  await writeOwnComment(w.run.octokit, w.run.ref, w.status?.id, body);
  // Later writes in this run compare with, and update, what was just written.
  w.status = w.status ? { ...w.status, body } : await readStatusComment(w.run.octokit, w.run.ref, w.run.identity);
}

/** What went wrong, for the people reading the status comment. */
function describeFailure(error: unknown, done: number, total: number): string {
  const status = (error as { status?: number }).status;
  const where = `after ${done} of ${total} ${total === 1 ? "story" : "stories"}`;
  const next = "The product owner's next `/stories` comment (or a redelivery of the event) finishes the job without duplicates.";
  if (status === 403 || status === 429) return `GitHub's rate limit for creating content stopped Converge ${where}. ${next}`;
  if (status === 422) return `GitHub refused to attach a story as a sub-issue ${where} (${escapeInline((error as Error).message ?? "422", 200)}). ${next}`;
  return `GitHub answered ${status ?? "with an error"} ${where}. ${next}`;
}

/** `known`: the status comment as the caller read it just now (null: known to be absent); undefined: read it here. */
export async function syncStories(run: StoriesRun, trigger: StoriesTrigger, known?: StatusComment | null): Promise<StoriesOutcome> {
  const useCaseRef: UseCaseRef = { owner: run.ref.owner, repo: run.ref.repo, number: run.ref.issue_number };
  const status = known === undefined ? await readStatusComment(run.octokit, run.ref, run.identity) : (known ?? undefined);
  const remembered = readStoriesState(status?.sections.find((s) => s.id === STORIES_SECTION.id)?.state);
  if (trigger.kind === "resume" && !remembered?.pending) return "skipped";
  if (trigger.kind === "command" && remembered?.commands?.includes(trigger.commentId)) return "skipped";

  const live = await readUseCase(run.octokit, run.ref);
  const analysis = analyzeUseCase(
    bundledTemplate("use-case"),
    { owner: run.ref.owner, repo: run.ref.repo, number: run.ref.issue_number, title: live.title, createdAt: live.createdAt, labels: live.labels, body: live.body },
    run.config,
  );
  const base: StoriesState = remembered ?? { v: 1, stories: [] };
  const writer: Writer = { run, status, criteria: [] };

  if (trigger.kind === "command") {
    const owner = productOwner(analysis.useCase["product-owner"], live.author);
    if (!isProductOwner(trigger.login, owner)) {
      run.log.info({ login: trigger.login }, "/stories refused: not the product owner");
      await writeSection(writer, withCommand({ ...base, notice: refusal(trigger.login, owner, quietLogin) }, trigger.commentId));
      return "refused";
    }
  }
  const answered = trigger.kind === "command" ? withCommand(base, trigger.commentId) : base;

  const from = storySource(analysis.useCase);
  if ("missing" in from) {
    writer.blocked = from.missing;
    await writeSection(writer, { ...answered, notice: undefined } as StoriesState);
    return "blocked";
  }
  writer.criteria = from.criteria;
  const subIssues = await listSubIssues(run.octokit, run.ref, run.identity);
  let plan = planStories({ useCase: useCaseRef, criteria: from.criteria, state: remembered, subIssues, found: [] });
  const since = lookupSince(plan, remembered, live.createdAt);
  if (since) {
    const found = await findOwnStories(run.octokit, run.ref, run.identity, useCaseRef, since);
    if (found.length > 0) plan = planStories({ useCase: useCaseRef, criteria: from.criteria, state: remembered, subIssues, found });
  }
  writer.plan = plan;
  const { notice: _previous, pending: _pending, ...rest } = answered;
  const state: StoriesState = { ...rest, stories: plan.recorded };
  if (plan.actions.length === 0) {
    await writeSection(writer, state);
    return "done";
  }

  // Remember that writing started before the first write: if this run dies, the next one looks for its stories. The
  // command is recorded as answered only once the run finishes, so redelivering it completes an interrupted run.
  const pending = remembered?.pending ?? run.now.toISOString();
  const unfinished = (): StoriesState => {
    const { commands: _answered, ...partial } = state;
    return { ...partial, ...(remembered?.commands ? { commands: remembered.commands } : {}), pending };
  };
  await writeSection(writer, unfinished());
  const template = bundledTemplate("user-story");
  const paceKey = run.ref.owner.toLowerCase();
  let done = 0;
  try {
    for (const action of plan.actions) {
      let story = action.kind === "attach" ? action.story : undefined;
      if (!story) {
        await paceWrite(paceKey);
        story = await createStory(run, storyDraft(template, useCaseRef, from.source, action.criterion));
        const created = { key: action.criterion.key, number: story.number, id: story.id, attached: false };
        state.stories = [...state.stories.filter((s) => s.key !== created.key), created];
      } else if (!state.stories.some((s) => s.key === action.criterion.key)) {
        state.stories = [...state.stories, { key: action.criterion.key, number: story.number, id: story.id, attached: false }];
      }
      await paceWrite(paceKey);
      await attachStory(run, story.id);
      state.stories = state.stories.map((s) => (s.key === action.criterion.key ? { ...s, attached: true } : s));
      done += 1;
    }
  } catch (error) {
    run.log.warn({ err: error, done, total: plan.actions.length }, "creating user stories stopped; the next run completes it");
    await writeSection(writer, { ...unfinished(), notice: describeFailure(error, done, plan.actions.length) });
    return "interrupted";
  }
  run.log.info({ created: plan.actions.filter((a) => a.kind === "create").length, attached: done }, "user stories in step");
  await writeSection(writer, state);
  return "done";
}

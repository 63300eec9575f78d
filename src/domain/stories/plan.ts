import type { KeyedCriterion } from "./criteria.js";
import { useCaseId, type StoryMarker, type UseCaseRef } from "./markers.js";

/**
 * Which stories to create and which to attach, decided from what GitHub shows now (the use case's sub-issues, and
 * after an interrupted run the app's recent issues) and from what Converge remembers in its status comment. Pure.
 *
 * Rules (issue 11): one story per criterion; a criterion Converge made a story for is never made again, even when
 * people closed the story or removed it from the use case; a story created but not attached (a crash, a 502) is
 * attached, not created again; GitHub's 100-sub-issue limit stops creation with a message instead of a failure.
 */

export const STORIES_SECTION = { id: "stories", order: 30 } as const;
/** GitHub: at most 100 sub-issues per parent, closed ones included (github-facts.md). */
export const SUB_ISSUE_LIMIT = 100;

export interface RecordedStory {
  key: string;
  number: number;
  /** The issue's numeric id: the sub-issues API takes it, not the number. */
  id: number;
  /** Attached as a sub-issue by Converge at least once: missing from the sub-issues later means people removed it. */
  attached: boolean;
}

export interface StoriesState {
  v: 1;
  stories: RecordedStory[];
  /** Set (ISO time) when a run starts writing, cleared when it finishes: a later run then looks for half-done work. */
  pending?: string;
  /** Comment ids of `/stories` commands already answered (a redelivery answers nothing). */
  commands?: number[];
  /** The last refusal or failure, shown until a run succeeds. */
  notice?: string;
}

const MAX_COMMANDS = 20;

export function readStoriesState(raw: unknown): StoriesState | undefined {
  if (!raw || typeof raw !== "object" || !Array.isArray((raw as StoriesState).stories)) return undefined;
  const value = raw as Partial<StoriesState>;
  const stories = (value.stories ?? []).filter(
    (s): s is RecordedStory =>
      !!s && typeof s.key === "string" && /^[0-9a-f]{16}$/.test(s.key) && Number.isInteger(s.number) && Number.isInteger(s.id) && typeof s.attached === "boolean",
  );
  return {
    v: 1,
    stories,
    ...(typeof value.pending === "string" ? { pending: value.pending } : {}),
    ...(Array.isArray(value.commands) ? { commands: value.commands.filter((c): c is number => Number.isInteger(c)).slice(-MAX_COMMANDS) } : {}),
    ...(typeof value.notice === "string" ? { notice: value.notice } : {}),
  };
}

/** Remember an answered command, keeping the last few (state stays small). */
export function withCommand(state: StoriesState, commentId: number): StoriesState {
  return { ...state, commands: [...(state.commands ?? []).filter((c) => c !== commentId), commentId].slice(-MAX_COMMANDS) };
}

/** A sub-issue as the sub-issues list shows it; `marker` only when the app authored it (never trust anyone else's). */
export interface SubIssue {
  id: number;
  number: number;
  marker?: StoryMarker | undefined;
}

/** A story the app authored for this use case, found by its marker outside the sub-issues (created, not attached). */
export interface FoundStory {
  id: number;
  number: number;
  key: string;
}

export interface StoriesInput {
  useCase: UseCaseRef;
  criteria: KeyedCriterion[];
  state: StoriesState | undefined;
  subIssues: SubIssue[];
  found: FoundStory[];
  limit?: number;
}

export type StoryAction =
  | { kind: "create"; criterion: KeyedCriterion }
  | { kind: "attach"; criterion: KeyedCriterion; story: { id: number; number: number } };

export interface StoriesPlan {
  actions: StoryAction[];
  /** Converge's stories for this use case before this run's actions: remembered, plus those seen on the sub-issues. */
  recorded: RecordedStory[];
  /** Remembered stories people removed from the use case: shown, never re-attached or recreated. */
  removed: RecordedStory[];
  /** Criteria without a story because the use case has no room for more sub-issues. */
  overLimit: KeyedCriterion[];
  subIssueCount: number;
  limit: number;
}

export function planStories(input: StoriesInput): StoriesPlan {
  const limit = input.limit ?? SUB_ISSUE_LIMIT;
  const self = useCaseId(input.useCase);
  const attachedIds = new Set(input.subIssues.map((s) => s.id));
  const recorded = new Map<string, RecordedStory>((input.state?.stories ?? []).map((s) => [s.key, { ...s }]));
  // Our own stories on the use case that the state does not know (its comment was deleted, or a run stopped before
  // recording them): adopt them, so they are not created again.
  for (const sub of input.subIssues) {
    if (sub.marker?.useCase !== self || recorded.has(sub.marker.key)) continue;
    recorded.set(sub.marker.key, { key: sub.marker.key, number: sub.number, id: sub.id, attached: true });
  }
  const found = new Map(input.found.map((f) => [f.key, f]));
  let room = Math.max(0, limit - input.subIssues.length);
  const actions: StoryAction[] = [];
  const overLimit: KeyedCriterion[] = [];
  const removed: RecordedStory[] = [];
  const take = (action: StoryAction) => {
    if (room <= 0) {
      overLimit.push(action.criterion);
      return;
    }
    room -= 1;
    actions.push(action);
  };
  for (const criterion of input.criteria) {
    const story = recorded.get(criterion.key);
    if (story) {
      if (attachedIds.has(story.id)) {
        // Attached, even if the run that attached it died before recording it (GitHub applied it, then a 502).
        story.attached = true;
        continue;
      }
      if (story.attached) removed.push(story);
      else take({ kind: "attach", criterion, story: { id: story.id, number: story.number } });
      continue;
    }
    const orphan = found.get(criterion.key);
    if (orphan) {
      take({ kind: "attach", criterion, story: { id: orphan.id, number: orphan.number } });
      continue;
    }
    take({ kind: "create", criterion });
  }
  // Stories of criteria deleted from the use case since are kept in memory, so re-adding one does not duplicate it.
  return { actions, recorded: [...recorded.values()], removed, overLimit, subIssueCount: input.subIssues.length, limit };
}

/**
 * Since when to look through the repository's issues for stories created but never attached or recorded, or
 * undefined when there can be none. Only a run that would create something needs to know.
 * - an interrupted run (state.pending): since it started, a minute earlier for clock skew;
 * - no memory at all while our stories sit on the use case (the status comment was deleted): since the use case was
 *   filed, because a removed story could be anywhere in that time.
 */
export function lookupSince(plan: StoriesPlan, state: StoriesState | undefined, useCaseCreatedAt: string): string | undefined {
  if (!plan.actions.some((a) => a.kind === "create")) return undefined;
  if (state?.pending) {
    const at = Date.parse(state.pending);
    return Number.isNaN(at) ? useCaseCreatedAt : new Date(at - 60_000).toISOString();
  }
  if (!state && plan.recorded.length > 0) return useCaseCreatedAt;
  return undefined;
}

import { escapeCode, escapeInline } from "../markdown/escape.js";
import type { KeyedCriterion } from "./criteria.js";
import { STORIES_SECTION, type RecordedStory, type StoriesState } from "./plan.js";
import type { StatusSection } from "../status/comment-body.js";

/**
 * The "User stories" section of the use case's status comment. Its text depends only on its inputs (no time, no
 * counts of this run), so a redelivered event renders the same text and writes nothing.
 */

export interface StoriesView {
  state: StoriesState;
  criteria: KeyedCriterion[];
  removed: RecordedStory[];
  overLimit: KeyedCriterion[];
  subIssueCount: number;
  limit: number;
  /** Name of the gate whose pass creates the stories, if any. */
  gateName: string | undefined;
  /** Why no story can be made (fields missing from the use case), if so. */
  blocked?: string[] | undefined;
}

export function renderStoriesSection(view: StoriesView): StatusSection {
  const lines = ["### User stories", ""];
  const trigger = view.gateName ? `when **${escapeInline(view.gateName)}** is passed, or ` : "";
  lines.push(`Converge creates one user story per acceptance criterion ${trigger}when the product owner comments \`/stories\`.`);
  const text = new Map(view.criteria.map((c) => [c.key, c.text]));
  const removed = new Set(view.removed.map((s) => s.key));
  const stories = [...view.state.stories].sort((a, b) => a.number - b.number);
  if (stories.length > 0) {
    lines.push("");
    for (const story of stories) {
      const criterion = text.get(story.key);
      const what = criterion ? escapeInline(criterion, 160) : "_its criterion is no longer in the use case_";
      const note = removed.has(story.key)
        ? " (removed from this use case; not recreated)"
        : story.attached
          ? ""
          : " (created, not yet attached as a sub-issue)";
      lines.push(`- #${story.number} ${what}${note}`);
    }
  }
  if (view.blocked && view.blocked.length > 0) {
    lines.push("", `> [!NOTE]`, `> No stories yet: the use case needs ${view.blocked.map((f) => escapeCode(f)).join(", ")} first.`);
  }
  if (view.overLimit.length > 0) {
    lines.push(
      "",
      "> [!WARNING]",
      `> GitHub allows at most ${view.limit} sub-issues per issue (closed ones count) and this use case has ${view.subIssueCount}, ` +
        `so ${view.overLimit.length} acceptance ${view.overLimit.length === 1 ? "criterion has" : "criteria have"} no story: ` +
        view.overLimit.map((c) => escapeInline(c.text, 80)).join("; ") +
        ". Remove sub-issues that do not belong here, or split the use case, then comment `/stories`.",
    );
  }
  if (view.state.notice) lines.push("", "> [!NOTE]", `> ${view.state.notice}`);
  return { ...STORIES_SECTION, body: lines.join("\n"), state: view.state };
}

import type { CarryOver, Sprint } from "../snapshot/schema.js";

/**
 * Carry-over: a story that moved to a later sprint unfinished, or sits unfinished in a sprint that has ended. Converge
 * only reports these as suggestions (re-plan, split or close); it never moves a story itself.
 *
 * - Milestones: from the story's MILESTONED / DEMILESTONED timeline events. A story taken out of sprint A while still
 *   open and put into a later sprint B has carried over from A to B.
 * - Both models: an open story whose current sprint ended before `now` is "still in an ended sprint" (to: null).
 */

export interface MilestoneEvent {
  kind: "milestoned" | "demilestoned";
  title: string;
  at: string;
}

export interface StorySprintFacts {
  story: string;
  useCase: string;
  squad: string;
  /** Null while open. */
  closedAt: string | null;
  /** The sprint it is planned in now. */
  sprint?: string;
  /** Milestone history (milestone model only), in time order. */
  milestoneEvents?: readonly MilestoneEvent[];
}

export function detectCarryOver(
  stories: readonly StorySprintFacts[],
  sprint: (title: string) => Sprint | undefined,
  now: Date,
): CarryOver[] {
  const today = now.toISOString().slice(0, 10);
  const found: CarryOver[] = [];
  for (const s of stories) {
    const base = { story: s.story, useCase: s.useCase, squad: s.squad };
    let left: { title: string; at: string } | undefined;
    for (const event of s.milestoneEvents ?? []) {
      if (s.closedAt !== null && event.at >= s.closedAt) break; // moves after it was done are bookkeeping, not carry-over
      if (event.kind === "demilestoned") {
        left = { title: event.title, at: event.at };
        continue;
      }
      const from = left ? sprint(left.title) : undefined;
      const to = sprint(event.title);
      if (left && from && to && to.start > from.start) found.push({ ...base, from: from.title, to: to.title, at: event.at });
      left = undefined;
    }
    if (s.closedAt === null && s.sprint) {
      const current = sprint(s.sprint);
      if (current && current.end < today) found.push({ ...base, from: current.title, to: null });
    }
  }
  return found;
}

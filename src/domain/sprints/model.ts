import type { SprintsConfig } from "../../config/sections/portfolio.js";
import type { Sprint } from "../snapshot/schema.js";

/**
 * The two sprint models (ADR 0060, docs/sprints.md), reduced to one shape: a sprint has a title, a first and a last
 * day. Iterations carry a start and a duration in days; milestones only a due date, which GitHub stores as midnight
 * US-Pacific of the chosen day (so 2026-11-27 comes back as 2026-11-27T08:00:00Z, or T07:00:00Z in summer).
 */

export interface IterationValue {
  iterationId: string;
  title: string;
  /** YYYY-MM-DD */
  startDate: string;
  /** Days */
  duration: number;
}

export interface MilestoneValue {
  title: string;
  dueOn: string | null;
}

const DAY = 86_400_000;

export function iterationSprint(value: IterationValue): Sprint {
  const start = Date.parse(`${value.startDate}T00:00:00Z`);
  return { title: value.title, start: value.startDate, end: dayOf(start + (Math.max(1, value.duration) - 1) * DAY) };
}

const pacificDay = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Los_Angeles", year: "numeric", month: "2-digit", day: "2-digit" });

/** The day a milestone is due, as the person who set it chose it (GitHub's midnight US-Pacific read back in that zone). */
export function milestoneDueDay(dueOn: string): string {
  return pacificDay.format(new Date(dueOn));
}

/** A milestone that is a sprint: its title matches `milestonePattern` and it has a due date. */
export function milestoneSprint(value: MilestoneValue, config: SprintsConfig): Sprint | undefined {
  if (!value.dueOn || !new RegExp(config.milestonePattern, "i").test(value.title)) return undefined;
  const end = milestoneDueDay(value.dueOn);
  const start = dayOf(Date.parse(`${end}T00:00:00Z`) - (config.milestoneLengthDays - 1) * DAY);
  return { title: value.title, start, end };
}

export function isMilestoneSprintTitle(title: string, config: SprintsConfig): boolean {
  return new RegExp(config.milestonePattern, "i").test(title);
}

/** Sprints by start day, then title; each title once (the first definition seen wins). */
export class SprintList {
  private readonly byTitle = new Map<string, Sprint>();
  add(sprint: Sprint | undefined): string | undefined {
    if (!sprint) return undefined;
    if (!this.byTitle.has(sprint.title)) this.byTitle.set(sprint.title, sprint);
    return sprint.title;
  }
  get(title: string): Sprint | undefined {
    return this.byTitle.get(title);
  }
  list(): Sprint[] {
    return [...this.byTitle.values()].sort((a, b) => a.start.localeCompare(b.start) || a.title.localeCompare(b.title));
  }
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

import type { Probot } from "probot";
import type { AppDeps } from "./deps.js";
import type { ConvergeConfig } from "../config/schema.js";
import { loadConfig } from "../config/load.js";
import { isOwnSender } from "../github/identity.js";
import { withKeyLock } from "../github/keyed-lock.js";
import { milestoneHistory, recordCarryOver, sprintMilestones } from "../github/sprints.js";
import { detectCarryOver } from "../domain/sprints/index.js";

/**
 * Milestone sprints (ADR 0113): when an open story or use case gets a new milestone (`issues.milestoned`) or loses one
 * (`issues.demilestoned`), its whole milestone history is read from the timeline and carry-over (taken out of a
 * sprint unfinished and put into a later one) is recorded in Converge's comment on it, as a suggestion. Reading the
 * history instead of trusting the single event makes the result the same whatever order GitHub delivers the two
 * events of a milestone change in, and a redelivery finds its moves already listed.
 */
export function registerSprints(app: Probot, deps: AppDeps): void {
  app.on(["issues.milestoned", "issues.demilestoned"], async (context) => {
    const { issue, sender, repository } = context.payload;
    if (issue.state !== "open") return;
    if (isOwnSender(sender, await deps.identity())) return;
    const loaded = await loadConfig(context);
    if (!loaded.ok || loaded.config.sprints.source !== "milestone") return;
    const kind = carryOverKind(loaded.config, (issue.labels ?? []).flatMap((l) => (l ? [typeof l === "string" ? l : l.name] : [])));
    if (!kind) return;
    const config = loaded.config;
    await withKeyLock(`${repository.full_name}#${issue.number}`.toLowerCase(), async () => {
      const ref = context.issue();
      const [events, sprints] = await Promise.all([milestoneHistory(context.octokit, ref), sprintMilestones(context.octokit, context.repo(), config.sprints)]);
      const story = `${repository.full_name}#${issue.number}`;
      const moves = detectCarryOver([{ story, useCase: story, squad: "", closedAt: null, milestoneEvents: events }], (t) => sprints.get(t), deps.now())
        .flatMap((c) => (c.to !== null && c.at ? [{ from: c.from, to: c.to, at: c.at }] : []));
      if (moves.length === 0) return;
      const outcome = await recordCarryOver(context.octokit, ref, await deps.identity(), moves, kind);
      context.log.info({ issue: story, moves: moves.length, outcome }, "sprints: milestone carry-over");
    });
  });
}

/** Carry-over is tracked for user stories and use cases (by their labels); other issues are left alone. */
export function carryOverKind(config: ConvergeConfig, labels: readonly string[]): "story" | "use case" | undefined {
  const has = (name: string) => labels.some((l) => l.toLowerCase() === name.toLowerCase());
  if (has(config.intake.labels.userStory)) return "story";
  if (has(config.intake.labels.useCase)) return "use case";
  return undefined;
}

import type { Context, Probot } from "probot";
import type { AppDeps } from "./deps.js";
import { loadConfig } from "../config/load.js";
import { isOwnSender } from "../github/identity.js";
import { withKeyLock } from "../github/keyed-lock.js";
import { syncStories, type StoriesRun } from "../github/stories.js";
import type { StatusComment } from "../github/status-comment.js";
import { isStoriesCommand } from "../domain/stories/command.js";
import type { GateConfig } from "../domain/gates/model.js";
import { looksLikeUseCase } from "./intake.js";

/**
 * Use case → user stories (issue 11): the product owner's `/stories` comment here; the gate pass is judged by the
 * gates handler, which calls `storiesAfterGatePass` once it has accepted the pass (never for a label it reverts).
 */
export function registerStories(app: Probot, deps: AppDeps): void {
  app.on("issue_comment.created", (context) => onComment(context, deps));
}

async function onComment(context: Context<"issue_comment.created">, deps: AppDeps): Promise<void> {
  const { comment, issue, repository } = context.payload;
  if (!isStoriesCommand(comment.body) || !comment.user) return;
  const identity = await deps.identity();
  if (isOwnSender(context.payload.sender, identity) || issue.pull_request) return;
  await withKeyLock(`${repository.full_name}#${issue.number}`.toLowerCase(), async () => {
    const loaded = await loadConfig(context);
    if (!loaded.ok) {
      context.log.warn({ problems: loaded.problems }, "invalid Converge config; /stories ignored (intake reports the config problems)");
      return;
    }
    const config = loaded.config;
    if (!config.stories.enabled) return;
    if (!looksLikeUseCase(issue as never, config)) return;
    const run: StoriesRun = { octokit: context.octokit, ref: context.issue(), identity, config, log: context.log, now: deps.now() };
    const outcome = await syncStories(run, { kind: "command", login: comment.user!.login, commentId: comment.id });
    context.log.info({ issue: issue.number, outcome }, "/stories handled");
    // A reaction tells the commenter at once how it went (the status comment says why), without another comment.
    // None on a redelivery ("skipped") or an interrupted run (its redelivery answers).
    const content = outcome === "done" ? "+1" : outcome === "refused" || outcome === "blocked" ? "confused" : undefined;
    if (!content) return;
    try {
      await context.octokit.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { ...context.repo(), comment_id: comment.id, content });
    } catch (error) {
      context.log.warn({ err: error }, "could not react to the /stories comment");
    }
  });
}

/**
 * Called by the gates handler inside its per-issue lock. `gate`: an accepted pass creates the stories; `resume`: a
 * redelivered pass, already judged, only finishes a run that was interrupted (nothing otherwise, not even a read
 * when the caller passes the status comment it holds). A failure here never undoes the gate decision.
 */
export async function storiesAfterGatePass(run: StoriesRun, gate: GateConfig, kind: "gate" | "resume", status?: StatusComment | null): Promise<void> {
  if (!run.config.stories.enabled || run.config.stories.onGate !== gate.id) return;
  try {
    const outcome = await syncStories(run, { kind }, status);
    run.log.info({ gate: gate.id, outcome }, "user stories after gate pass");
  } catch (error) {
    run.log.warn({ err: error, gate: gate.id }, "could not create the user stories after the gate pass");
  }
}

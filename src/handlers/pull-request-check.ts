import type { Context, Probot } from "probot";
import type { AppDeps } from "./deps.js";
import { loadConfig } from "../config/load.js";
import { isOwnSender } from "../github/identity.js";
import { readPullRequest, runGovernanceCheck, type PullRequestInfo } from "../github/checks.js";
import { CHECK_NAME } from "../domain/gates/check.js";
import type { ConvergeConfig } from "../config/schema.js";

/**
 * The "Converge governance" check run (issue 3, merge protection): on every pull request that references a use case
 * (closing keywords or `Use case: #N`), failure until each referenced use case has passed the gate the config requires
 * before merge. Gate changes re-run it from src/handlers/gates.ts, so it flips without a new push.
 */
export function registerPullRequestCheck(app: Probot, deps: AppDeps): void {
  app.on(["pull_request.opened", "pull_request.edited", "pull_request.synchronize", "pull_request.reopened"], async (context) => {
    const { payload } = context;
    if (payload.action === "edited" && payload.changes.body === undefined) return; // title or base edits: nothing to re-check
    const config = await checkConfig(context, deps);
    if (!config) return;
    const pr = payload.pull_request;
    const info: PullRequestInfo = {
      owner: payload.repository.owner.login,
      repo: payload.repository.name,
      number: pr.number,
      headSha: pr.head.sha,
      body: pr.body,
      state: pr.state,
    };
    const fresh = payload.action === "opened" || payload.action === "synchronize"; // a head commit Converge has not seen
    const result = await runGovernanceCheck(context.octokit, info, await deps.identity(), config.gates, undefined, !fresh);
    context.log.info({ pull: pr.number, result }, "governance check");
  });

  app.on(["check_suite.requested", "check_suite.rerequested"], async (context) => {
    const { check_suite: suite } = context.payload;
    await rerun(context, deps, suite.head_sha, suite.pull_requests.map((p) => p.number));
  });

  app.on("check_run.rerequested", async (context) => {
    const { check_run: run } = context.payload;
    if (run.name !== CHECK_NAME) return;
    await rerun(context, deps, run.head_sha, run.pull_requests.map((p) => p.number));
  });
}

type CheckContext = Context<"pull_request" | "check_suite" | "check_run">;

async function checkConfig(context: CheckContext, deps: AppDeps): Promise<ConvergeConfig | undefined> {
  if (isOwnSender(context.payload.sender, await deps.identity())) return undefined;
  const loaded = await loadConfig(context);
  if (!loaded.ok) {
    context.log.warn({ problems: loaded.problems }, "invalid Converge config; governance check skipped");
    return undefined;
  }
  const gates = loaded.config.gates;
  if (!gates.enabled || gates.requiredBeforeMerge === null) return undefined;
  return loaded.config;
}

/** Re-run for the pull requests of a check suite (GitHub lists same-repository pull requests only). */
async function rerun(context: Context<"check_suite" | "check_run">, deps: AppDeps, headSha: string, numbers: number[]): Promise<void> {
  if (numbers.length === 0) return;
  const config = await checkConfig(context, deps);
  if (!config) return;
  const repo = context.repo();
  const identity = await deps.identity();
  for (const number of numbers) {
    const pr = await readPullRequest(context.octokit, { ...repo, number });
    if (pr.headSha !== headSha || pr.state !== "open") continue; // an older commit's suite: its head has moved on
    const result = await runGovernanceCheck(context.octokit, pr, identity, config.gates);
    context.log.info({ pull: number, result }, "governance check re-run");
  }
}

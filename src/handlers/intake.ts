import type { Context, Probot } from "probot";
import type { AppDeps } from "./deps.js";
import { isOwnSender } from "../github/identity.js";
import { loadConfig, CONFIG_PATH, type LoadedConfig } from "../config/load.js";
import { upsertStatusSection, type StatusComment } from "../github/status-comment.js";
import { withKeyLock } from "../github/keyed-lock.js";
import { applyIntakeLabelsAndLinks, planLiveIntake, writeStatusSections } from "../github/intake-run.js";
import { lazyTimeline, refreshGatesSection, type GateRun } from "../github/gates.js";
import { TeamMembership } from "../github/teams.js";
import { readIntakeState, INTAKE_SECTION, type IntakePlan } from "../domain/intake/plan.js";
import { renderConfigProblems } from "../domain/intake/status-card.js";
import { GATES_SECTION_ID, initialGatesSection, readGatesState } from "../domain/gates/render.js";
import { passedGates } from "../domain/gates/model.js";
import { defaultConfig, type ConvergeConfig } from "../config/schema.js";

type IssueEvent = Context<"issues.opened" | "issues.edited" | "issues.reopened" | "issues.labeled">;

/** Intake: validate use-case forms, label them, keep one status comment and the initiative links in step. */
export function registerIntake(app: Probot, deps: AppDeps): void {
  app.on(["issues.opened", "issues.edited", "issues.reopened"], async (context) => {
    const identity = await deps.identity();
    if (isOwnSender(context.payload.sender, identity)) return;
    const { issue, repository } = context.payload;
    if (issue.pull_request) return;
    const key = `${repository.full_name}#${issue.number}`.toLowerCase();
    await withKeyLock(key, () => runIntake(context, deps));
  });
}

/** Cheap check on the payload before any request: a use case carries the label, or the org's issue type. */
export function looksLikeUseCase(issue: { labels?: Array<{ name: string } | string>; type?: { name?: string } | null }, config: ConvergeConfig): boolean {
  const wanted = config.intake.labels.useCase.toLowerCase();
  const hasLabel = (issue.labels ?? []).some((l) => (typeof l === "string" ? l : l.name).toLowerCase() === wanted);
  const type = config.intake.issueTypes.useCase;
  return hasLabel || (type !== undefined && issue.type?.name?.toLowerCase() === type.toLowerCase());
}

/**
 * The use-case label added to an existing issue (issue 11): the same intake as for a new one. The gates handler, which
 * loads the config for every label event, calls this inside the per-issue lock, so an `opened` arriving as well runs
 * after or before it, never at once, and finds the status comment by its marker: no second comment.
 */
export async function runIntakeOnLabel(context: Context<"issues.labeled">, deps: AppDeps, config: ConvergeConfig): Promise<void> {
  await runIntake(context, deps, { ok: true, config, source: "file" });
}

async function runIntake(context: IssueEvent, deps: AppDeps, preloaded?: LoadedConfig): Promise<void> {
  const identity = await deps.identity();
  const ref = context.issue();
  const loaded = preloaded ?? (await loadConfig(context));
  if (!loaded.ok) {
    // Only speak up on issues that are use cases by the default label, so a broken config does not spam every issue.
    if (!looksLikeUseCase(context.payload.issue as never, defaultConfig())) return;
    context.log.warn({ problems: loaded.problems }, "invalid Converge config; intake paused");
    await upsertStatusSection(context.octokit, ref, identity, { ...INTAKE_SECTION, body: renderConfigProblems(CONFIG_PATH, loaded.problems) });
    return;
  }
  const config = loaded.config;
  if (!looksLikeUseCase(context.payload.issue as never, config)) return;

  // The payload is a snapshot: a redelivered or late event may carry an old body. Decide on the live issue.
  const { data: live } = await context.octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", ref);
  const currentLabels = live.labels
    .map((l) => (typeof l === "string" ? { name: l, node_id: "" } : { name: l.name ?? "", node_id: l.node_id ?? "" }))
    .filter((l) => l.name !== "");
  const intake = await planLiveIntake(context.octokit, ref, identity, config, {
    nodeId: live.node_id,
    title: live.title,
    body: live.body ?? null,
    createdAt: live.created_at,
    labels: currentLabels,
  }, undefined, { lockInitiatives: true });
  const { plan, analysis, issue, status } = intake;

  try {
    await applyIntakeLabelsAndLinks(context.octokit, ref, intake);
  } finally {
    intake.release(); // the initiatives' comments are written: other use cases naming them may go on
  }
  const gatesSection = status?.sections.find((s) => s.id === GATES_SECTION_ID);
  if (!gatesSection) {
    // The first status comment also shows the gate pipeline and who can pass each gate, before any gate activity.
    const initial = initialGatesSection({
      config: config.gates,
      repoOwner: ref.owner,
      labels: issue.labels,
      valueStreams: analysis.useCase["value-stream"] ? [analysis.useCase["value-stream"]] : [],
      intakeNeedsChanges: plan.problems.length > 0,
    });
    await writeStatusSections(context.octokit, ref, identity, intake, [plan.section, initial]);
  } else if (verdictChanged(status, plan) && passedGates(config.gates, issue.labels).some((g) => g.requirements.formValid)) {
    // A passed gate that requires a valid form must never read "passed" next to "needs changes" (nor keep its warning
    // after the fix): re-render the gates section with this verdict, in the same write as the intake section.
    const run: GateRun = {
      octokit: context.octokit,
      ref,
      identity,
      config,
      log: context.log,
      now: deps.now(),
      teams: new TeamMembership(context.octokit, context.log),
      ...serverUrlOf(context.payload.repository.html_url),
    };
    await refreshGatesSection(run, {
      labels: issue.labels,
      timeline: lazyTimeline(context.octokit, ref),
      section: { comment: status, state: readGatesState(gatesSection.state) },
      also: [plan.section],
    });
  } else {
    await writeStatusSections(context.octokit, ref, identity, intake, [plan.section]);
  }
  context.log.info({ issue: ref.issue_number, problems: plan.problems.length, links: plan.linked.length }, "intake checked");
}

/** Did intake's verdict (accepted / needs changes) change since the status comment was written? */
function verdictChanged(status: StatusComment | undefined, plan: IntakePlan): boolean {
  const previous = readIntakeState(status?.sections.find((s) => s.id === INTAKE_SECTION.id)?.state);
  return previous.valid !== (plan.problems.length === 0);
}

/** GHES links point at the enterprise host; github.com is the default and is left out. */
function serverUrlOf(htmlUrl: string | undefined): { serverUrl?: string } {
  try {
    const origin = new URL(htmlUrl ?? "").origin;
    return origin !== "https://github.com" ? { serverUrl: origin } : {};
  } catch {
    return {};
  }
}

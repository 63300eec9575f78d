import type { Context, Probot } from "probot";
import type { AppDeps } from "./deps.js";
import { isOwnSender } from "../github/identity.js";
import { loadConfig, CONFIG_PATH } from "../config/load.js";
import { bundledTemplate } from "../templates.js";
import { readStatusComment, upsertStatusSection } from "../github/status-comment.js";
import { completeCommentLookups, lookUpInitiatives } from "../github/initiatives.js";
import { applyLabelChange } from "../github/labels.js";
import { writeOwnComment } from "../github/own-comment.js";
import { withKeyLock } from "../github/keyed-lock.js";
import { analyzeUseCase, planIntake, readIntakeState, referencesToLookUp, INTAKE_SECTION } from "../domain/intake/plan.js";
import { renderConfigProblems } from "../domain/intake/status-card.js";
import { GATES_SECTION_ID, initialGatesSection } from "../domain/gates/render.js";
import { defaultConfig, type ConvergeConfig } from "../config/schema.js";

type IssueEvent = Context<"issues.opened" | "issues.edited" | "issues.reopened">;

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

async function runIntake(context: IssueEvent, deps: AppDeps): Promise<void> {
  const identity = await deps.identity();
  const ref = context.issue();
  const loaded = await loadConfig(context);
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
  const issue = {
    owner: ref.owner,
    repo: ref.repo,
    number: ref.issue_number,
    title: live.title,
    createdAt: live.created_at,
    labels: currentLabels.map((l) => l.name),
    body: live.body ?? null,
  };

  const template = bundledTemplate("use-case");
  const analysis = analyzeUseCase(template, issue, config);
  const status = await readStatusComment(context.octokit, ref, identity);
  const previous = readIntakeState(status?.sections.find((s) => s.id === INTAKE_SECTION.id)?.state);
  const refs = referencesToLookUp(analysis, previous);
  const found = refs.length > 0 ? await lookUpInitiatives(context.octokit, refs, identity, config.intake.labels.initiative) : [];
  const lookups = await completeCommentLookups(context.octokit, found, identity);
  const plan = planIntake(template, issue, analysis, lookups, previous, config);

  await applyLabelChange(context.octokit, ref, live.node_id, currentLabels, plan.labels);
  // The first status comment also shows the gate pipeline and who can pass each gate, before any gate activity.
  const hasGates = status?.sections.some((s) => s.id === GATES_SECTION_ID) ?? false;
  const sections = hasGates
    ? [plan.section]
    : [
        plan.section,
        initialGatesSection({
          config: config.gates,
          repoOwner: ref.owner,
          labels: issue.labels,
          valueStreams: analysis.useCase["value-stream"] ? [analysis.useCase["value-stream"]] : [],
        }),
      ];
  await upsertStatusSection(context.octokit, ref, identity, sections, status ?? null);
  for (const write of plan.initiativeWrites) {
    await writeOwnComment(context.octokit, { owner: write.ref.owner, repo: write.ref.repo, issue_number: write.ref.number }, write.commentId, write.body);
  }
  context.log.info({ issue: ref.issue_number, problems: plan.problems.length, links: plan.linked.length }, "intake checked");
}

import type { ConvergeConfig } from "../config/schema.js";
import { validateConfig } from "../config/validate.js";
import { CONFIG_PATH } from "../config/load.js";
import { GATES_SECTION_ID, initialGatesSection, readGatesState } from "../domain/gates/render.js";
import type { AppIdentity } from "./identity.js";
import { withKeyLock } from "./keyed-lock.js";
import type { IssueRef, Octokit } from "./octokit.js";
import { applyIntakeLabelsAndLinks, planLiveIntake, writeStatusSections } from "./intake-run.js";
import { lazyTimeline, refreshGatesSection, type GateRun } from "./gates.js";
import { TeamMembership } from "./teams.js";

/**
 * The reconciliation sweep (issue 12): GitHub does not retry a failed webhook delivery, so once a day every use case
 * updated since the last sweep (`since` = now − delivery.reconcile.lookbackHours) is validated again exactly as
 * intake would on an edit, and its gates section re-rendered from the live labels and timeline. Every write is the
 * same idempotent upsert the handlers use: a use case that is in step is read, not written.
 */

export interface SweepLog {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
}

export interface SweepResult {
  repositories: number;
  checked: number;
  failed: number;
}

export async function sweepInstallation(octokit: Octokit, org: string, since: string, deps: { identity: () => Promise<AppIdentity>; now: () => Date; log: SweepLog }): Promise<SweepResult> {
  const identity = await deps.identity();
  const repositories = (await octokit.paginate("GET /installation/repositories", { per_page: 100 })).filter(
    (r) => r.owner.login.toLowerCase() === org.toLowerCase() && !r.archived,
  );
  const result: SweepResult = { repositories: repositories.length, checked: 0, failed: 0 };
  for (const repository of repositories) {
    const repo = { owner: org, repo: repository.name };
    const config = await repoConfig(octokit, repo);
    if (!config) continue; // an invalid config is reported by intake on the next edit; nothing to validate against
    const issues = await octokit.paginate("GET /repos/{owner}/{repo}/issues", { ...repo, labels: config.intake.labels.useCase, state: "open", since, per_page: 100 });
    for (const issue of issues) {
      if (issue.pull_request) continue;
      const ref: IssueRef = { ...repo, issue_number: issue.number };
      try {
        await withKeyLock(`${org}/${repository.name}#${issue.number}`.toLowerCase(), () => revalidate(octokit, ref, identity, config, deps));
        result.checked++;
      } catch (error) {
        result.failed++;
        deps.log.warn({ err: error, issue: `${org}/${repository.name}#${issue.number}` }, "sweep: could not re-validate a use case; the next sweep tries again");
      }
    }
  }
  deps.log.info({ org, since, ...result }, "reconciliation sweep done");
  return result;
}

/** The repository's config as Probot's context.config reads it (the org's .github file when the repo has none). */
async function repoConfig(octokit: Octokit, repo: { owner: string; repo: string }): Promise<ConvergeConfig | undefined> {
  const { config } = await octokit.config.get<Record<string, unknown>>({ ...repo, path: CONFIG_PATH });
  const { _extends: _ignored, ...rest } = config;
  const result = validateConfig(rest);
  return result.ok ? result.config : undefined;
}

/** Intake on the live issue, then the gates section from the live labels and timeline (as the handlers do). */
async function revalidate(octokit: Octokit, ref: IssueRef, identity: AppIdentity, config: ConvergeConfig, deps: { now: () => Date; log: SweepLog }): Promise<void> {
  const { data: live } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { ...ref });
  const labels = live.labels
    .map((l) => (typeof l === "string" ? { name: l, node_id: "" } : { name: l.name ?? "", node_id: l.node_id ?? "" }))
    .filter((l) => l.name !== "");
  const intake = await planLiveIntake(octokit, ref, identity, config, { nodeId: live.node_id, title: live.title, body: live.body ?? null, createdAt: live.created_at, labels });
  await applyIntakeLabelsAndLinks(octokit, ref, intake);
  const gates = intake.status?.sections.find((s) => s.id === GATES_SECTION_ID);
  if (!gates) {
    const initial = initialGatesSection({
      config: config.gates,
      repoOwner: ref.owner,
      labels: intake.issue.labels,
      valueStreams: intake.analysis.useCase["value-stream"] ? [intake.analysis.useCase["value-stream"]] : [],
      intakeNeedsChanges: intake.plan.problems.length > 0,
    });
    await writeStatusSections(octokit, ref, identity, intake, [intake.plan.section, initial]);
    return;
  }
  const run: GateRun = { octokit, ref, identity, config, log: deps.log, now: deps.now(), teams: new TeamMembership(octokit, deps.log) };
  await refreshGatesSection(run, {
    labels: intake.issue.labels,
    timeline: lazyTimeline(octokit, ref),
    section: { comment: intake.status, state: readGatesState(gates.state) },
    also: [intake.plan.section],
  });
}

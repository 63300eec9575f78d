import type { Context, Probot } from "probot";
import type { AppDeps } from "./deps.js";
import { isOwnSender } from "../github/identity.js";
import { withKeyLock } from "../github/keyed-lock.js";
import { findOwnComment, writeOwnComment } from "../github/own-comment.js";
import { loadOrgConfig } from "../github/org-config.js";
import { TeamMembership } from "../github/teams.js";
import { resolveTeam } from "../domain/gates/model.js";
import { isoWeekIn } from "../domain/delivery/week.js";
import { failedAnswer, isReportCommand, queuedAnswer, refusedAnswer, requestMarker, requestState, type Refusal } from "../domain/delivery/report-command.js";
import type { JobQueue } from "../jobs/queue.js";
import { requestJobId, type DeliveryJob } from "../jobs/delivery-worker.js";

type CommentEvent = Context<"issue_comment.created">;

/**
 * `/converge report` in the office repository (issue 12): a member of the office team (report.officeTeam) gets this
 * week's report now. The handler only checks, answers once and queues the job; the job posts the report and edits
 * the answer with the link. Redelivery finds the answer by the request's comment id and neither answers nor queues
 * twice (a request still marked queued is queued again under the same job id, which the queue runs once).
 */
export function registerReportCommand(app: Probot, deps: AppDeps, queue: JobQueue<DeliveryJob>): void {
  app.on("issue_comment.created", async (context) => {
    const { comment, sender, installation } = context.payload;
    if (!isReportCommand(comment.body) || !installation) return;
    if (isOwnSender(sender, await deps.identity())) return;
    await withKeyLock(`report-request:${comment.id}`, () => answerRequest(context, deps, queue, installation.id));
  });
}

async function answerRequest(context: CommentEvent, deps: AppDeps, queue: JobQueue<DeliveryJob>, installationId: number): Promise<void> {
  const { comment, repository } = context.payload;
  const org = repository.owner.login;
  const requester = comment.user?.login ?? context.payload.sender.login;
  const ref = context.issue();
  const identity = await deps.identity();
  const existing = await findOwnComment(context.octokit, ref, identity, requestMarker(comment.id));
  if (existing && requestState(existing.body) !== "queued") return; // answered already: a redelivery

  const loaded = await loadOrgConfig(context.octokit, org);
  if (!loaded.ok) {
    const week = isoWeekIn(deps.now(), "UTC");
    await writeOwnComment(context.octokit, ref, existing?.id, failedAnswer(comment.id, requester, week, `the organisation's configuration is not valid: ${loaded.problems.join("; ")}`));
    return;
  }
  const config = loaded.config;
  const refusal = await refuse(context, config.delivery.repository, config.report.officeTeam, org, requester);
  if (refusal) {
    await writeOwnComment(context.octokit, ref, existing?.id, refusedAnswer(comment.id, requester, refusal));
    context.log.info({ requester, refusal: refusal.kind }, "/converge report refused");
    return;
  }
  const week = isoWeekIn(deps.now(), config.delivery.schedule.timeZone);
  let answerId: number;
  if (existing) answerId = existing.id;
  else {
    // Not retried: a create GitHub applied but answered 5xx would post twice (ADR 0080); a redelivery finds it.
    const { data } = await context.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...ref,
      body: queuedAnswer(comment.id, requester, week),
      request: { retries: 0 },
    });
    answerId = Number(data.id);
  }
  const added = await queue.add(requestJobId(installationId, comment.id), {
    kind: "report",
    installationId,
    org,
    request: { repo: ref.repo, issueNumber: ref.issue_number, commentId: comment.id, answerId, requester },
  });
  context.log.info({ requester, week, queued: added }, "/converge report queued");
}

async function refuse(context: CommentEvent, officeRepo: string | undefined, officeTeam: string | undefined, org: string, requester: string): Promise<Refusal | undefined> {
  if (!officeRepo || officeRepo.toLowerCase() !== context.payload.repository.name.toLowerCase()) return { kind: "not-office-repo", officeRepo, org };
  if (!officeTeam) return { kind: "no-office-team" };
  const team = resolveTeam(officeTeam, org);
  const membership = await new TeamMembership(context.octokit, context.log).check(team, requester);
  const name = `@${team.org}/${team.slug}`;
  if (membership === "member") return undefined;
  return membership === "unknown" ? { kind: "unverified", team: name } : { kind: "not-member", team: name };
}

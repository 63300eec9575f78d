import type { Context, Probot } from "probot";
import type { AppDeps } from "./deps.js";
import { isOwnSender } from "../github/identity.js";
import { loadConfig } from "../config/load.js";
import { withKeyLock } from "../github/keyed-lock.js";
import { findOwnComment, writeOwnComment } from "../github/own-comment.js";
import { readLiveComment } from "../github/comments.js";
import { TeamMembership } from "../github/teams.js";
import { bundledTemplate } from "../templates.js";
import { INITIATIVE_MARKER } from "../domain/status/markers.js";
import { parseIssueBody } from "../domain/forms/parse-body.js";
import { parseHandle } from "../domain/values/handles.js";
import { isoDay } from "../domain/values/dates.js";
import { resolveTeam } from "../domain/gates/model.js";
import { BENEFIT_USAGE, mayRecordBenefit, parseBenefitCommand, realizedRecord } from "../domain/benefits/command.js";
import { recordInInitiativeComment, type InitiativeNotice } from "../domain/intake/initiatives.js";

type CommentEvent = Context<"issue_comment.created" | "issue_comment.edited">;

/** A comment line starting with /benefit: checked on the payload, so other comments cost no request. */
const COMMAND = /^\s*\/benefit\b/im;

/**
 * `/benefit realized <amount> [as of <date>]` on an initiative: the owner (from the initiative form) or a member of the
 * configured office team records realized benefit; it is kept in the initiative's Converge comment with who and when.
 * A refused or unreadable command is explained in that same comment (no extra comment), and the command gets a 👍 or 😕.
 */
export function registerBenefitCommand(app: Probot, deps: AppDeps): void {
  app.on(["issue_comment.created", "issue_comment.edited"], async (context) => {
    const { comment, issue, repository, sender } = context.payload;
    if (issue.pull_request || !COMMAND.test(comment.body ?? "")) return;
    if (isOwnSender(sender, await deps.identity())) return;
    const key = `${repository.full_name}#${issue.number}`.toLowerCase();
    await withKeyLock(key, () => runBenefitCommand(context, deps));
  });
}

async function runBenefitCommand(context: CommentEvent, deps: AppDeps): Promise<void> {
  const { comment, issue } = context.payload;
  const loaded = await loadConfig(context);
  if (!loaded.ok) return; // intake reports an invalid config on use cases; nothing is recorded meanwhile
  const config = loaded.config;
  const initiativeLabel = config.intake.labels.initiative.toLowerCase();
  if (!issue.labels?.some((l) => l.name.toLowerCase() === initiativeLabel)) return;

  const ref = context.issue();
  // The comment is the event's identity (`source`); its text is read live, so every delivery of it, in any order and
  // however late, records what it says now: a redelivered `created` never undoes a later edit (ADR 0025).
  const live = await readLiveComment(context.octokit, ref, comment.id);
  if (!live) {
    context.log.info({ comment: comment.id }, "benefit command: the comment was deleted; nothing to record");
    return;
  }
  const command = parseBenefitCommand(live.body, { now: isoDay(deps.now()), defaultCurrency: config.report.reportingCurrency });
  if (command.kind === "none") return;
  const source = `comment:${comment.id}`;
  const who = live.user?.login ?? comment.user?.login ?? context.payload.sender.login;
  let change: { record?: ReturnType<typeof realizedRecord>; notice?: InitiativeNotice; source: string };

  if (command.kind === "invalid") {
    change = { source, notice: { source, text: `/benefit from ${who} was not recorded: ${command.problem}. Usage: ${BENEFIT_USAGE}` } };
  } else {
    const owner = initiativeOwner(issue.body ?? "");
    const officeTeam = config.report.officeTeam;
    let officeMembership: "member" | "not-member" | "unknown" = "not-member";
    if (officeTeam && (!owner || owner.toLowerCase() !== who.toLowerCase())) {
      officeMembership = await new TeamMembership(context.octokit, context.log).check(resolveTeam(officeTeam, ref.owner), who);
    }
    const decision = mayRecordBenefit({
      commenter: who,
      commenterType: live.user?.type ?? comment.user?.type,
      initiative: { id: `${ref.owner}/${ref.repo}#${ref.issue_number}`, owner: owner ?? "(no owner named in the form)" },
      officeTeam,
      officeMembership,
    });
    change = decision.allowed
      ? { source, record: realizedRecord(command, who, live.updatedAt, source) }
      : { source, notice: { source, text: `/benefit from ${who} was not recorded: ${decision.reason}.` } };
  }

  const identity = await deps.identity();
  const existing = await findOwnComment(context.octokit, ref, identity, INITIATIVE_MARKER);
  const body = recordInInitiativeComment(existing?.body, change);
  if (body === undefined) {
    // Already recorded (a redelivery), or Converge's comment could not be read safely: write nothing.
    context.log.info({ source }, "benefit command: nothing to change");
    return;
  }
  await writeOwnComment(context.octokit, ref, existing?.id, body);
  // A reaction tells the commenter at once whether it worked, without another comment.
  await context.octokit.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
    owner: ref.owner,
    repo: ref.repo,
    comment_id: comment.id,
    content: change.record ? "+1" : "confused",
  });
}

/** The initiative owner named in the business-initiative form, if the body still has a valid one. */
function initiativeOwner(body: string): string | undefined {
  const value = parseIssueBody(bundledTemplate("business-initiative"), body).values.owner;
  return value?.type === "input" && value.text ? parseHandle(value.text) : undefined;
}

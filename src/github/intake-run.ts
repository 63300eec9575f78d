import type { ConvergeConfig } from "../config/schema.js";
import { analyzeUseCase, planIntake, readIntakeState, referencesToLookUp, INTAKE_SECTION, type Analysis, type IntakePlan, type UseCaseIssue } from "../domain/intake/plan.js";
import type { StatusSection } from "../domain/status/comment-body.js";
import { bundledTemplate } from "../templates.js";
import type { AppIdentity } from "./identity.js";
import { completeCommentLookups, lookUpInitiatives } from "./initiatives.js";
import { acquireKeys } from "./keyed-lock.js";
import { applyLabelChange, type CurrentLabel } from "./labels.js";
import type { IssueRef, Octokit } from "./octokit.js";
import { writeOwnComment } from "./own-comment.js";
import { readStatusComment, upsertStatusSection, type StatusComment } from "./status-comment.js";

/**
 * Intake's verdict on the live issue, computed one way for everyone who needs it: the intake handler, and the gates
 * whose requirement is "form valid" (issue 16: one verdict serves both, fields and initiative references alike).
 */

/** The live issue as intake needs it (a webhook payload is a snapshot: decide on the issue as it is now). */
export interface LiveUseCase {
  nodeId: string;
  title: string;
  body: string | null;
  createdAt: string;
  labels: CurrentLabel[];
}

export interface LiveIntake {
  issue: UseCaseIssue;
  nodeId: string;
  labels: CurrentLabel[];
  analysis: Analysis;
  plan: IntakePlan;
  /** Converge's status comment as read for this verdict (undefined: there is none yet). */
  status: StatusComment | undefined;
  /** Lets go of the initiatives held since their lookup (planned with `lockInitiatives`); a no-op otherwise. */
  release: () => void;
}

/** In-process lock key of an initiative's Converge comment (its own namespace: never a use case's lock key). */
export function initiativeLockKey(ref: { owner: string; repo: string; number: number }): string {
  return `initiative:${ref.owner}/${ref.repo}#${ref.number}`.toLowerCase();
}

/** Parse and validate the form, look up every referenced initiative (one GraphQL request per 25), and plan intake. */
export async function planLiveIntake(
  octokit: Octokit,
  ref: IssueRef,
  identity: AppIdentity,
  config: ConvergeConfig,
  live: LiveUseCase,
  status?: StatusComment | null,
  /**
   * Hold each initiative looked up until `release()`: concurrent intakes of use cases naming the same initiative
   * would otherwise each read its comment before the other wrote it, and each create one (or overwrite the other's
   * listing). The caller releases after applyIntakeLabelsAndLinks.
   */
  options: { lockInitiatives?: boolean } = {},
): Promise<LiveIntake> {
  const issue: UseCaseIssue = {
    owner: ref.owner,
    repo: ref.repo,
    number: ref.issue_number,
    title: live.title,
    createdAt: live.createdAt,
    labels: live.labels.map((l) => l.name),
    body: live.body,
  };
  const template = bundledTemplate("use-case");
  const analysis = analyzeUseCase(template, issue, config);
  const comment = status === undefined ? await readStatusComment(octokit, ref, identity) : (status ?? undefined);
  const previous = readIntakeState(comment?.sections.find((s) => s.id === INTAKE_SECTION.id)?.state);
  const refs = referencesToLookUp(analysis, previous);
  const release = options.lockInitiatives && refs.length > 0 ? await acquireKeys(refs.map(initiativeLockKey)) : () => {};
  try {
    const found = refs.length > 0 ? await lookUpInitiatives(octokit, refs, identity, config.intake.labels.initiative) : [];
    const lookups = await completeCommentLookups(octokit, found, identity);
    const plan = planIntake(template, issue, analysis, lookups, previous, config);
    return { issue, nodeId: live.nodeId, labels: live.labels, analysis, plan, status: comment, release };
  } catch (error) {
    release();
    throw error;
  }
}

/** Intake's labels and its listing on the initiatives, as planned (each write only when something changes). */
export async function applyIntakeLabelsAndLinks(octokit: Octokit, ref: IssueRef, intake: LiveIntake): Promise<void> {
  await applyLabelChange(octokit, ref, intake.nodeId, intake.labels, intake.plan.labels);
  for (const write of intake.plan.initiativeWrites) {
    await writeOwnComment(octokit, { owner: write.ref.owner, repo: write.ref.repo, issue_number: write.ref.number }, write.commentId, write.body);
  }
}

/** Write status sections in one request (or none when unchanged). */
export async function writeStatusSections(octokit: Octokit, ref: IssueRef, identity: AppIdentity, intake: LiveIntake, sections: StatusSection[]): Promise<void> {
  await upsertStatusSection(octokit, ref, identity, sections, intake.status ?? null);
}

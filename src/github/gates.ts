import type { ConvergeConfig } from "../config/schema.js";
import { buildAuditTrail, currentApprovals } from "../domain/gates/audit.js";
import { formFacts } from "../domain/gates/form-facts.js";
import { resolveTeam, teamKey, type Approval, type GateConfig } from "../domain/gates/model.js";
import {
  GATES_SECTION_ID,
  GATES_SECTION_ORDER,
  MAX_EDITS_REMEMBERED,
  readGatesState,
  renderGatesSection,
  type GatesSectionState,
} from "../domain/gates/render.js";
import { environmentMatches, type RequirementFacts } from "../domain/gates/requirements.js";
import type { ScopeFlag } from "../domain/gates/scope.js";
import { settleScopeFlags } from "../domain/gates/scope.js";
import { remember } from "../domain/gates/event-identity.js";
import { bundledTemplate } from "../templates.js";
import { INTAKE_SECTION } from "../domain/intake/plan.js";
import { problemLine } from "../domain/intake/status-card.js";
import type { StatusSection } from "../domain/status/comment-body.js";
import { planLiveIntake, type LiveIntake } from "./intake-run.js";
import type { CurrentLabel } from "./labels.js";
import { botLogin, type AppIdentity } from "./identity.js";
import type { IssueRef, Octokit } from "./octokit.js";
import { readStatusComment, upsertStatusSection, type StatusComment } from "./status-comment.js";
import type { Logger, TeamMembership } from "./teams.js";
import { fetchTimeline, type IssueTimeline } from "./timeline.js";

/** Everything one gate decision needs, for one event. */
export interface GateRun {
  octokit: Octokit;
  ref: IssueRef;
  identity: AppIdentity;
  config: ConvergeConfig;
  log: Logger & { info: (obj: object, msg: string) => void };
  now: Date;
  teams: TeamMembership;
  serverUrl?: string;
}

/** The issue as it is now (a webhook payload is a snapshot; other people and bots may have changed it since). */
export interface LiveIssue {
  number: number;
  title: string;
  body: string;
  state: string;
  stateReason: string | null;
  labels: string[];
  /** The labels with their node ids (intake removes stale ones by id). */
  labelNodes: CurrentLabel[];
  nodeId: string;
  assignees: string[];
  createdAt: string;
  isPullRequest: boolean;
}

export async function readLiveIssue(octokit: Octokit, ref: IssueRef): Promise<LiveIssue> {
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { ...ref });
  return {
    number: data.number,
    title: data.title,
    body: data.body ?? "",
    state: data.state,
    stateReason: data.state_reason ?? null,
    labels: data.labels.map((label) => (typeof label === "string" ? label : (label.name ?? ""))).filter(Boolean),
    labelNodes: data.labels
      .map((label) => (typeof label === "string" ? { name: label, node_id: "" } : { name: label.name ?? "", node_id: label.node_id ?? "" }))
      .filter((label) => label.name !== ""),
    nodeId: data.node_id,
    assignees: (data.assignees ?? []).map((a) => a.login),
    createdAt: data.created_at,
    isPullRequest: Boolean(data.pull_request),
  };
}

/** Remove one label; already gone (404) is fine, which keeps redeliveries harmless. */
export async function removeLabel(octokit: Octokit, ref: IssueRef, name: string): Promise<void> {
  try {
    await octokit.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", { ...ref, name });
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
  }
}

export async function addLabel(octokit: Octokit, ref: IssueRef, name: string): Promise<void> {
  await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", { ...ref, labels: [name] });
}

export async function reopenIssue(octokit: Octokit, ref: IssueRef): Promise<void> {
  await octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { ...ref, state: "open" });
}

export function valueStreams(config: ConvergeConfig, labels: readonly string[]): string[] {
  const prefix = config.intake.labelPrefixes.valueStream.toLowerCase();
  if (!prefix) return [];
  return labels.filter((l) => l.toLowerCase().startsWith(prefix)).map((l) => l.slice(prefix.length));
}

/** Gather only the facts this gate's requirements need (each costs requests). */
export async function gatherFacts(
  run: GateRun,
  gate: GateConfig,
  issue: LiveIssue,
  timeline: () => Promise<IssueTimeline>,
  intake?: LiveIntake | "failed",
): Promise<RequirementFacts> {
  const req = gate.requirements;
  const facts: RequirementFacts = {};
  if (req.fields.length > 0 || req.formValid || req.acceptanceCriteriaTicked) {
    try {
      Object.assign(
        facts,
        formFacts(bundledTemplate("use-case"), issue.body, {
          owner: run.ref.owner,
          repo: run.ref.repo,
          filedAt: new Date(issue.createdAt),
          requireFutureDate: run.config.intake.requireFutureDeadline,
          defaultCurrency: undefined,
        }),
      );
    } catch (error) {
      run.log.warn({ err: error }, "could not parse the use-case form for a gate requirement");
    }
    // "Form valid" is intake's verdict on the live issue, references included, in the intake section's own words.
    if (req.formValid && facts.form) {
      if (intake === "failed" || intake === undefined) delete facts.form;
      else facts.form = { ...facts.form, problems: intake.plan.problems.map(problemLine) };
    }
  }
  if (req.architectAssigned) facts.architectAssigned = await architectAssigned(run, issue.assignees);
  if (req.linkedPullRequestMerged || req.deployment) {
    try {
      const { pullRequests } = await timeline();
      facts.mergedPullRequests = pullRequests
        .filter((pr): pr is typeof pr & { mergedAt: string } => pr.mergedAt !== null)
        .map((pr) => ({ number: pr.number, mergedAt: pr.mergedAt }));
    } catch (error) {
      run.log.warn({ err: error }, "could not read the timeline for linked pull requests");
    }
  }
  if (req.deployment && facts.mergedPullRequests && facts.mergedPullRequests.length > 0) {
    const since = Math.min(...facts.mergedPullRequests.map((pr) => Date.parse(pr.mergedAt)));
    try {
      facts.deployments = await recentDeployments(run, req.deployment.environment, since);
    } catch (error) {
      run.log.warn({ err: error }, "could not read deployments");
    }
  }
  return facts;
}

async function architectAssigned(run: GateRun, assignees: readonly string[]): Promise<boolean | "unknown"> {
  const architects = run.config.gates.architects;
  const users = new Set(architects.users.map((u) => u.toLowerCase()));
  if (assignees.some((a) => users.has(a.toLowerCase()))) return true;
  const teams = architects.teams.map((t) => resolveTeam(t, run.ref.owner));
  let unknown = false;
  for (const assignee of assignees) {
    const map = await run.teams.resolve(teams, assignee);
    if (teams.some((t) => map[teamKey(t)] === "member")) return true;
    if (Object.values(map).includes("unknown")) unknown = true;
  }
  return unknown ? "unknown" : false;
}

/** Deployments to matching environments since `since` (newest first), each with its latest status; at most 10 looked up. */
async function recentDeployments(run: GateRun, pattern: string, since: number): Promise<NonNullable<RequirementFacts["deployments"]>> {
  const { data } = await run.octokit.request("GET /repos/{owner}/{repo}/deployments", {
    owner: run.ref.owner,
    repo: run.ref.repo,
    per_page: 100,
  });
  const candidates = data
    .filter((d) => environmentMatches(pattern, d.environment) && Date.parse(d.created_at) >= since)
    .slice(0, 10);
  const result: Array<{ environment: string; state: string; createdAt: string }> = [];
  for (const deployment of candidates) {
    const statuses = await run.octokit.request("GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
      owner: run.ref.owner,
      repo: run.ref.repo,
      deployment_id: Number(deployment.id),
      per_page: 1,
    });
    const state = statuses.data[0]?.state ?? "pending";
    result.push({ environment: deployment.environment, state, createdAt: deployment.created_at });
    if (state === "success") break;
  }
  return result;
}

/**
 * Intake's verdict on the live issue for a gate that requires a valid form, or "failed" when it could not be reached
 * (an initiative lookup failed): the requirement is then unverified and the gate is not passed (fail safe).
 */
export async function intakeVerdictFor(run: GateRun, gate: GateConfig, issue: LiveIssue, status: StatusComment | undefined): Promise<LiveIntake | "failed" | undefined> {
  if (!gate.requirements.formValid) return undefined;
  try {
    return await planLiveIntake(
      run.octokit,
      run.ref,
      run.identity,
      run.config,
      { nodeId: issue.nodeId, title: issue.title, body: issue.body, createdAt: issue.createdAt, labels: issue.labelNodes },
      status ?? null,
      // The verdict rewrites the initiatives' listings too: hold them as intake does (ADR 0143); the caller releases.
      { lockInitiatives: true },
    );
  } catch (error) {
    run.log.warn({ err: error }, "could not reach intake's verdict for a gate requirement");
    return "failed";
  }
}

/** A timeline fetched at most once per event, on first use. */
export function lazyTimeline(octokit: Octokit, ref: IssueRef): () => Promise<IssueTimeline> {
  let cached: Promise<IssueTimeline> | undefined;
  return () => (cached ??= fetchTimeline(octokit, ref));
}

export function approvalsFrom(run: GateRun, timeline: IssueTimeline): Approval[] {
  return currentApprovals(
    buildAuditTrail({ useCase: run.ref.issue_number, events: timeline.events, config: run.config.gates, appLogin: botLogin(run.identity) ?? "" }),
  );
}

export async function readGatesSection(run: GateRun): Promise<{ comment: StatusComment | undefined; state: GatesSectionState }> {
  const comment = await readStatusComment(run.octokit, run.ref, run.identity);
  const section = comment?.sections.find((s) => s.id === GATES_SECTION_ID);
  return { comment, state: readGatesState(section?.state) };
}

/**
 * Re-render the gates section from the live labels and the timeline's approvals. Writes nothing when the text and
 * state are unchanged (redelivery). `notice` replaces the last decision's explanation; omit it to keep the old one.
 */
export async function refreshGatesSection(
  run: GateRun,
  input: {
    labels: readonly string[];
    timeline: () => Promise<IssueTimeline>;
    notice?: string[];
    flags?: ScopeFlag[];
    /** An approval this event made that the timeline may not show yet. */
    pending?: Approval;
    section?: { comment: StatusComment | undefined; state: GatesSectionState };
    /** Record the event this decision judged, by identity (see GatesSectionState.decided). */
    decided?: { gateId: string; key?: string; event?: string };
    /** Other sections to write in the same request (intake's section with the verdict this decision used). */
    also?: StatusSection[];
    /** Record a scope-change edit as handled, by its delivery id (see GatesSectionState.edits). */
    edit?: string;
  },
): Promise<void> {
  const { comment, state } = input.section ?? (await readGatesSection(run));
  const gates = run.config.gates;
  const passed = new Set(gates.pipeline.filter((g) => input.labels.some((l) => l.toLowerCase() === g.label.toLowerCase())).map((g) => g.id));
  let approvals: Approval[] = [];
  try {
    approvals = approvalsFrom(run, await input.timeline());
  } catch (error) {
    run.log.warn({ err: error }, "could not read the timeline; approvals are shown without names");
  }
  if (input.pending && !approvals.some((a) => a.gateId === input.pending?.gateId)) approvals.push(input.pending);
  const flags = settleScopeFlags(input.flags ?? state.flags, passed, approvals);
  const notice = input.notice ?? state.notice;
  const intakeSection = input.also?.find((s) => s.id === INTAKE_SECTION.id) ?? comment?.sections.find((s) => s.id === INTAKE_SECTION.id);
  const body = renderGatesSection({
    ctx: { config: gates, repoOwner: run.ref.owner, ...(run.serverUrl ? { serverUrl: run.serverUrl } : {}) },
    passedGates: passed,
    approvals,
    flags,
    valueStreams: valueStreams(run.config, input.labels),
    notice,
    intakeNeedsChanges: intakeVerdict(intakeSection?.state) === false,
  });
  const decided = { ...state.decided };
  if (input.decided) decided[input.decided.gateId] = remember(decided[input.decided.gateId], input.decided);
  const edits = input.edit ? [...(state.edits ?? []).filter((e) => e !== input.edit), input.edit].slice(-MAX_EDITS_REMEMBERED) : (state.edits ?? []);
  const nextState: GatesSectionState = {
    v: 1,
    flags,
    notice,
    ...(Object.keys(decided).length > 0 ? { decided } : {}),
    ...(edits.length > 0 ? { edits } : {}),
  };
  await upsertStatusSection(
    run.octokit,
    run.ref,
    run.identity,
    [...(input.also ?? []), { id: GATES_SECTION_ID, order: GATES_SECTION_ORDER, body, state: nextState }],
    comment ? { id: comment.id, body: comment.body } : null,
  );
}

/** Intake's verdict as its section records it: true accepted, false needs changes, undefined unknown (no state). */
function intakeVerdict(state: unknown): boolean | undefined {
  return state && typeof state === "object" && typeof (state as { valid?: unknown }).valid === "boolean" ? (state as { valid: boolean }).valid : undefined;
}

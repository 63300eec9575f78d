import type { Context, Probot } from "probot";
import type { AppDeps } from "./deps.js";
import { loadConfig } from "../config/load.js";
import { botLogin, isOwnSender } from "../github/identity.js";
import { withKeyLock } from "../github/keyed-lock.js";
import { TeamMembership } from "../github/teams.js";
import {
  addLabel,
  approvalsFrom,
  gatherFacts,
  intakeVerdictFor,
  lazyTimeline,
  readGatesSection,
  readLiveIssue,
  refreshGatesSection,
  removeLabel,
  reopenIssue,
  valueStreams,
  type GateRun,
  type LiveIssue,
} from "../github/gates.js";
import { readPullRequest, runGovernanceCheck } from "../github/checks.js";
import { applyIntakeLabelsAndLinks } from "../github/intake-run.js";
import type { IssueTimeline } from "../github/timeline.js";
import { authorize, evaluateClose, evaluateGatePass, evaluateGateRemoval, isBot } from "../domain/gates/evaluate.js";
import { parseGateCommand } from "../domain/gates/commands.js";
import { buildAuditTrail, eventIdentity } from "../domain/gates/audit.js";
import { findGate, gateForLabel, gateTeams, passedGateIds, type Actor, type Approval, type GateConfig } from "../domain/gates/model.js";
import { describeAccepted, describeRejection, describeReopen, describeRestore } from "../domain/gates/render.js";
import { changedScopeFields, flagScopeChange } from "../domain/gates/scope.js";
import { fieldTexts } from "../domain/gates/form-facts.js";
import { bundledTemplate } from "../templates.js";
import { escapeInline } from "../domain/markdown/escape.js";
import { refKey } from "../domain/gates/pr-references.js";
import { additionToJudge, alreadySeen, commentKey, deliveryKey } from "../domain/gates/event-identity.js";
import { storiesAfterGatePass } from "./stories.js";
import { runIntakeOnLabel } from "./intake.js";

/**
 * Governance gates (issue 3): gate labels only the right people can add, in order, with requirements; restores,
 * reopens, scope-change flags, `/gate` commands; and flipping the merge check when the merge gate changes.
 * Every handler ignores Converge's own events (no loops), serialises per issue with intake (one status comment),
 * re-reads the live issue before deciding, and writes nothing on a redelivered event.
 */
export function registerGates(app: Probot, deps: AppDeps): void {
  app.on("issues.labeled", (context) => onLabelChange(context, deps, "labeled"));
  app.on("issues.unlabeled", (context) => onLabelChange(context, deps, "unlabeled"));
  app.on("issues.closed", (context) => onClosed(context, deps));
  app.on("issues.edited", (context) => onEdited(context, deps));
  app.on("issue_comment.created", (context) => onComment(context, deps));
}

type GateContext = Context<"issues.labeled" | "issues.unlabeled" | "issues.closed" | "issues.edited" | "issue_comment.created">;

function lockKey(context: GateContext): string {
  return `${context.payload.repository.full_name}#${context.payload.issue.number}`.toLowerCase();
}

/** Shared prelude: own events and pull requests ignored, config loaded (invalid config: intake reports it). */
async function prepare(context: GateContext, deps: AppDeps, evenWhenGatesDisabled = false): Promise<GateRun | undefined> {
  const identity = await deps.identity();
  if (isOwnSender(context.payload.sender, identity)) return undefined;
  if (context.payload.issue.pull_request) return undefined;
  const loaded = await loadConfig(context);
  if (!loaded.ok) {
    context.log.warn({ problems: loaded.problems }, "invalid Converge config; gates paused");
    return undefined;
  }
  if (!loaded.config.gates.enabled && !evenWhenGatesDisabled) return undefined;
  let serverUrl = "https://github.com";
  try {
    serverUrl = new URL(context.payload.repository.html_url).origin; // GHES links point at the enterprise host
  } catch {
    // keep github.com
  }
  return {
    octokit: context.octokit,
    ref: context.issue(),
    identity,
    config: loaded.config,
    log: context.log,
    now: deps.now(),
    teams: new TeamMembership(context.octokit, context.log),
    ...(serverUrl !== "https://github.com" ? { serverUrl } : {}),
  };
}

function hasLabel(labels: readonly string[], name: string): boolean {
  return labels.some((l) => l.toLowerCase() === name.toLowerCase());
}

function actorOf(user: { login: string; type?: string } | null | undefined): Actor {
  return { login: user?.login ?? "ghost", ...(user?.type ? { type: user.type } : {}) };
}

async function membershipFor(run: GateRun, gate: GateConfig, actor: Actor) {
  // Bots outside the allow-list are refused without asking GitHub about them.
  if (isBot(actor) && !run.config.gates.bots.some((b) => b.toLowerCase() === actor.login.toLowerCase())) return {};
  return run.teams.resolve(gateTeams(gate, run.ref.owner), actor.login);
}

async function onLabelChange(context: Context<"issues.labeled" | "issues.unlabeled">, deps: AppDeps, kind: "labeled" | "unlabeled"): Promise<void> {
  const labelName = context.payload.label?.name;
  if (!labelName) return;
  await withKeyLock(lockKey(context), async () => {
    // Config is loaded once per label event, here: the use-case label added to an existing issue starts intake.
    const run = await prepare(context, deps, true);
    if (!run) return;
    if (kind === "labeled" && labelName.toLowerCase() === run.config.intake.labels.useCase.toLowerCase()) {
      await runIntakeOnLabel(context as Context<"issues.labeled">, deps, run.config);
      return;
    }
    if (!run.config.gates.enabled) return;
    const gate = gateForLabel(run.config.gates, labelName);
    if (!gate) return;
    const issue = await readLiveIssue(run.octokit, run.ref);
    const actor = actorOf(context.payload.sender);
    if (kind === "labeled") {
      // Already removed again (our earlier delivery, or the person undid it): nothing left to decide.
      if (!hasLabel(issue.labels, gate.label)) return;
      await decidePass(run, gate, actor, issue, "label", context.payload.issue.updated_at, deliveryKey(context.id));
    } else {
      if (hasLabel(issue.labels, gate.label)) return;
      await decideRemoval(run, gate, actor, issue);
    }
  });
}

/**
 * Accept or refuse a pass (label added, or `/gate pass`), then update the status comment and, if needed, the checks.
 * `key` identifies the event (its delivery id, or the command's comment id): never a time (ADR 0025).
 */
async function decidePass(
  run: GateRun,
  gate: GateConfig,
  actor: Actor,
  issue: LiveIssue,
  via: "label" | "command",
  at: string,
  key: string | undefined,
): Promise<void> {
  const timeline = lazyTimeline(run.octokit, run.ref);
  const section = await readGatesSection(run);
  // This very event was judged already (redelivery, possibly days later): judging it again on today's facts could
  // remove a gate that was rightly passed, or pass one that was refused.
  const memory = section.state.decided?.[gate.id];
  if (alreadySeen(memory, key)) {
    // Judged already; if that pass started user stories and was interrupted, this redelivery finishes them.
    await storiesAfterGatePass(run, gate, "resume", section.comment ?? null);
    return;
  }
  let event: string | undefined;
  if (via === "label") {
    // The addition on the issue now, by its timeline identity: judged already, or to be judged with its own actor.
    const addition = additionToJudge({ memory, sender: actor, at, events: await timelineEvents(run, timeline), label: gate.label, isOwn: (a) => isOwnSender(a, run.identity) });
    if (addition.kind === "skip") return;
    if (addition.actor.login !== actor.login) run.log.info({ gate: gate.id, sender: actor.login, adder: addition.actor.login }, "judging the addition that stands, not the delivery's sender");
    ({ actor, at, event } = addition);
  }
  const decided = { gateId: gate.id, ...(key ? { key } : {}), ...(event ? { event } : {}) };
  const approvalEvent = event ?? key;
  // "Form valid" is intake's verdict on the live issue (fields and initiative references); its section is rewritten
  // with that same verdict below, so the comment never shows this gate passed next to "needs changes".
  const intake = await intakeVerdictFor(run, gate, issue, section.comment);
  const passed = passedGateIds(run.config.gates, issue.labels);
  passed.delete(gate.id);
  const ctx = { config: run.config.gates, repoOwner: run.ref.owner, ...(run.serverUrl ? { serverUrl: run.serverUrl } : {}) };
  const also = intake && intake !== "failed" ? { also: [intake.plan.section] } : {};
  let decision: ReturnType<typeof evaluateGatePass>;
  try {
    decision = evaluateGatePass({
      gate,
      actor,
      membership: await membershipFor(run, gate, actor),
      config: run.config.gates,
      repoOwner: run.ref.owner,
      passedGates: passed,
      requirements: await gatherFacts(run, gate, issue, timeline, intake),
      valueStreams: valueStreams(run.config, issue.labels),
    });
    if (intake && intake !== "failed") await applyIntakeLabelsAndLinks(run.octokit, run.ref, intake);
  } finally {
    // The initiatives' comments are written (or the run failed): other use cases naming them may go on.
    if (intake && intake !== "failed") intake.release();
  }
  let labels = issue.labels;
  if (decision.outcome === "accept") {
    if (via === "command") {
      await addLabel(run.octokit, run.ref, gate.label);
      labels = [...labels, gate.label];
    }
    run.log.info({ gate: gate.id, actor: actor.login, via }, "gate passed");
    await refreshGatesSection(run, {
      labels,
      timeline,
      section,
      decided,
      ...also,
      notice: describeAccepted(gate, actor.login, via),
      pending: { gateId: gate.id, by: actor.login, at, via, ...(approvalEvent ? { event: approvalEvent } : {}) },
    });
  } else {
    if (via === "label") {
      await removeLabel(run.octokit, run.ref, gate.label);
      labels = labels.filter((l) => l.toLowerCase() !== gate.label.toLowerCase());
    }
    run.log.info({ gate: gate.id, actor: actor.login, via, reasons: decision.reasons.map((r) => r.kind) }, "gate pass refused");
    await refreshGatesSection(run, {
      labels,
      timeline,
      section,
      decided,
      ...also,
      notice: describeRejection({ gate, actor: actor.login, reasons: decision.reasons, via, ctx }),
    });
  }
  if (decision.outcome === "accept") {
    await refreshMergeChecks(run, gate, { ...issue, labels }, timeline);
    await storiesAfterGatePass(run, gate, "gate");
  }
}

async function decideRemoval(run: GateRun, gate: GateConfig, actor: Actor, issue: LiveIssue): Promise<void> {
  const timeline = lazyTimeline(run.octokit, run.ref);
  const ctx = { config: run.config.gates, repoOwner: run.ref.owner, ...(run.serverUrl ? { serverUrl: run.serverUrl } : {}) };
  const decision = evaluateGateRemoval({
    gate,
    actor,
    membership: await membershipFor(run, gate, actor),
    config: run.config.gates,
    repoOwner: run.ref.owner,
  });
  const approval = decision.outcome === "restore" ? await legitimateApproval(run, gate, timeline) : undefined;
  if (decision.outcome === "restore" && approval) {
    await addLabel(run.octokit, run.ref, gate.label);
    run.log.info({ gate: gate.id, actor: actor.login }, "gate label restored");
    await refreshGatesSection(run, {
      labels: [...issue.labels, gate.label],
      timeline,
      notice: describeRestore({ gate, actor: actor.login, reason: decision.reason, ctx }),
      // The timeline does not show the restore yet, so it still reads the removal as standing.
      pending: approval,
    });
    return;
  }
  await refreshGatesSection(run, {
    labels: issue.labels,
    timeline,
    notice: [`**${escapeInline(gate.name)}** was reopened: ${escapeInline(actor.login)} removed \`${gate.label}\`.`],
  });
  await refreshMergeChecks(run, gate, issue, timeline);
}

/**
 * Restore a removed label only if the gate was really passed: its last addition was by Converge (a `/gate pass` or a
 * restore) or by someone who may pass it. Otherwise a person could add a label and remove it quickly to get it
 * "restored". Not verifiable (timeline unreadable) means no restore: Converge never passes a gate it cannot verify.
 * Returns the approval that stands again, or undefined.
 */
async function legitimateApproval(run: GateRun, gate: GateConfig, timeline: () => Promise<IssueTimeline>): Promise<Approval | undefined> {
  let events: IssueTimeline["events"];
  try {
    events = (await timeline()).events;
  } catch (error) {
    run.log.warn({ err: error }, "could not read the timeline to verify a removed gate; not restoring");
    return undefined;
  }
  const added = [...events].reverse().find((e) => e.event === "labeled" && e.label && e.label.name.toLowerCase() === gate.label.toLowerCase());
  if (!added?.actor) return undefined;
  const own = isOwnSender(added.actor, run.identity);
  // Who that addition counts for: the person, or for Converge's own addition the author of the `/gate pass`.
  const trail = buildAuditTrail({ useCase: run.ref.issue_number, events, config: run.config.gates, appLogin: botLogin(run.identity) ?? "" });
  // The entry for that very event, by its identity; a time would confuse two additions within one second.
  const id = eventIdentity(added);
  const entry = trail.find((e) => e.gate === gate.id && e.action === "pass" && (id ? e.event === id : e.at === (added.created_at ?? "")));
  const approval: Approval = {
    gateId: gate.id,
    by: entry?.actor ?? added.actor.login,
    at: added.created_at ?? "",
    via: entry?.via === "command" ? "command" : "label",
    ...(id ? { event: id } : {}),
  };
  if (own) return approval;
  const actor = actorOf(added.actor);
  const auth = authorize({ gate, actor, membership: await membershipFor(run, gate, actor), config: run.config.gates, repoOwner: run.ref.owner });
  return auth.ok ? approval : undefined;
}

/** The timeline's events, or undefined when it cannot be read (then the delivery's own sender is judged). */
async function timelineEvents(run: GateRun, timeline: () => Promise<IssueTimeline>): Promise<IssueTimeline["events"] | undefined> {
  try {
    return (await timeline()).events;
  } catch (error) {
    run.log.warn({ err: error }, "could not read the timeline to identify the label addition");
    return undefined;
  }
}

/** When the merge gate changed, re-run the check on every open pull request that links the use case. */
async function refreshMergeChecks(run: GateRun, gate: GateConfig, issue: LiveIssue, timeline: () => Promise<IssueTimeline>): Promise<void> {
  if (run.config.gates.requiredBeforeMerge !== gate.id) return;
  let pulls: IssueTimeline["pullRequests"];
  try {
    pulls = (await timeline()).pullRequests.filter((pr) => pr.state === "open");
  } catch (error) {
    run.log.warn({ err: error }, "could not read the timeline to find linked pull requests");
    return;
  }
  const known = new Map([[refKey({ owner: run.ref.owner, repo: run.ref.repo, number: run.ref.issue_number }), { title: issue.title, labels: issue.labels }]]);
  for (const linked of pulls) {
    try {
      const pr = await readPullRequest(run.octokit, linked);
      if (pr.state !== "open") continue;
      const result = await runGovernanceCheck(run.octokit, pr, run.identity, run.config.gates, known);
      run.log.info({ pull: `${pr.owner}/${pr.repo}#${pr.number}`, result }, "governance check refreshed");
    } catch (error) {
      run.log.warn({ err: error, pull: linked }, "could not refresh the governance check of a linked pull request");
    }
  }
}

function isUseCase(run: GateRun, labels: ReadonlyArray<{ name: string } | string>): boolean {
  const wanted = run.config.intake.labels.useCase.toLowerCase();
  return labels.some((l) => (typeof l === "string" ? l : l.name).toLowerCase() === wanted);
}

async function onClosed(context: Context<"issues.closed">, deps: AppDeps): Promise<void> {
  if (context.payload.issue.state_reason && context.payload.issue.state_reason !== "completed") return;
  await withKeyLock(lockKey(context), async () => {
    const run = await prepare(context, deps);
    if (!run || !run.config.gates.reopenOnEarlyClose) return;
    if (!isUseCase(run, context.payload.issue.labels ?? [])) return;
    const issue = await readLiveIssue(run.octokit, run.ref);
    if (issue.state !== "closed") return; // already reopened (redelivery) or reopened by someone
    const decision = evaluateClose({
      config: run.config.gates,
      stateReason: issue.stateReason,
      passedGates: passedGateIds(run.config.gates, issue.labels),
      valueStreams: valueStreams(run.config, issue.labels),
    });
    if (decision.outcome === "allow") return;
    await reopenIssue(run.octokit, run.ref);
    run.log.info({ missing: decision.missing.map((g) => g.id) }, "use case closed before its final gate; reopened");
    await refreshGatesSection(run, { labels: issue.labels, timeline: lazyTimeline(run.octokit, run.ref), notice: describeReopen(decision.missing) });
  });
}

async function onEdited(context: Context<"issues.edited">, deps: AppDeps): Promise<void> {
  const before = context.payload.changes.body?.from;
  if (before === undefined) return;
  await withKeyLock(lockKey(context), async () => {
    const run = await prepare(context, deps);
    if (!run || !isUseCase(run, context.payload.issue.labels ?? [])) return;
    const template = bundledTemplate("use-case");
    const fields = changedScopeFields(run.config.gates, fieldTexts(template, before), fieldTexts(template, context.payload.issue.body));
    if (fields.length === 0) return;
    const issue = await readLiveIssue(run.octokit, run.ref);
    const passed = passedGateIds(run.config.gates, issue.labels);
    if (passed.size === 0) return;
    const timeline = lazyTimeline(run.octokit, run.ref);
    const section = await readGatesSection(run);
    // A redelivered edit (same delivery id) was handled: flagging or reopening again could undo a re-approval made
    // since, even one within the same second (the edit's updated_at is no identity).
    const edit = deliveryKey(context.id);
    if (edit && section.state.edits?.includes(edit)) return;
    let approvals: ReturnType<typeof approvalsFrom> = [];
    try {
      approvals = approvalsFrom(run, await timeline());
    } catch (error) {
      run.log.warn({ err: error }, "could not read approvals from the timeline");
    }
    const changedAt = context.payload.issue.updated_at;
    const flags = flagScopeChange({ passedGates: passed, approvals, fields, changedAt, existing: section.state.flags, config: run.config.gates });
    const editor = escapeInline(context.payload.sender.login);
    const fieldList = fields.map((f) => `\`${f}\``).join(", ");
    if (!run.config.gates.reopenOnScopeChange) {
      await refreshGatesSection(run, {
        labels: issue.labels,
        timeline,
        flags,
        section,
        ...(edit ? { edit } : {}),
        notice: [`**Scope changed**: ${editor} edited ${fieldList}. Gates approved before the change are flagged above.`],
      });
      return;
    }
    const reopened = flags.filter((f) => passed.has(f.gateId));
    let labels = issue.labels;
    for (const flag of reopened) {
      const gate = run.config.gates.pipeline.find((g) => g.id === flag.gateId);
      if (!gate) continue;
      await removeLabel(run.octokit, run.ref, gate.label);
      labels = labels.filter((l) => l.toLowerCase() !== gate.label.toLowerCase());
    }
    const names = reopened
      .map((flag) => {
        const gate = run.config.gates.pipeline.find((g) => g.id === flag.gateId);
        return `${escapeInline(gate?.name ?? flag.gateId)} (approved by ${flag.approvedBy ? escapeInline(flag.approvedBy) : "unknown"})`;
      })
      .join(", ");
    await refreshGatesSection(run, {
      labels,
      timeline,
      flags: [],
      section,
      ...(edit ? { edit } : {}),
      notice: [`**Scope changed**: ${editor} edited ${fieldList}. Reopened for re-approval: ${names}.`],
    });
    const mergeGate = run.config.gates.pipeline.find((g) => g.id === run.config.gates.requiredBeforeMerge);
    if (mergeGate && reopened.some((f) => f.gateId === mergeGate.id)) await refreshMergeChecks(run, mergeGate, { ...issue, labels }, timeline);
  });
}

async function onComment(context: Context<"issue_comment.created">, deps: AppDeps): Promise<void> {
  const command = parseGateCommand(context.payload.comment.body);
  if (!command) return;
  await withKeyLock(lockKey(context), async () => {
    const run = await prepare(context, deps);
    if (!run) return;
    const author = actorOf(context.payload.comment.user);
    const issue = await readLiveIssue(run.octokit, run.ref);
    const timeline = lazyTimeline(run.octokit, run.ref);
    if (command.kind === "status") {
      await refreshGatesSection(run, { labels: issue.labels, timeline });
      return;
    }
    if (command.kind === "invalid") {
      await refreshGatesSection(run, { labels: issue.labels, timeline, notice: [`${escapeInline(author.login)}: ${command.message}.`] });
      return;
    }
    const gate = findGate(run.config.gates, command.gate);
    if (!gate) {
      const known = run.config.gates.pipeline.map((g) => `\`${g.id}\``).join(", ");
      await refreshGatesSection(run, {
        labels: issue.labels,
        timeline,
        notice: [`${escapeInline(author.login)}: there is no gate ${escapeInline(command.gate, 60)}. Gates: ${known}.`],
      });
      return;
    }
    if (hasLabel(issue.labels, gate.label)) {
      await refreshGatesSection(run, { labels: issue.labels, timeline });
      return;
    }
    await decidePass(run, gate, author, issue, "command", context.payload.comment.created_at, commentKey(context.payload.comment.id));
  });
}

import { escapeInline } from "../markdown/escape.js";
import type { RejectReason } from "./evaluate.js";
import { gateTeams, isOptional, type Approval, type GateConfig, type GatesConfig, type TeamRef } from "./model.js";
import type { ScopeFlag } from "./scope.js";
import { latestApproval } from "./scope.js";
import { readGateMemory, type GateMemory } from "./event-identity.js";

/**
 * The "gates" section of the Converge status comment. Teams and users are links whose text carries no `@`, so the
 * comment never notifies anyone (GitHub pings `@org/team` and `@user` text). Logins and anything else a person
 * wrote go through escapeInline.
 */

export const GATES_SECTION_ID = "gates";
export const GATES_SECTION_ORDER = 20;

/** Hidden state kept in the section (Converge's own comment only). Approvals come from the timeline, not from here. */
export interface GatesSectionState {
  v: 1;
  flags: ScopeFlag[];
  /** The last decision's explanation, kept until the next decision so unrelated refreshes don't drop it. */
  notice: string[];
  /**
   * What was judged per gate, by event identity (ADR 0025): the last few delivery/comment ids and the timeline id of
   * the last label addition. A redelivered (or late) event is then skipped instead of being judged again on facts
   * that changed since.
   */
  decided?: Record<string, GateMemory>;
  /** Delivery ids of the last scope-change edits handled (bounded), so a redelivered edit flags or reopens nothing. */
  edits?: string[];
}

export const MAX_EDITS_REMEMBERED = 5;

export function readGatesState(raw: unknown): GatesSectionState {
  const empty: GatesSectionState = { v: 1, flags: [], notice: [] };
  if (!raw || typeof raw !== "object") return empty;
  const value = raw as Partial<GatesSectionState>;
  if (value.v !== 1) return empty;
  const flags = Array.isArray(value.flags)
    ? value.flags
        .filter(
          (f): f is ScopeFlag =>
            !!f && typeof f.gateId === "string" && typeof f.changedAt === "string" && Array.isArray(f.fields) && f.fields.every((x) => typeof x === "string"),
        )
        .map(({ approvalEvent, ...flag }): ScopeFlag => (typeof approvalEvent === "string" ? { ...flag, approvalEvent } : flag))
    : [];
  const notice = Array.isArray(value.notice) ? value.notice.filter((line): line is string => typeof line === "string") : [];
  const decided: Record<string, GateMemory> = {};
  if (value.decided && typeof value.decided === "object") {
    for (const [gate, raw] of Object.entries(value.decided)) {
      const memory = readGateMemory(raw);
      if (memory) decided[gate] = memory;
    }
  }
  const edits = Array.isArray(value.edits) ? value.edits.filter((e): e is string => typeof e === "string").slice(-MAX_EDITS_REMEMBERED) : [];
  return {
    v: 1,
    flags,
    notice,
    ...(Object.keys(decided).length > 0 ? { decided } : {}),
    ...(edits.length > 0 ? { edits } : {}),
  };
}

export interface RenderContext {
  config: GatesConfig;
  repoOwner: string;
  /** https://github.com or a GHES host. */
  serverUrl?: string;
}

function base(ctx: RenderContext): string {
  return (ctx.serverUrl ?? "https://github.com").replace(/\/+$/, "");
}

export function teamLink(team: TeamRef, ctx: RenderContext): string {
  const text = escapeInline(`${team.org}/${team.slug}`);
  return `[${text}](${base(ctx)}/orgs/${encodeURIComponent(team.org)}/teams/${encodeURIComponent(team.slug)})`;
}

export function userLink(login: string, ctx: RenderContext): string {
  return `[${escapeInline(login)}](${base(ctx)}/${encodeURIComponent(login)})`;
}

/** "who can pass it": team and user links, none of which notifies. */
export function approversText(gate: GateConfig, ctx: RenderContext): string {
  const parts = [...gateTeams(gate, ctx.repoOwner).map((team) => teamLink(team, ctx)), ...gate.approvers.users.map((u) => userLink(u, ctx))];
  return parts.length > 0 ? parts.join(", ") : "nobody (check gates.pipeline in .github/converge.yml)";
}

function gateTitle(gate: GateConfig): string {
  return `${escapeInline(gate.name)} (\`${gate.label.replace(/`/g, "'")}\`)`;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** Explanation lines for a rejected pass (label removed again, or `/gate pass` refused). */
export function describeRejection(input: {
  gate: GateConfig;
  actor: string;
  reasons: readonly RejectReason[];
  via: "label" | "command";
  ctx: RenderContext;
}): string[] {
  const { gate, actor, reasons, via, ctx } = input;
  const who = escapeInline(actor);
  const action = via === "label" ? `removed \`${gate.label.replace(/`/g, "'")}\` again` : "did not pass the gate";
  const lines = [`**${escapeInline(gate.name)}** was not passed: ${who} tried, and Converge ${action}.`];
  for (const reason of reasons) {
    switch (reason.kind) {
      case "bot-not-allowed":
        lines.push(`- ${who} is a bot account, and bots may not pass gates unless \`gates.bots\` names them.`);
        break;
      case "not-approver":
        lines.push(`- ${who} may not pass this gate. Who can: ${approversText(gate, ctx)}.`);
        break;
      case "membership-unknown":
        lines.push(
          `- Converge could not verify ${who}'s membership in ${reason.teams.map((t) => teamLink(t, ctx)).join(", ")} (the lookup failed), so it did not pass the gate. Try again, or ask: ${approversText(gate, ctx)}.`,
        );
        break;
      case "earlier-gates":
        lines.push(`- Earlier gates are not passed yet: ${reason.gates.map(gateTitle).join(", ")}.`);
        break;
      case "requirement":
        lines.push(`- ${reason.problem.message}${reason.problem.unverified ? " (could not verify)" : ""}${reason.problem.details?.length ? ":" : "."}`);
        for (const detail of reason.problem.details ?? []) lines.push(`  - ${detail}`);
        break;
    }
  }
  return lines;
}

export function describeRestore(input: { gate: GateConfig; actor: string; reason: RejectReason; ctx: RenderContext }): string[] {
  const { gate, actor, reason, ctx } = input;
  const why =
    reason.kind === "membership-unknown"
      ? "Converge could not verify their team membership (the lookup failed)"
      : reason.kind === "bot-not-allowed"
        ? "bot accounts may not change gates"
        : "they may not pass this gate";
  return [
    `**${escapeInline(gate.name)}** stays passed: ${escapeInline(actor)} removed \`${gate.label.replace(/`/g, "'")}\`, but ${why}. Converge restored the label. Who can change it: ${approversText(gate, ctx)}.`,
  ];
}

export function describeReopen(missing: readonly GateConfig[]): string[] {
  return [`**Reopened**: this use case was closed as completed before passing ${missing.map(gateTitle).join(", ")}.`];
}

export function describeAccepted(gate: GateConfig, actor: string, via: "label" | "command"): string[] {
  return [`**${escapeInline(gate.name)}** passed by ${escapeInline(actor)}${via === "command" ? " (via `/gate pass`)" : ""}.`];
}

/** The whole section body: one table row per gate, then scope-change flags and the last decision. */
export function renderGatesSection(input: {
  ctx: RenderContext;
  passedGates: ReadonlySet<string>;
  approvals: readonly Approval[];
  flags: readonly ScopeFlag[];
  valueStreams: readonly string[];
  notice: readonly string[];
  /** Intake's section says "needs changes": a passed gate that requires a valid form must not read as passed. */
  intakeNeedsChanges?: boolean;
}): string {
  const { ctx, passedGates, approvals, flags, valueStreams, notice } = input;
  const invalidated = (gate: GateConfig): boolean => input.intakeNeedsChanges === true && gate.requirements.formValid;
  const flagged = new Map(flags.map((flag) => [flag.gateId, flag]));
  const next = ctx.config.pipeline.find((gate) => !passedGates.has(gate.id) && !isOptional(gate, valueStreams));
  const lines = ["### Governance gates", "", "| # | Gate | State | Approved | Who can pass it |", "|---|---|---|---|---|"];
  ctx.config.pipeline.forEach((gate, index) => {
    const passed = passedGates.has(gate.id);
    const flag = flagged.get(gate.id);
    const approval = latestApproval(approvals, gate.id);
    let state: string;
    if (passed && invalidated(gate)) state = "⚠️ intake now says needs changes";
    else if (passed && flag) state = "⚠️ scope changed since approval";
    else if (passed) state = "✅ passed";
    else if (gate === next) state = "⏳ next";
    else if (isOptional(gate, valueStreams)) state = "➖ optional";
    else state = "⬜ pending";
    const approved = passed && approval ? `${escapeInline(approval.by)}, ${day(approval.at)}${approval.via === "command" ? " (`/gate pass`)" : ""}` : passed ? "(not in the timeline)" : "";
    lines.push(`| ${index + 1} | ${gateTitle(gate)} | ${state} | ${approved} | ${approversText(gate, ctx)} |`);
  });
  const activeFlags = ctx.config.pipeline.map((gate) => flagged.get(gate.id)).filter((f): f is ScopeFlag => !!f && passedGates.has(f.gateId));
  if (activeFlags.length > 0) {
    lines.push("", "**Scope changed after approval** (re-approval recommended):");
    for (const flag of activeFlags) {
      const gate = ctx.config.pipeline.find((g) => g.id === flag.gateId);
      if (!gate) continue;
      const by = flag.approvedBy ? `approved by ${escapeInline(flag.approvedBy)}${flag.approvedAt ? ` on ${day(flag.approvedAt)}` : ""}` : "approver unknown";
      const fields = flag.fields.map((f) => `\`${f}\``).join(", ");
      lines.push(`- ${gateTitle(gate)}: ${by}; changed on ${day(flag.changedAt)}: ${fields}.`);
    }
  }
  const stale = ctx.config.pipeline.filter((gate) => passedGates.has(gate.id) && invalidated(gate));
  if (stale.length > 0) {
    lines.push(
      "",
      `**Intake needs changes** since ${stale.map(gateTitle).join(", ")} ${stale.length === 1 ? "was" : "were"} passed: fix the points in the intake section; the gate reads as passed again once intake accepts the use case.`,
    );
  }
  if (notice.length > 0) lines.push("", ...notice);
  lines.push("", "<sub>Pass a gate by adding its label or commenting `/gate pass <gate>`; `/gate status` refreshes this section.</sub>");
  return lines.join("\n");
}

/**
 * The gates section for a use case that has no gate activity yet (e.g. when intake first posts the status comment),
 * so everyone sees the pipeline and who can pass each gate from day one. Needs no request.
 */
export function initialGatesSection(input: {
  config: GatesConfig;
  repoOwner: string;
  labels: readonly string[];
  valueStreams: readonly string[];
  serverUrl?: string;
  /** Intake's verdict in the same write says "needs changes" (see renderGatesSection). */
  intakeNeedsChanges?: boolean;
}): {
  id: string;
  order: number;
  body: string;
  state: GatesSectionState;
} {
  const passed = new Set(
    input.config.pipeline.filter((g) => input.labels.some((l) => l.toLowerCase() === g.label.toLowerCase())).map((g) => g.id),
  );
  const ctx: RenderContext = { config: input.config, repoOwner: input.repoOwner, ...(input.serverUrl ? { serverUrl: input.serverUrl } : {}) };
  const body = renderGatesSection({
    ctx,
    passedGates: passed,
    approvals: [],
    flags: [],
    valueStreams: input.valueStreams,
    notice: [],
    ...(input.intakeNeedsChanges ? { intakeNeedsChanges: true } : {}),
  });
  return { id: GATES_SECTION_ID, order: GATES_SECTION_ORDER, body, state: { v: 1, flags: [], notice: [] } };
}

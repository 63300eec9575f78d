import { parseGateCommand } from "./commands.js";
import { findGate, gateForLabel, type Approval, type GatesConfig } from "./model.js";

/**
 * The gate history of a use case, rebuilt from its issue timeline (GitHub is the system of record: nothing is lost
 * if Converge's status comment is edited or deleted).
 *
 * Rules:
 * - A person adding a gate label is a "pass"; removing it is a "remove".
 * - Converge undoing that change (the next event on the same label, by Converge, within REVERT_WINDOW_MS) marks the
 *   decision "reverted". Otherwise it is "accepted".
 * - Converge adding a gate label right after a `/gate pass` comment is a "pass" by the commenter, via "command".
 * - Any other label change by Converge (e.g. reopening a gate after a scope change) is a "revoke" by Converge.
 */

export const REVERT_WINDOW_MS = 15 * 60 * 1000;

/** The subset of a REST issue timeline event the audit reads. */
export interface TimelineEvent {
  event: string;
  /** The event's own identity on GitHub (REST timeline `id` and `node_id`); absent in older exports and fixtures. */
  id?: number | null;
  node_id?: string | null;
  created_at?: string | null;
  actor?: { login: string; type?: string } | null;
  label?: { name: string } | null;
  /** `commented` events carry the comment body and author. */
  body?: string | null;
  user?: { login: string; type?: string } | null;
}

export type AuditAction = "pass" | "remove" | "revoke";
export type AuditOutcome = "accepted" | "reverted";

export interface AuditEntry {
  useCase: number;
  gate: string;
  label: string;
  action: AuditAction;
  actor: string;
  at: string;
  via: "label" | "command" | "converge";
  outcome: AuditOutcome;
  /** When Converge reverted it. */
  revertedAt?: string;
  /** The timeline event this decision was read from (see eventIdentity), when GitHub gave it an id. */
  event?: string;
}

interface LabelEvent {
  kind: "labeled" | "unlabeled";
  label: string;
  gateId: string;
  actor: string;
  own: boolean;
  at: string;
  index: number;
  event?: string;
}

export function buildAuditTrail(input: {
  useCase: number;
  events: readonly TimelineEvent[];
  config: GatesConfig;
  /** Converge's bot login (e.g. converge[bot]). */
  appLogin: string;
}): AuditEntry[] {
  const { useCase, events, config } = input;
  const appLogin = input.appLogin.toLowerCase();
  const labelEvents: LabelEvent[] = [];
  const commands: Array<{ gateId: string; actor: string; at: string; index: number }> = [];

  events.forEach((event, index) => {
    const at = event.created_at ?? "";
    if ((event.event === "labeled" || event.event === "unlabeled") && event.label) {
      const gate = gateForLabel(config, event.label.name);
      if (!gate || !event.actor) return;
      labelEvents.push({
        kind: event.event,
        label: gate.label,
        gateId: gate.id,
        actor: event.actor.login,
        own: event.actor.login.toLowerCase() === appLogin,
        at,
        index,
        ...eventField(event),
      });
    } else if (event.event === "commented" && event.user && event.user.login.toLowerCase() !== appLogin) {
      const command = parseGateCommand(event.body);
      const gate = command?.kind === "pass" ? findGate(config, command.gate) : undefined;
      if (gate) commands.push({ gateId: gate.id, actor: event.user.login, at, index });
    }
  });

  const entries: AuditEntry[] = [];
  const consumed = new Set<number>();
  labelEvents.forEach((event, position) => {
    if (consumed.has(event.index)) return;
    const next = labelEvents.slice(position + 1).find((e) => e.gateId === event.gateId);
    const revertedBy =
      next && next.own && next.kind !== event.kind && withinWindow(event.at, next.at) ? next : undefined;

    if (!event.own) {
      if (revertedBy) consumed.add(revertedBy.index);
      entries.push({
        useCase,
        gate: event.gateId,
        label: event.label,
        action: event.kind === "labeled" ? "pass" : "remove",
        actor: event.actor,
        at: event.at,
        via: "label",
        outcome: revertedBy ? "reverted" : "accepted",
        ...(revertedBy ? { revertedAt: revertedBy.at } : {}),
        ...(event.event ? { event: event.event } : {}),
      });
      return;
    }

    // Converge's own change that is not a revert: a /gate pass on someone's behalf, or a revoke.
    if (event.kind === "labeled") {
      const command = [...commands]
        .reverse()
        .find((c) => c.gateId === event.gateId && c.index < event.index && withinWindow(c.at, event.at));
      if (command) {
        commands.splice(commands.indexOf(command), 1);
        entries.push({
          useCase,
          gate: event.gateId,
          label: event.label,
          action: "pass",
          actor: command.actor,
          at: event.at,
          via: "command",
          outcome: "accepted",
          ...(event.event ? { event: event.event } : {}),
        });
        return;
      }
    }
    entries.push({
      useCase,
      gate: event.gateId,
      label: event.label,
      action: event.kind === "labeled" ? "pass" : "revoke",
      actor: event.actor,
      at: event.at,
      via: "converge",
      outcome: "accepted",
      ...(event.event ? { event: event.event } : {}),
    });
  });
  return entries;
}

/**
 * A timeline event's identity: its `node_id`, else its numeric `id`. Two events in the same second are still two
 * events; a time never identifies an event (ADR 0025).
 */
export function eventIdentity(event: Pick<TimelineEvent, "id" | "node_id">): string | undefined {
  if (event.node_id) return event.node_id;
  return typeof event.id === "number" ? String(event.id) : undefined;
}

function eventField(event: TimelineEvent): { event?: string } {
  const id = eventIdentity(event);
  return id ? { event: id } : {};
}

function withinWindow(from: string, to: string): boolean {
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (Number.isNaN(a) || Number.isNaN(b)) return true; // ordered events without times: adjacency is enough
  return b - a >= 0 && b - a <= REVERT_WINDOW_MS;
}

/** The approvals in force: for each gate, the latest accepted pass not followed by an accepted remove or revoke. */
export function currentApprovals(entries: readonly AuditEntry[]): Approval[] {
  const byGate = new Map<string, Approval | undefined>();
  for (const entry of entries) {
    if (entry.outcome !== "accepted") continue;
    if (entry.action === "pass") {
      byGate.set(entry.gate, {
        gateId: entry.gate,
        by: entry.actor,
        at: entry.at,
        via: entry.via === "command" ? "command" : "label",
        ...(entry.event ? { event: entry.event } : {}),
      });
    } else byGate.set(entry.gate, undefined);
  }
  return [...byGate.values()].filter((a): a is Approval => a !== undefined);
}

/** Keep entries at or after `since` (ISO date or date-time). */
export function auditSince(entries: readonly AuditEntry[], since: string | undefined): AuditEntry[] {
  if (!since) return [...entries];
  const from = Date.parse(since);
  return entries.filter((entry) => Date.parse(entry.at) >= from);
}

import { eventIdentity, type TimelineEvent } from "./audit.js";
import type { Actor } from "./model.js";

/**
 * Which gate event a webhook delivery is about, and whether it was judged already (ADR 0025). An event is identified
 * by what GitHub keeps for it, never by a time: `issue.updated_at` has one-second resolution, so three additions in one
 * second carry the same time, while a redelivery carries the same `X-GitHub-Delivery` id.
 */

/** What Converge remembers per gate in the gates section's hidden state. Bounded: see MAX_SEEN_PER_GATE. */
export interface GateMemory {
  /** Identities of the last events judged for this gate, oldest first: `delivery:<X-GitHub-Delivery>` or `comment:<id>`. */
  seen: string[];
  /** The timeline identity of the last label addition judged for this gate (it needs no bound: one per gate). */
  event?: string;
}

/**
 * Redeliveries are rare and usually of a recent event. A redelivery that has dropped out of this window is still
 * recognised by `event` while its addition stands, and harmless once the label is gone (nothing is left to decide).
 */
export const MAX_SEEN_PER_GATE = 5;

export function deliveryKey(deliveryId: string | undefined): string | undefined {
  return deliveryId ? `delivery:${deliveryId}` : undefined;
}

export function commentKey(commentId: number | undefined): string | undefined {
  return commentId === undefined ? undefined : `comment:${commentId}`;
}

export function alreadySeen(memory: GateMemory | undefined, key: string | undefined): boolean {
  return key !== undefined && (memory?.seen.includes(key) ?? false);
}

/** The memory after judging one more event: `key` appended (the oldest dropped past the bound), `event` replaced. */
export function remember(memory: GateMemory | undefined, judged: { key?: string; event?: string }): GateMemory {
  const seen = (memory?.seen ?? []).filter((k) => k !== judged.key);
  if (judged.key) seen.push(judged.key);
  const event = judged.event ?? memory?.event;
  const bounded = seen.slice(-MAX_SEEN_PER_GATE);
  return event ? { seen: bounded, event } : { seen: bounded };
}

/** Read one gate's memory from untrusted JSON; the old format (a time string) carries no identity and is dropped. */
export function readGateMemory(raw: unknown): GateMemory | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const value = raw as Partial<GateMemory>;
  const seen = Array.isArray(value.seen) ? value.seen.filter((k): k is string => typeof k === "string").slice(-MAX_SEEN_PER_GATE) : [];
  const event = typeof value.event === "string" && value.event !== "" ? value.event : undefined;
  if (seen.length === 0 && !event) return undefined;
  return event ? { seen, event } : { seen };
}

/**
 * The addition of `label` that stands now according to the timeline: the last `labeled` event for it, when no
 * `unlabeled` follows. Undefined when the timeline shows the label as absent.
 */
export function standingAddition(events: readonly TimelineEvent[], label: string): TimelineEvent | undefined {
  const wanted = label.toLowerCase();
  const last = [...events].reverse().find((e) => (e.event === "labeled" || e.event === "unlabeled") && e.label?.name.toLowerCase() === wanted);
  return last?.event === "labeled" ? last : undefined;
}

export type AdditionToJudge =
  | { kind: "skip"; reason: "judged" | "own" }
  | {
      kind: "judge";
      /** Who made the addition being judged (the timeline's actor when the timeline shows it). */
      actor: Actor;
      at: string;
      /** Its timeline identity, when known. */
      event?: string;
    };

/**
 * A `labeled` delivery whose label is still on the issue: decide which addition to judge. GitHub fires `labeled` only
 * when the label was absent, so the addition on the issue now is the timeline's standing addition:
 * - it was judged already (its id is remembered), or Converge made it (a `/gate pass` or a restore): nothing new;
 * - otherwise judge it, with its own actor: a late or redelivered event of someone else must never decide it;
 * - the timeline does not show it yet (no standing addition, or only one older than the delivery): judge the sender.
 */
export function additionToJudge(input: {
  memory: GateMemory | undefined;
  sender: Actor;
  /** The delivery's time (`issue.updated_at`): used only to notice a timeline that lags behind, never as identity. */
  at: string;
  /** The timeline, or undefined when it could not be read. */
  events: readonly TimelineEvent[] | undefined;
  label: string;
  isOwn: (actor: { login: string; type?: string }) => boolean;
}): AdditionToJudge {
  const bySender: AdditionToJudge = { kind: "judge", actor: input.sender, at: input.at };
  if (!input.events) return bySender;
  const standing = standingAddition(input.events, input.label);
  if (!standing?.actor || !standing.created_at) return bySender;
  // A standing addition strictly older than this delivery: the timeline does not list the new one yet.
  if (Date.parse(input.at) > Date.parse(standing.created_at)) return bySender;
  if (input.isOwn(standing.actor)) return { kind: "skip", reason: "own" };
  const event = eventIdentity(standing);
  if (event && event === input.memory?.event) return { kind: "skip", reason: "judged" };
  const actor: Actor = { login: standing.actor.login, ...(standing.actor.type ? { type: standing.actor.type } : {}) };
  return { kind: "judge", actor, at: standing.created_at, ...(event ? { event } : {}) };
}

import {
  finalRequiredGate,
  gateTeams,
  isOptional,
  missingEarlierGates,
  teamKey,
  type Actor,
  type GateConfig,
  type GatesConfig,
  type MembershipMap,
  type TeamRef,
} from "./model.js";
import { requirementProblems, type RequirementFacts, type RequirementProblem } from "./requirements.js";

/**
 * The gate rules, as pure functions: the GitHub layer gathers the facts (live labels, team memberships, form,
 * pull requests) and applies the decision (keep or remove the label, restore, reopen, update the status comment).
 */

export type Authorization =
  | { ok: true; via: "user" | "team"; team?: TeamRef }
  | { ok: false; reason: "bot-not-allowed" | "not-approver" | "membership-unknown"; unknownTeams: TeamRef[] };

export interface AuthorizationInput {
  gate: GateConfig;
  actor: Actor;
  /** Membership of the actor in the gate's teams (see model.ts: unknown never authorizes). */
  membership: MembershipMap;
  config: GatesConfig;
  repoOwner: string;
}

export function isBot(actor: Actor): boolean {
  return actor.type === "Bot" || /\[bot\]$/i.test(actor.login);
}

/** May this actor pass (or remove) this gate? Bots only when the config's allow-list names them. */
export function authorize({ gate, actor, membership, config, repoOwner }: AuthorizationInput): Authorization {
  const login = actor.login.toLowerCase();
  if (isBot(actor) && !config.bots.some((bot) => bot.toLowerCase() === login)) {
    return { ok: false, reason: "bot-not-allowed", unknownTeams: [] };
  }
  if (gate.approvers.users.some((user) => user.toLowerCase() === login)) return { ok: true, via: "user" };
  const unknownTeams: TeamRef[] = [];
  for (const team of gateTeams(gate, repoOwner)) {
    const answer = membership[teamKey(team)];
    if (answer === "member") return { ok: true, via: "team", team };
    if (answer !== "not-member") unknownTeams.push(team); // "unknown" or never looked up: fail safe
  }
  return { ok: false, reason: unknownTeams.length > 0 ? "membership-unknown" : "not-approver", unknownTeams };
}

export type RejectReason =
  | { kind: "bot-not-allowed" }
  | { kind: "not-approver" }
  | { kind: "membership-unknown"; teams: TeamRef[] }
  | { kind: "earlier-gates"; gates: GateConfig[] }
  | { kind: "requirement"; problem: RequirementProblem };

export type PassDecision = { outcome: "accept"; authorization: Authorization & { ok: true } } | { outcome: "reject"; reasons: RejectReason[] };

export interface GatePassInput extends AuthorizationInput {
  /** Gate ids passed before this one (from the live labels, excluding the gate being decided). */
  passedGates: ReadonlySet<string>;
  requirements: RequirementFacts;
  valueStreams: readonly string[];
}

/**
 * Decide a gate label that was just added (or a `/gate pass`). Every reason is reported, not just the first, so the
 * person learns everything that is missing at once. An unauthorized actor is told only that (and who can pass it):
 * requirements are still listed so they know what the approver will need.
 */
export function evaluateGatePass(input: GatePassInput): PassDecision {
  const reasons: RejectReason[] = [];
  const auth = authorize(input);
  if (!auth.ok) {
    if (auth.reason === "membership-unknown") reasons.push({ kind: "membership-unknown", teams: auth.unknownTeams });
    else reasons.push({ kind: auth.reason });
  }
  const earlier = missingEarlierGates(input.config, input.gate, input.passedGates, input.valueStreams);
  if (earlier.length > 0) reasons.push({ kind: "earlier-gates", gates: earlier });
  for (const problem of requirementProblems(input.gate, input.requirements)) reasons.push({ kind: "requirement", problem });
  if (reasons.length === 0 && auth.ok) return { outcome: "accept", authorization: auth };
  return { outcome: "reject", reasons };
}

export type RemovalDecision = { outcome: "allow" } | { outcome: "restore"; reason: Exclude<RejectReason, { kind: "earlier-gates" | "requirement" }> };

/** A passed gate's label was removed: keep it removed only when the remover may pass that gate. */
export function evaluateGateRemoval(input: AuthorizationInput): RemovalDecision {
  const auth = authorize(input);
  if (auth.ok) return { outcome: "allow" };
  if (auth.reason === "membership-unknown") return { outcome: "restore", reason: { kind: "membership-unknown", teams: auth.unknownTeams } };
  return { outcome: "restore", reason: { kind: auth.reason } };
}

export type CloseDecision = { outcome: "allow" } | { outcome: "reopen"; missing: GateConfig[] };

/**
 * A use case was closed. Closing as completed before the final required gate is passed reopens it (when configured);
 * closing as not planned or duplicate is always allowed.
 */
export function evaluateClose(input: {
  config: GatesConfig;
  stateReason: string | null | undefined;
  passedGates: ReadonlySet<string>;
  valueStreams: readonly string[];
}): CloseDecision {
  const { config, passedGates, valueStreams } = input;
  if (!config.reopenOnEarlyClose) return { outcome: "allow" };
  // GitHub sends state_reason "completed" for a plain close; older payloads may carry null, which also means completed.
  if (input.stateReason && input.stateReason !== "completed") return { outcome: "allow" };
  const final = finalRequiredGate(config, valueStreams);
  if (!final || passedGates.has(final.id)) return { outcome: "allow" };
  const missing = config.pipeline.filter((gate) => !passedGates.has(gate.id) && !isOptional(gate, valueStreams));
  return { outcome: "reopen", missing };
}

/** Is the gate required before merge passed? Used by the "Converge governance" check run. */
export function mergeGateStatus(
  config: GatesConfig,
  passedGates: ReadonlySet<string>,
): { required: false } | { required: true; gate: GateConfig; passed: boolean } {
  if (!config.enabled || config.requiredBeforeMerge === null) return { required: false };
  const gate = config.pipeline.find((g) => g.id === config.requiredBeforeMerge);
  if (!gate) return { required: false };
  return { required: true, gate, passed: passedGates.has(gate.id) };
}

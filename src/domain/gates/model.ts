import type { GateConfig, GatesConfig, Approvers } from "../../config/sections/gates.js";

export type { GateConfig, GatesConfig, Approvers };

/** A GitHub account as the gate rules see it. */
export interface Actor {
  login: string;
  /** "User", "Bot" or "Organization" as GitHub reports it. */
  type?: string;
}

export interface TeamRef {
  org: string;
  slug: string;
}

/**
 * The answer of one team-membership lookup: an active member, not a member (404 or pending invitation), or unknown
 * (the lookup failed: missing permission, network, rate limit). Unknown never authorizes (fail safe).
 */
export type Membership = "member" | "not-member" | "unknown";

/** Membership answers keyed by `org/slug` (lowercase). */
export type MembershipMap = Readonly<Record<string, Membership>>;

export function teamKey(team: TeamRef): string {
  return `${team.org}/${team.slug}`.toLowerCase();
}

/** `org/slug` or a bare `slug` (a team of the repository owner's organization). */
export function resolveTeam(ref: string, repoOwner: string): TeamRef {
  const clean = ref.replace(/^@/, "");
  const slash = clean.indexOf("/");
  if (slash === -1) return { org: repoOwner, slug: clean };
  return { org: clean.slice(0, slash), slug: clean.slice(slash + 1) };
}

export function gateTeams(gate: GateConfig, repoOwner: string): TeamRef[] {
  return gate.approvers.teams.map((ref) => resolveTeam(ref, repoOwner));
}

/** Find the gate a label marks (label names are case-insensitive on GitHub). */
export function gateForLabel(config: GatesConfig, label: string): GateConfig | undefined {
  const wanted = label.toLowerCase();
  return config.pipeline.find((gate) => gate.label.toLowerCase() === wanted);
}

/** Resolve what a person typed in `/gate pass <gate>`: the gate id, its label, its name or its 1-based position. */
export function findGate(config: GatesConfig, text: string): GateConfig | undefined {
  const wanted = text.trim().toLowerCase();
  if (wanted === "") return undefined;
  if (/^\d+$/.test(wanted)) return config.pipeline[Number(wanted) - 1];
  return config.pipeline.find(
    (gate) => gate.id === wanted || gate.label.toLowerCase() === wanted || gate.name.toLowerCase() === wanted,
  );
}

/** A gate counts as optional for this use case when the config says so, globally or for one of its value streams. */
export function isOptional(gate: GateConfig, valueStreams: readonly string[]): boolean {
  if (gate.optional) return true;
  const streams = new Set(valueStreams.map((s) => s.toLowerCase()));
  return gate.optionalFor.some((stream) => streams.has(stream.toLowerCase()));
}

/** Gate ids currently passed, from the live labels. */
export function passedGateIds(config: GatesConfig, labels: readonly string[]): Set<string> {
  const passed = new Set<string>();
  for (const label of labels) {
    const gate = gateForLabel(config, label);
    if (gate) passed.add(gate.id);
  }
  return passed;
}

/** The gates currently passed, in pipeline order, from the live labels. */
export function passedGates(config: GatesConfig, labels: readonly string[]): GateConfig[] {
  const passed = passedGateIds(config, labels);
  return config.pipeline.filter((gate) => passed.has(gate.id));
}

/** The last gate a use case must pass (the final non-optional gate): closing as completed before it is "early". */
export function finalRequiredGate(config: GatesConfig, valueStreams: readonly string[]): GateConfig | undefined {
  return [...config.pipeline].reverse().find((gate) => !isOptional(gate, valueStreams));
}

/** Non-optional gates before `gate` in the pipeline that are not passed yet. */
export function missingEarlierGates(
  config: GatesConfig,
  gate: GateConfig,
  passed: ReadonlySet<string>,
  valueStreams: readonly string[],
): GateConfig[] {
  const index = config.pipeline.findIndex((g) => g.id === gate.id);
  return config.pipeline.slice(0, Math.max(0, index)).filter((g) => !passed.has(g.id) && !isOptional(g, valueStreams));
}

/** An approval as reconstructed from the timeline: who added the gate label, and when. */
export interface Approval {
  gateId: string;
  by: string;
  at: string;
  via: "label" | "command";
  /**
   * Identity of the approving event: the `labeled` timeline event, or for an approval Converge just made and the
   * timeline does not show yet, the webhook delivery or comment that made it. Scope flags compare it (not `at`).
   */
  event?: string;
}

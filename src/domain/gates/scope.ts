import type { Approval, GatesConfig } from "./model.js";

/**
 * Scope changes: when a scope field (acceptance criteria, deadline, benefit by default) is edited after a gate was
 * passed, the approval was given for something else. Converge flags every passed gate whose approval predates the
 * change, naming who approved it, and, if configured, reopens the gate (removes its label).
 */

export interface ScopeFlag {
  gateId: string;
  /** Who approved the gate (login) and when; undefined when the approval could not be found in the timeline. */
  approvedBy?: string;
  approvedAt?: string;
  /** Identity of the approving event (Approval.event): a later approval is a different event, even in the same second. */
  approvalEvent?: string;
  /** Scope fields changed since the approval. */
  fields: string[];
  changedAt: string;
}

function normalize(value: string | undefined): string {
  return (value ?? "").replace(/\r\n/g, "\n").replace(/- \[[xX]\]/g, "- [x]").replace(/[ \t]+$/gm, "").trim();
}

/** Scope fields whose value differs between two parsed versions of the use-case form. */
export function changedScopeFields(
  config: GatesConfig,
  before: Readonly<Record<string, string | undefined>>,
  after: Readonly<Record<string, string | undefined>>,
): string[] {
  return config.scopeFields.filter((id) => normalize(before[id]) !== normalize(after[id]));
}

/**
 * New flags for the passed gates after a scope change at `changedAt`, merged with the flags already raised (a gate
 * flagged twice keeps its first change time and accumulates fields). Approvals after the change are not flagged.
 */
export function flagScopeChange(input: {
  passedGates: ReadonlySet<string>;
  approvals: readonly Approval[];
  fields: readonly string[];
  changedAt: string;
  existing: readonly ScopeFlag[];
  config: GatesConfig;
}): ScopeFlag[] {
  const { passedGates, approvals, fields, changedAt, existing, config } = input;
  const flags = new Map(existing.map((flag) => [flag.gateId, { ...flag, fields: [...flag.fields] }]));
  if (fields.length === 0) return [...flags.values()];
  for (const gate of config.pipeline) {
    if (!passedGates.has(gate.id)) continue;
    const approval = latestApproval(approvals, gate.id);
    if (approval && Date.parse(approval.at) > Date.parse(changedAt)) continue;
    const current = flags.get(gate.id);
    if (current) {
      current.fields = [...new Set([...current.fields, ...fields])];
    } else {
      flags.set(gate.id, {
        gateId: gate.id,
        ...(approval ? { approvedBy: approval.by, approvedAt: approval.at, ...(approval.event ? { approvalEvent: approval.event } : {}) } : {}),
        fields: [...fields],
        changedAt,
      });
    }
  }
  return config.pipeline.map((gate) => flags.get(gate.id)).filter((flag): flag is ScopeFlag => flag !== undefined);
}

/**
 * Drop flags of gates that are no longer passed or were approved again after the change. "Again" is decided by
 * identity when both sides have one (the standing approval is another event than the flagged one); only flags from
 * before identities were recorded fall back to comparing times.
 */
export function settleScopeFlags(flags: readonly ScopeFlag[], passedGates: ReadonlySet<string>, approvals: readonly Approval[]): ScopeFlag[] {
  return flags.filter((flag) => {
    if (!passedGates.has(flag.gateId)) return false;
    const approval = latestApproval(approvals, flag.gateId);
    if (!approval) return true;
    if (approval.event && flag.approvalEvent) return approval.event === flag.approvalEvent;
    return !(Date.parse(approval.at) > Date.parse(flag.changedAt));
  });
}

export function latestApproval(approvals: readonly Approval[], gateId: string): Approval | undefined {
  let latest: Approval | undefined;
  for (const approval of approvals) {
    if (approval.gateId !== gateId) continue;
    if (!latest || Date.parse(approval.at) >= Date.parse(latest.at)) latest = approval;
  }
  return latest;
}

import { escapeInline } from "../markdown/escape.js";
import { INITIATIVE_MARKER, decodeState, encodeState } from "../status/markers.js";
import { readLedger, renderLedger, upsertRecord } from "../benefits/ledger.js";
import type { RealizedBenefit } from "../snapshot/schema.js";
import { formatReference, referenceKey, type IssueReference } from "../values/references.js";

/** What the batched lookup learned about one referenced initiative. */
export interface InitiativeLookup {
  ref: IssueReference;
  found: boolean;
  isInitiative: boolean;
  title?: string;
  url?: string;
  state?: "OPEN" | "CLOSED";
  /** Converge's comment on the initiative, if any (authored by the app). */
  comment?: { id: number; body: string };
  /** The lookup saw only the first page of the initiative's comments and Converge's was not on it. */
  commentsTruncated?: boolean;
}

/** A use case as listed on an initiative. */
export interface LinkedUseCase {
  ref: string;
  title: string;
  valid: boolean;
}

/** A `/benefit` command Converge could not record, shown until a later command from the same comment replaces it. */
export interface InitiativeNotice {
  /** The command comment's id: a redelivered or edited command replaces its notice. */
  source: string;
  text: string;
}

export interface InitiativeState {
  useCases: LinkedUseCase[];
  notices?: InitiativeNotice[];
}

/** Everything Converge keeps in its initiative comment: linked use cases (intake) and realized benefit (/benefit). */
export interface InitiativeComment {
  state: InitiativeState;
  ledger: RealizedBenefit[];
}

const MAX_NOTICES = 5;

/**
 * Read Converge's initiative comment. Undefined when its ledger is damaged: then nothing may be rewritten, or recorded
 * benefit would be lost.
 */
export function readInitiativeComment(body: string | undefined): InitiativeComment | undefined {
  const raw = body ? decodeState(body, "initiative") : undefined;
  const state: InitiativeState =
    raw && typeof raw === "object" && Array.isArray((raw as InitiativeState).useCases)
      ? {
          useCases: (raw as InitiativeState).useCases.filter((u) => typeof u?.ref === "string"),
          notices: ((raw as InitiativeState).notices ?? []).filter((n) => typeof n?.source === "string" && typeof n.text === "string"),
        }
      : { useCases: [], notices: [] };
  const ledger = body ? readLedger(body) : { ok: true as const, records: [] };
  return ledger.ok ? { state, ledger: ledger.records } : undefined;
}

/**
 * The initiative comment after linking (or unlinking) one use case. Returns undefined when nothing changes (so a
 * redelivered event writes nothing) or when the existing comment cannot be read safely.
 * Many-to-many: each initiative lists every use case that enables it.
 */
export function updateInitiativeComment(existingBody: string | undefined, useCase: LinkedUseCase, linked: boolean): string | undefined {
  const current = readInitiativeComment(existingBody);
  if (!current) return undefined;
  const others = current.state.useCases.filter((u) => u.ref.toLowerCase() !== useCase.ref.toLowerCase());
  const next = linked ? [...others, useCase] : others;
  next.sort((a, b) => a.ref.localeCompare(b.ref, "en", { numeric: true }));
  return changed(existingBody, renderInitiativeComment({ state: { ...current.state, useCases: next }, ledger: current.ledger }));
}

/**
 * The initiative comment after a `/benefit` command: a record to add (replacing one from the same source) and/or a
 * notice to show (a refused or unreadable command). Undefined when nothing changes or the comment cannot be read.
 */
export function recordInInitiativeComment(
  existingBody: string | undefined,
  change: { record?: RealizedBenefit; notice?: InitiativeNotice; source: string },
): string | undefined {
  const current = readInitiativeComment(existingBody);
  if (!current) return undefined;
  const ledger = change.record ? upsertRecord(current.ledger, change.record) : current.ledger;
  const notices = (current.state.notices ?? []).filter((n) => n.source !== change.source);
  if (change.notice) notices.push(change.notice);
  const state = { ...current.state, notices: notices.slice(-MAX_NOTICES) };
  return changed(existingBody, renderInitiativeComment({ state, ledger }));
}

function changed(existingBody: string | undefined, body: string): string | undefined {
  return existingBody === body ? undefined : body;
}

export function renderInitiativeComment({ state, ledger }: InitiativeComment): string {
  const lines = [INITIATIVE_MARKER, "**Converge** · use cases enabling this initiative", ""];
  if (state.useCases.length === 0) {
    lines.push("No use case links to this initiative yet.");
  } else {
    lines.push(`${state.useCases.length} use case${state.useCases.length === 1 ? "" : "s"} enable${state.useCases.length === 1 ? "s" : ""} this initiative:`, "");
    for (const useCase of state.useCases) {
      // The reference is Converge's own text (owner/repo#n); GitHub links it and shows its live title and state.
      lines.push(`- ${useCase.ref} ${escapeInline(useCase.title, 120)}${useCase.valid ? "" : " _(needs info)_"}`);
    }
  }
  lines.push("", renderLedger(ledger));
  const notices = state.notices ?? [];
  if (notices.length > 0) {
    lines.push("", ...notices.map((n) => `> ⚠️ ${escapeInline(n.text, 400)}`));
  }
  lines.push(
    "",
    encodeState("initiative", state),
    '<sub>Maintained by Converge. Link a use case by naming this issue in its "Business initiatives enabled" field; record realized benefit with `/benefit realized <amount> [as of YYYY-MM-DD]`.</sub>',
  );
  return lines.join("\n");
}

export function linkedUseCase(ref: IssueReference, title: string, valid: boolean): LinkedUseCase {
  return { ref: formatReference(ref), title, valid };
}

export { referenceKey };

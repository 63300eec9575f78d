import { escapeInline } from "../markdown/escape.js";
import { INITIATIVE_MARKER, decodeState, encodeState } from "../status/markers.js";
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

interface InitiativeState {
  useCases: LinkedUseCase[];
}

export function readInitiativeState(body: string | undefined): InitiativeState {
  const state = body ? decodeState(body, "initiative") : undefined;
  if (state && typeof state === "object" && Array.isArray((state as InitiativeState).useCases)) {
    return { useCases: (state as InitiativeState).useCases.filter((u) => typeof u?.ref === "string") };
  }
  return { useCases: [] };
}

/**
 * The initiative comment after linking (or unlinking) one use case. Returns undefined when nothing changes, so that a
 * redelivered event writes nothing. Many-to-many: each initiative lists every use case that enables it.
 */
export function updateInitiativeComment(existingBody: string | undefined, useCase: LinkedUseCase, linked: boolean): string | undefined {
  const state = readInitiativeState(existingBody);
  const others = state.useCases.filter((u) => u.ref.toLowerCase() !== useCase.ref.toLowerCase());
  const next = linked ? [...others, useCase] : others;
  next.sort((a, b) => a.ref.localeCompare(b.ref, "en", { numeric: true }));
  const body = renderInitiativeComment({ useCases: next });
  return existingBody === body ? undefined : body;
}

export function renderInitiativeComment(state: InitiativeState): string {
  const lines = [INITIATIVE_MARKER, "**Converge** · use cases enabling this initiative", ""];
  if (state.useCases.length === 0) {
    lines.push("No use case links to this initiative any more.");
  } else {
    lines.push(`${state.useCases.length} use case${state.useCases.length === 1 ? "" : "s"} enable${state.useCases.length === 1 ? "s" : ""} this initiative:`, "");
    for (const useCase of state.useCases) {
      // The reference is Converge's own text (owner/repo#n); GitHub links it and shows its live title and state.
      lines.push(`- ${useCase.ref} ${escapeInline(useCase.title, 120)}${useCase.valid ? "" : " _(needs info)_"}`);
    }
  }
  lines.push("", encodeState("initiative", state), "<sub>Maintained by Converge from each use case's form. Link a use case by naming this issue in its \"Business initiatives enabled\" field.</sub>");
  return lines.join("\n");
}

export function linkedUseCase(ref: IssueReference, title: string, valid: boolean): LinkedUseCase {
  return { ref: formatReference(ref), title, valid };
}

export { referenceKey };

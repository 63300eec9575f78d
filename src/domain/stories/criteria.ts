import { createHash } from "node:crypto";

/**
 * A criterion is identified by its normalised text, so re-wording whitespace, case or a trailing full stop (or ticking
 * its box) does not make it a new criterion, while a changed meaning does. The key is a short hash: it goes into a
 * hidden marker and the status comment's state, and must not leak the criterion's text into either.
 */
export function normalizeCriterion(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[.;,:!]+$/, "")
    .trim();
}

/** 16 hex digits of SHA-256: 64 bits, collision-free in practice for the ≤ 100 criteria of one use case. */
export function criterionKey(text: string): string {
  return createHash("sha256").update(normalizeCriterion(text), "utf8").digest("hex").slice(0, 16);
}

export interface KeyedCriterion {
  key: string;
  text: string;
}

/** Criteria with their keys, in order, the second of two equal criteria dropped (one story each). */
export function keyedCriteria(criteria: ReadonlyArray<{ text: string }>): KeyedCriterion[] {
  const seen = new Set<string>();
  const out: KeyedCriterion[] = [];
  for (const { text } of criteria) {
    if (normalizeCriterion(text) === "") continue;
    const key = criterionKey(text);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ key, text: text.replace(/\s+/g, " ").trim() });
  }
  return out;
}

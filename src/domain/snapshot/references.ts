import { IdSet } from "./id-set.js";

/**
 * Every use case's initiative references resolved to initiatives: the join the benefit rollup needs (tens of thousands
 * of references in a large portfolio). Schema validation has to look every reference up anyway to check it, so it
 * keeps what it found (`rememberInitiativeReferences`) and the rollup reads that instead of hashing every id again;
 * any other snapshot (built by hand, or validated by zod) is joined here on first use. Kept per use-case list, which
 * is immutable by contract (as the forecast's timeline and the id order are).
 */
export interface InitiativeReferences {
  /**
   * Initiatives numbered by id in order of first appearance: initiative k is number `numberOf[k]` (its own position
   * when ids are unique, as a valid snapshot's are); `count` numbers in all.
   */
  numberOf: Int32Array;
  count: number;
  /** Use case u's references are number[from[u] … from[u + 1]): the initiative's number, −1 for an unknown id. */
  from: Int32Array;
  number: Int32Array;
}

interface Lists {
  useCases: ReadonlyArray<{ initiatives: readonly string[] }>;
  initiatives: ReadonlyArray<{ id: string }>;
}

const kept = new WeakMap<object, { initiatives: object; references: InitiativeReferences }>();

/** Called by validation with what it looked up (the lists must be the ones the snapshot keeps). */
export function rememberInitiativeReferences(lists: Lists, references: InitiativeReferences): void {
  kept.set(lists.useCases, { initiatives: lists.initiatives, references });
}

export function initiativeReferences(lists: Lists): InitiativeReferences {
  const known = kept.get(lists.useCases);
  if (known && known.initiatives === lists.initiatives) return known.references;
  const references = joinReferences(lists);
  rememberInitiativeReferences(lists, references);
  return references;
}

function joinReferences({ useCases, initiatives }: Lists): InitiativeReferences {
  const ids = new IdSet(initiatives.length);
  const numberOf = new Int32Array(initiatives.length);
  for (let k = 0; k < initiatives.length; k++) numberOf[k] = ids.intern(initiatives[k]!.id);
  const from = new Int32Array(useCases.length + 1);
  for (let u = 0; u < useCases.length; u++) from[u + 1] = from[u]! + useCases[u]!.initiatives.length;
  const number = new Int32Array(from[useCases.length]!);
  for (let u = 0; u < useCases.length; u++) {
    const refs = useCases[u]!.initiatives;
    for (let r = 0; r < refs.length; r++) number[from[u]! + r] = ids.indexOf(refs[r]!);
  }
  return { numberOf, count: ids.size, from, number };
}

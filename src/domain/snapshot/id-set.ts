/**
 * A set of id strings numbered in the order they were added, cheaper than a `Set<string>` or `Map<string, number>`
 * for the snapshot's cross-references (validation checks them, the benefit rollup joins initiatives to their use
 * cases through them). The ids looked up are fresh strings from JSON.parse, equal to but not identical with the stored
 * ones, so a `Set` hashes each of them and, on its way along a bucket's chain, fetches stored strings from all over
 * the heap to compare; that was a third of the whole validation. Here each slot keeps the id's hash (FNV-1a over
 * UTF-16 units) next to it, so a lookup touches one stored string only, the one whose hash matches. Open addressing,
 * linear probing, at most half full.
 */
export class IdSet {
  private readonly ids: string[] = [];
  private readonly slots: Int32Array; // 1 + index into ids; 0 = empty
  private readonly hashes: Int32Array;
  private readonly mask: number;

  /** `capacity`: the most ids that will be added (the array length); the table never grows. */
  constructor(capacity: number) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.hashes = new Int32Array(size);
    this.mask = size - 1;
  }

  /** Number of distinct ids added. */
  get size(): number {
    return this.ids.length;
  }

  /** Adds `id`; false if it was already there. */
  add(id: string): boolean {
    const size = this.ids.length;
    return this.intern(id) === size;
  }

  /** `id`'s number: the order in which it was first added (it is added now if new). */
  intern(id: string): number {
    const hash = hashOf(id);
    let i = hash & this.mask;
    for (let slot = this.slots[i]!; slot !== 0; slot = this.slots[i]!) {
      if (this.hashes[i] === hash && this.ids[slot - 1] === id) return slot - 1;
      i = (i + 1) & this.mask;
    }
    if (this.ids.length >= this.mask) throw new RangeError("IdSet: more ids than its capacity");
    this.ids.push(id);
    this.slots[i] = this.ids.length;
    this.hashes[i] = hash;
    return this.ids.length - 1;
  }

  has(id: string): boolean {
    return this.indexOf(id) >= 0;
  }

  /** `id`'s number (see `intern`), −1 if it was never added. */
  indexOf(id: string): number {
    // A handful of ids (squads, gates): comparing with each beats hashing the (usually long) id.
    if (this.ids.length <= 8) return this.ids.indexOf(id);
    const hash = hashOf(id);
    let i = hash & this.mask;
    for (let slot = this.slots[i]!; slot !== 0; slot = this.slots[i]!) {
      if (this.hashes[i] === hash && this.ids[slot - 1] === id) return slot - 1;
      i = (i + 1) & this.mask;
    }
    return -1;
  }
}

function hashOf(s: string): number {
  let h = 0x811c9dc5 | 0; // as int32, like every later step (the empty id keeps this value)
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

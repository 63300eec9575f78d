/**
 * Seeded pseudo-random numbers for the domain (forecast trials, sample data). ADR 0030 says why these choices.
 *
 * - `sfc32` (Chris Doty-Humphrey's Small Fast Counting generator): 128 bits of state, passes PractRand to multi-TB,
 *   a handful of 32-bit integer ops per draw. Math.random cannot be seeded, and a rerun must never move a date.
 * - Seeds are strings or numbers hashed with `cyrb128` into the four state words, so callers derive independent,
 *   named streams (`${seed}/squad/${id}`) instead of sharing one stream whose consumption order would couple results
 *   to iteration order.
 * - `nextInt(n)` rejects the top sliver of the 2^32 range so every value in [0, n) is exactly equally likely
 *   (plain `u % n` or `floor(u * n)` is biased whenever n does not divide 2^32).
 */

export interface Rng {
  /** Uniform unsigned 32-bit integer. */
  nextUint32(): number;
  /** Uniform float in [0, 1) with 32 bits of resolution. */
  next(): number;
  /** Uniform integer in [0, n), unbiased. `n` must be an integer in [1, 2^32]. */
  nextInt(n: number): number;
}

const TWO_POW_32 = 0x1_0000_0000;

/** cyrb128: a fast, well-mixing 128-bit string hash (public domain, bryc). Used only to expand seeds. */
export function hashSeed(seed: string | number): [number, number, number, number] {
  const text = typeof seed === "number" ? `n:${seed}` : `s:${seed}`;
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/**
 * sfc32 state and step. A class with numeric fields (not a closure) because the forecast draws tens of millions of
 * numbers per report and this shape stays monomorphic and fast in V8.
 */
class Sfc32 implements StreamRng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(private readonly seedWords: readonly [number, number, number, number]) {
    this.select(0);
  }

  select(stream: number): void {
    const [h0, h1, h2, h3] = this.seedWords;
    this.a = h0 | 0;
    this.b = h1 | 0;
    // Stream index mixed into c (golden-ratio multiply) and into the counter d, as sfc32 seeding intends.
    this.c = (h2 ^ Math.imul(stream | 0, 0x9e3779b9)) | 0;
    this.d = (h3 + stream) | 0;
    // Warm-up: the first outputs of a freshly seeded sfc32 are still correlated with the seed words.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  nextInt(n: number): number {
    if (!(n >= 1 && n <= TWO_POW_32 && Number.isInteger(n))) throw new RangeError(`nextInt: n must be an integer in [1, 2^32], got ${n}`);
    // Accept u only below the largest multiple of n that fits in 2^32: then u % n is exactly uniform.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let u = this.nextUint32();
    while (u >= limit) u = this.nextUint32();
    return u % n;
  }
}

/**
 * A generator with numbered sub-streams: `select(i)` restarts it at the beginning of stream i.
 * The forecast gives every trial its own stream ("common random numbers"): trial t sees the same draws whatever the
 * amount of work, so more work can never finish earlier in any trial, and a change to one backlog does not reshuffle
 * the luck of every other trial (a forecast moves because the inputs moved, not because the noise did).
 */
export interface StreamRng extends Rng {
  select(stream: number): void;
}

/** A seeded generator. Equal seeds give equal sequences on every platform (only 32-bit integer arithmetic). */
export function createRng(seed: string | number): StreamRng {
  return new Sfc32(hashSeed(seed));
}

/** Derive a named child seed: streams for different names are independent of each other and of call order. */
export function deriveSeed(seed: string | number, ...path: Array<string | number>): string {
  return [String(seed), ...path.map(String)].join("/");
}

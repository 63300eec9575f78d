/**
 * Seeded pseudo-random numbers for the domain (forecast trials, sample data). ADR 0030 says why these choices.
 *
 * - `sfc32` (Chris Doty-Humphrey's Small Fast Counting generator): 128 bits of state, passes PractRand to multi-TB,
 *   a handful of 32-bit integer ops per draw. Math.random cannot be seeded, and a rerun must never move a date.
 * - Seeds are strings or numbers hashed with `cyrb128` into the four state words, so callers derive independent,
 *   named streams (`${seed}/squad/${id}`) instead of sharing one stream whose consumption order would couple results
 *   to iteration order.
 * - Sub-streams (`select(i)`, one per forecast trial) are seeded by hashing every state word with the stream's key
 *   (`seedState`), so they need no warm-up steps: a fresh stream's first outputs are already usable.
 * - `nextInt(n)` is exactly uniform: Lemire's multiply-and-reject for n ≤ 2^21, modulo with rejection above
 *   (plain `u % n` or `floor(next() * n)` is biased whenever n does not divide 2^32).
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
/** Largest n for which u × n (u < 2^32) stays below 2^53, i.e. exact in a double. */
const MULTIPLY_MAX = 0x20_0000;

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

/** Largest n for which `nextInt(n)` uses Lemire's multiply-and-reject (inlined hot loops must fall back above it). */
export const LEMIRE_MAX = MULTIPLY_MAX;

/** One sfc32 step on the state words at `o…o+3` of `s`: returns a uniform unsigned 32-bit integer. */
function step(s: Int32Array, o: number): number {
  const a = s[o]!;
  const b = s[o + 1]!;
  const c = s[o + 2]!;
  const d = s[o + 3]!;
  const t = (((a + b) | 0) + d) | 0;
  s[o] = b ^ (b >>> 9);
  s[o + 1] = (c + (c << 3)) | 0;
  s[o + 2] = (((c << 21) | (c >>> 11)) + t) | 0;
  s[o + 3] = (d + 1) | 0;
  return t >>> 0;
}

/**
 * lowbias32 (Chris Wellons, hash-prospector; public domain): xorshift-multiply-xorshift integer hash, a bijection on
 * 32 bits whose avalanche bias (0.17) is lower than MurmurHash3's fmix32 finalizer. Returns a signed 32-bit value.
 */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b | 0);
  return x ^ (x >>> 16);
}

/** Odd multipliers that give each state word its own image of the stream key (see `seedState`). */
export const WORD_MIX_1 = 0x9e3779b9 | 0;
export const WORD_MIX_2 = 0x85ebca6b | 0;
export const WORD_MIX_3 = 0xc2b2ae35 | 0;

/**
 * The key of sub-stream `stream`: a Weyl step (golden-ratio multiply, a bijection on 32 bits) hashed by `mix32`, so
 * distinct streams get distinct keys and neighbouring streams' keys differ by a pseudo-random pattern, not by a fixed
 * one. The forecast computes it once per trial and shares it between all squads.
 */
export function streamKey(stream: number): number {
  return mix32((Math.imul(stream | 0, WORD_MIX_1) + 0x6a09e667) | 0);
}

/**
 * Seed the state words at `o` for sub-stream `stream` of a hashed seed: every one of the four words is a full hash of
 * (seed word, stream key), word i = mix32(words[i] ^ key × M_i). The 128-bit state is then (pseudo-)uniform and
 * unrelated between streams, so no warm-up steps are needed (ADR 0030): sfc32's usual 12 discarded rounds exist to
 * mix low-entropy seeds (a = 0, counter = 1) or seeds that differ in a few bits, which this seeding never produces.
 */
export function seedState(s: Int32Array, o: number, words: ArrayLike<number>, stream: number): void {
  const key = streamKey(stream);
  s[o] = mix32(words[0]! ^ key);
  s[o + 1] = mix32(words[1]! ^ Math.imul(key, WORD_MIX_1));
  s[o + 2] = mix32(words[2]! ^ Math.imul(key, WORD_MIX_2));
  s[o + 3] = mix32(words[3]! ^ Math.imul(key, WORD_MIX_3));
}

/** Uniform integer in [0, n) from the generator at `o`, exactly unbiased. */
export function intBelow(s: Int32Array, o: number, n: number): number {
  if (n >= 1 && n <= MULTIPLY_MAX && (n | 0) === n) {
    // Lemire's multiply-and-reject: u × n < 2^53 is exact in a double; its high 32 bits are the result, and
    // rejecting the few low parts below (2^32 − n) mod n makes every result exactly equally likely. No modulo in
    // the common case (floating-point % is the slowest operation here, and a forecast calls this ~10^8 times).
    let x = step(s, o) * n;
    let high = Math.floor(x / TWO_POW_32);
    let low = x - high * TWO_POW_32;
    if (low < n) {
      const threshold = (TWO_POW_32 - n) % n;
      while (low < threshold) {
        x = step(s, o) * n;
        high = Math.floor(x / TWO_POW_32);
        low = x - high * TWO_POW_32;
      }
    }
    return high;
  }
  if (!(n >= 1 && n <= TWO_POW_32 && Number.isInteger(n))) throw new RangeError(`nextInt: n must be an integer in [1, 2^32], got ${n}`);
  // Large n: accept u only below the largest multiple of n that fits in 2^32, then u % n is exactly uniform.
  const limit = TWO_POW_32 - (TWO_POW_32 % n);
  let u = step(s, o);
  while (u >= limit) u = step(s, o);
  return u % n;
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

class Sfc32 implements StreamRng {
  private readonly state = new Int32Array(4);

  constructor(private readonly words: readonly [number, number, number, number]) {
    seedState(this.state, 0, words, 0);
  }

  select(stream: number): void {
    seedState(this.state, 0, this.words, stream);
  }

  nextUint32(): number {
    return step(this.state, 0);
  }

  next(): number {
    return step(this.state, 0) / TWO_POW_32;
  }

  nextInt(n: number): number {
    return intBelow(this.state, 0, n);
  }
}

/** A seeded generator. Equal seeds give equal sequences on every platform (only 32-bit integer arithmetic). */
export function createRng(seed: string | number): StreamRng {
  return new Sfc32(hashSeed(seed));
}

/**
 * Many independent generators, one per seed, with their states side by side in one typed array. The forecast keeps a
 * stream per use case; thousands of separate generator objects scattered over the heap made its per-trial draws
 * cache-bound. Bank stream i yields exactly the sequence `createRng(seeds[i])` yields.
 */
export class RngBank {
  private readonly state: Int32Array;

  constructor(seeds: ReadonlyArray<string | number>) {
    this.state = new Int32Array(seeds.length * 4);
    seeds.forEach((seed, i) => seedState(this.state, i * 4, hashSeed(seed), 0));
  }

  nextInt(i: number, n: number): number {
    return intBelow(this.state, i * 4, n);
  }
}

/** Derive a named child seed: streams for different names are independent of each other and of call order. */
export function deriveSeed(seed: string | number, ...path: Array<string | number>): string {
  return [String(seed), ...path.map(String)].join("/");
}

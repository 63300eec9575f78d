import { describe, expect, it } from "vitest";
import { createRng, hashSeed, RngBank } from "../../src/domain/random.js";

describe("seeded random numbers", () => {
  it("equal seeds give equal sequences; numbers and strings are distinct seeds", () => {
    const draw = (seed: string | number) => {
      const rng = createRng(seed);
      return Array.from({ length: 20 }, () => rng.nextUint32());
    };
    expect(draw("a")).toEqual(draw("a"));
    expect(draw("a")).not.toEqual(draw("b"));
    expect(draw(7)).not.toEqual(draw("7"));
    expect(hashSeed(7)).toEqual(hashSeed(7));
  });

  it("select(i) restarts stream i and streams differ", () => {
    const rng = createRng(1);
    rng.select(3);
    const first = [rng.nextUint32(), rng.nextUint32()];
    rng.select(4);
    const other = [rng.nextUint32(), rng.nextUint32()];
    rng.select(3);
    expect([rng.nextUint32(), rng.nextUint32()]).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it("nextInt(n) is uniform (chi-square, 5 cells and a non power of two)", () => {
    for (const n of [5, 3, 1000]) {
      const rng = createRng(`uniform-${n}`);
      const draws = 200_000;
      const counts = new Float64Array(n);
      for (let i = 0; i < draws; i++) counts[rng.nextInt(n)]! += 1;
      const expected = draws / n;
      let chi2 = 0;
      for (const c of counts) chi2 += (c - expected) ** 2 / expected;
      // Chi-square with n-1 degrees of freedom: mean n-1, sd sqrt(2(n-1)); 6 sd is far beyond chance.
      expect(chi2).toBeLessThan(n - 1 + 6 * Math.sqrt(2 * (n - 1)));
    }
  });

  it("nextInt stays in range, including n = 1 and n = 2^32, and rejects bad n", () => {
    const rng = createRng("range");
    for (let i = 0; i < 1000; i++) {
      expect(rng.nextInt(1)).toBe(0);
      const v = rng.nextInt(2 ** 32);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(2 ** 32);
      const f = rng.next();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
    }
    expect(() => rng.nextInt(0)).toThrow(RangeError);
    expect(() => rng.nextInt(2.5)).toThrow(RangeError);
  });

  it("nextInt is unbiased where modulo would not be: n = 3 · 2^30 (2^32 mod n = 2^30)", () => {
    // Plain u % n would make values below 2^30 twice as likely as the rest (share 1/2 instead of 1/3).
    const rng = createRng("bias");
    const n = 3 * 2 ** 30;
    let low = 0;
    const draws = 60_000;
    for (let i = 0; i < draws; i++) if (rng.nextInt(n) < 2 ** 30) low++;
    const p = 1 / 3;
    expect(Math.abs(low / draws - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / draws));
  });

  it("a bank stream yields exactly what createRng(seed) yields, independently of the other streams", () => {
    const seeds = ["a", 7, "b"];
    const bank = new RngBank(seeds);
    const single = seeds.map((seed) => createRng(seed));
    for (let round = 0; round < 50; round++) {
      // interleave the streams unevenly: each must still follow its own sequence
      for (let i = 0; i < seeds.length; i++) {
        for (let k = 0; k <= i; k++) expect(bank.nextInt(i, 1000)).toBe(single[i]!.nextInt(1000));
      }
    }
    expect(() => bank.nextInt(0, 0)).toThrow(RangeError);
    expect(bank.nextInt(0, 2 ** 22)).toBeLessThan(2 ** 22); // above the multiply range: the modulo path
  });
});

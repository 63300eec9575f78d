import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/domain/random.js";

/**
 * The forecast starts a fresh sub-stream for every (squad, trial) and uses its first few outputs, with no warm-up
 * (ADR 0030). These checks look for the defects a weak seeding would show exactly there: first outputs that are not
 * uniform, that depend on the neighbouring trial's, on the same trial of another named stream, or on each other.
 * Each bound is the statistic's mean + 6 standard deviations: a failure is a defect, not bad luck.
 */
const STREAMS = 100_000;
const CELLS = 16;

/** Chi-square of a CELLS × CELLS table of pairs against independence with uniform margins (df = CELLS² − 1). */
function pairChiSquare(pairs: Array<[number, number]>): { chi2: number; bound: number } {
  const counts = new Float64Array(CELLS * CELLS);
  for (const [x, y] of pairs) counts[x * CELLS + y]! += 1;
  const expected = pairs.length / (CELLS * CELLS);
  let chi2 = 0;
  for (const c of counts) chi2 += (c - expected) ** 2 / expected;
  const df = CELLS * CELLS - 1;
  return { chi2, bound: df + 6 * Math.sqrt(2 * df) };
}

function firstDraws(seed: string, count: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: STREAMS }, (_, t) => {
    rng.select(t);
    return Array.from({ length: count }, () => rng.nextInt(CELLS));
  });
}

describe("sub-streams seeded by hashing, without warm-up", () => {
  const a = firstDraws("seed/squad/a", 2);
  const b = firstDraws("seed/squad/b", 1);

  it("the first draw of neighbouring trials' streams is independent", () => {
    const { chi2, bound } = pairChiSquare(a.slice(1).map((d, t) => [a[t]![0]!, d[0]!]));
    expect(chi2).toBeLessThan(bound);
  });

  it("the first and second draws of one stream are independent", () => {
    const { chi2, bound } = pairChiSquare(a.map((d) => [d[0]!, d[1]!]));
    expect(chi2).toBeLessThan(bound);
  });

  it("two named streams (two squads) in the same trial are independent", () => {
    const { chi2, bound } = pairChiSquare(a.map((d, t) => [d[0]!, b[t]![0]!]));
    expect(chi2).toBeLessThan(bound);
  });

  it("every bit of the first output is fair, and does not repeat the neighbouring trial's bit", () => {
    const rng = createRng(7);
    const ones = new Float64Array(32);
    const same = new Float64Array(32);
    let previous = 0;
    for (let t = 0; t < STREAMS; t++) {
      rng.select(t);
      const u = rng.nextUint32();
      for (let bit = 0; bit < 32; bit++) {
        ones[bit]! += (u >>> bit) & 1;
        if (t > 0) same[bit]! += ((u ^ previous) >>> bit) & 1 ? 0 : 1;
      }
      previous = u;
    }
    const sd = Math.sqrt(STREAMS * 0.25);
    for (let bit = 0; bit < 32; bit++) {
      expect(Math.abs(ones[bit]! - STREAMS / 2), `bit ${bit}`).toBeLessThan(6 * sd);
      expect(Math.abs(same[bit]! - (STREAMS - 1) / 2), `bit ${bit} vs previous trial`).toBeLessThan(6 * sd);
    }
  });
});

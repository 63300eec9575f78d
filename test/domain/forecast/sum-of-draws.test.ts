import { describe, expect, it } from "vitest";
import { SumOfDraws } from "../../../src/domain/forecast/sum-of-draws.js";

describe("SumOfDraws (time remaining gates add)", () => {
  it("is the exact convolution of the sample lists, rounded to whole days", () => {
    // {0, 7} each with 1/2, plus {3, 3.4, 10} each with 1/3 (3.4 rounds to 3).
    const sum = new SumOfDraws([[0, 7], [3, 3.4, 10]]);
    expect([...sum.values]).toEqual([3, 10, 17]);
    const p = [...sum.probabilities];
    expect(p[0]).toBeCloseTo(1 / 3, 12); // 0+3 twice of six
    expect(p[1]).toBeCloseTo(1 / 2, 12); // 0+10, 7+3, 7+3
    expect(p[2]).toBeCloseTo(1 / 6, 12); // 7+10
    expect(sum.mean).toBeCloseTo(3 / 3 + 10 / 2 + 17 / 6, 12);
  });

  it("no samples at all is a zero delay; empty lists are skipped", () => {
    expect(new SumOfDraws([]).isZero).toBe(true);
    expect(new SumOfDraws([[], []]).isZero).toBe(true);
    expect(new SumOfDraws([[], [14]]).values).toEqual(Float64Array.of(14));
  });

  it("delay moves each week's trials by ceil(k + days/7), unfinished stay unfinished, over the cap is unfinished", () => {
    const sum = new SumOfDraws([[0, 8]]); // 0 or 8 days, half each
    const counts = Uint32Array.from([2, 0, 4, 0, 0]); // maxPeriods 4: weeks 0..4, and 6 unfinished
    const out = sum.delay(counts, 6, 4);
    // week 0: half stays at 0, half → ceil(8/7) = 2; week 2: half stays, half → ceil(2 + 8/7) = 4.
    expect([...out.counts]).toEqual([1, 0, 1 + 2, 0, 2]);
    expect(out.unfinished).toBe(6);
    const late = new SumOfDraws([[30]]).delay(Uint32Array.from([0, 0, 4]), 0, 4); // 2 + 30/7 > 4; short input
    expect([...late.counts]).toEqual([0, 0, 0, 0, 0]);
    expect(late.unfinished).toBe(4);
  });

  it("delay equals the day-by-day rule ceil(k + d/7) for every possible sum (grouped by whole weeks of shift)", () => {
    const sum = new SumOfDraws([[0, 1, 6, 7, 8, 13.6, 20, 41], [2, 5, 9, 15]]);
    const maxPeriods = 12;
    const counts = Float64Array.from({ length: maxPeriods + 2 }, (_, k) => (k * 7919) % 13);
    const expected = new Float64Array(maxPeriods + 2);
    expected[maxPeriods + 1] = counts[maxPeriods + 1]!;
    for (let k = 0; k <= maxPeriods; k++) {
      sum.values.forEach((d, j) => {
        const period = Math.min(maxPeriods + 1, Math.ceil(k + d / 7));
        expected[period] = expected[period]! + counts[k]! * sum.probabilities[j]!;
      });
    }
    const out = sum.delay(counts.subarray(0, maxPeriods + 1), counts[maxPeriods + 1]!, maxPeriods);
    const got = [...out.counts, out.unfinished];
    expected.forEach((e, k) => expect(got[k]!, `week ${k}`).toBeCloseTo(e, 9));
  });
});

import { generatePortfolio } from "./src/domain/snapshot/generate.js";
import { backtestPortfolio } from "./src/domain/forecast/index.js";
for (const n of [36, 72, 144, 360, 720]) for (const seed of ["voltaic-2026", "a", "b"]) {
  const snap = generatePortfolio({ useCases: n, seed, now: "2026-11-23" });
  for (const every of [1, 2]) {
    const c = backtestPortfolio(snap as any, { now: "2026-11-23", config: { backtestEveryWeeks: every } });
    console.log(n, seed, "every", every, c.coverage.map((q) => `P${q.percentile * 100} ${(100 * (q.coverage ?? NaN)).toFixed(0)}% (${q.resolved})`).join("  "), "skill", c.skill?.toFixed(2));
  }
}

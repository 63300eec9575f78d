import { readFileSync } from "node:fs";
import { generatePortfolio, SAMPLE_OPTIONS } from "../../src/domain/snapshot/generate.js";
import { parseSnapshot } from "../../src/domain/snapshot/load.js";
import type { PortfolioSnapshot } from "../../src/domain/snapshot/schema.js";

/** The bundled sample, samples/portfolio.json, parsed as the app parses it. */
export function loadSample(): PortfolioSnapshot {
  const result = parseSnapshot(JSON.parse(readFileSync(new URL("../../samples/portfolio.json", import.meta.url), "utf8")));
  if (!result.ok) throw new Error(`samples/portfolio.json is invalid:\n${result.problems.join("\n")}`);
  return result.snapshot;
}

/**
 * One 36-slot cycle of the bundled sample's generator (same seed and now): every lifecycle stage and flaw of the
 * sample, in a program small enough that its weekly report is one issue body. For tests about posting, scheduling and
 * answering, where the report's size is not the point (the 216-use-case sample's report is several parts, ADR 0134).
 */
export function oneCycleSample(): PortfolioSnapshot {
  const result = parseSnapshot(generatePortfolio({ ...SAMPLE_OPTIONS, useCases: 36 }));
  if (!result.ok) throw new Error(`the generated one-cycle sample is invalid:\n${result.problems.join("\n")}`);
  return result.snapshot;
}

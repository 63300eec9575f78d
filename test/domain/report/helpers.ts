import { defaultConfig } from "../../../src/config/schema.js";
import { loadSample } from "../../helpers/sample.js";
import { buildReport, buildReportWithHistory, type BuildOptions } from "../../../src/domain/report/index.js";

export const SAMPLE_NOW = "2026-11-23";
export const SAMPLE_SEED = 7;

export { loadSample };

export function sampleReport(options: Partial<BuildOptions> = {}) {
  return buildReport(loadSample(), { now: SAMPLE_NOW, config: defaultConfig(), seed: SAMPLE_SEED, ...options });
}

/** The ```mermaid blocks of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]!);
}

/** The demo's report: five replayed weeks, then this one (what the golden file holds). */
export function demoReport() {
  return buildReportWithHistory(loadSample(), { now: SAMPLE_NOW, config: defaultConfig(), seed: SAMPLE_SEED }, 5);
}

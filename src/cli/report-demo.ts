/**
 * The demo's weekly report: samples/portfolio.json → demo-out/weekly-report.{md,html,json}. `npm run demo` calls
 * writeDemoReport and prints the headline table it returns. The five weeks before are replayed first (each report
 * reads the previous one's summary), so the demo shows changes since last week and a trend. Same inputs as the golden
 * test, so demo-out/weekly-report.md matches test/fixtures/report/sample-report.md.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultConfig } from "../config/schema.js";
import { parseSnapshotText } from "../domain/snapshot/load.js";
import { buildReportWithHistory, renderHeadline, renderHtml, renderJson, renderMarkdown } from "../domain/report/index.js";
import { loadChartJs } from "../domain/report/chartjs-loader.js";
import { CliError } from "./errors.js";
import { writeOutput } from "./io.js";

export const DEMO_SNAPSHOT = fileURLToPath(new URL("../../samples/portfolio.json", import.meta.url));
export const DEMO_NOW = "2026-11-23";
export const DEMO_SEED = 7;
/** Weeks replayed before the demo's report, so it shows changes since last week and an at-risk trend. */
export const DEMO_HISTORY_WEEKS = 5;

/** Writes the md (more parts as weekly-report.partN.md if needed), html and json reports; returns the headline table. */
export async function writeDemoReport(outDir = "demo-out"): Promise<string> {
  const parsed = parseSnapshotText(await readFile(DEMO_SNAPSHOT, "utf8"));
  if (!parsed.ok) throw new CliError(`bundled sample snapshot is invalid:\n${parsed.problems.map((p) => `  - ${p}`).join("\n")}`);
  const model = buildReportWithHistory(parsed.snapshot, { now: DEMO_NOW, config: defaultConfig(), seed: DEMO_SEED }, DEMO_HISTORY_WEEKS);
  const { parts } = renderMarkdown(model);
  for (const [i, part] of parts.entries()) await writeOutput(join(outDir, i === 0 ? "weekly-report.md" : `weekly-report.part${i + 1}.md`), part);
  await writeOutput(join(outDir, "weekly-report.html"), renderHtml(model, { chartJs: loadChartJs() }));
  await writeOutput(join(outDir, "weekly-report.json"), renderJson(model));
  return renderHeadline(model);
}

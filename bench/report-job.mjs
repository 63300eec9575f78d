// The weekly report job as production runs it (compiled JS from `npm run build`, no TypeScript loader), timed step
// by step for bench/report.bench.ts, which spawns one process per job and reads the JSON line this prints.
//   node bench/report-job.mjs <parse|report|report-no-backtest> <snapshot.json> <trials>
import { readFileSync } from "node:fs";
import { defaultConfig } from "../lib/config/schema.js";
import { parseSnapshot } from "../lib/domain/snapshot/load.js";
import { buildReport, defaultEngines, renderHtml, renderJson, renderMarkdown } from "../lib/domain/report/index.js";
import { loadChartJs } from "../lib/domain/report/chartjs-loader.js";
import { releaseParsedText } from "../lib/cli/io.js";

const rssMb = () => process.resourceUsage().maxRSS / 1024;

function timed(ms, key, fn) {
  const t = performance.now();
  const out = fn();
  ms[key] = (ms[key] ?? 0) + (performance.now() - t);
  return out;
}

function job(mode, file, trials) {
  let text = readFileSync(file, "utf8");
  const ms = {};
  const detail = {};
  if (mode === "parse") {
    const runs = [];
    const holder = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      holder.push(JSON.parse(text));
      runs.push(performance.now() - t);
      // Peak RSS of holding the text and one parsed copy: the floor under any job that reads the snapshot.
      if (i === 0) detail.peakOne = rssMb();
      holder.length = 0;
    }
    // The first parse is the one every report job pays (a fresh process, its heap still to grow); the later ones
    // parse into a heap that has already grown, which is faster.
    ms.jsonParse = runs[0];
    const warm = runs.slice(1).sort((a, b) => a - b);
    ms.jsonParseWarm = (warm[1] + warm[2]) / 2;
    detail.runs = runs.map((r) => r.toFixed(0)).join(", ");
    return { ms, maxRssMb: Number(detail.peakOne), detail };
  }
  let json = timed(ms, "jsonParse", () => JSON.parse(text));
  text = null; // as the CLI does: neither the text nor the raw JSON is kept once validated
  const parsed = timed(ms, "validate", () => parseSnapshot(json));
  json = null;
  releaseParsedText(); // as the CLI does (a no-op unless the job runs with --expose-gc)
  if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
  const config = defaultConfig();
  config.forecast.trials = trials;
  const engines = {
    forecast: (s, o) => timed(ms, "forecast", () => defaultEngines.forecast(s, o)),
    benefits: (s, f, o) => timed(ms, "benefits", () => defaultEngines.benefits(s, f, o)),
    kpis: (s, o) => timed(ms, "kpis", () => defaultEngines.kpis(s, o)),
    calibration: (s, o) => (mode === "report-no-backtest" ? null : timed(ms, "backtest", () => defaultEngines.calibration(s, o))),
  };
  const model = timed(ms, "buildReport", () => buildReport(parsed.snapshot, { now: "2026-11-23", config, seed: 1 }, engines));
  ms.assemble = ms.buildReport - (ms.forecast ?? 0) - (ms.benefits ?? 0) - (ms.kpis ?? 0) - (ms.backtest ?? 0);
  detail.peakAfterBuild = rssMb();
  // The CLI writes one format per run: each output is measured and dropped before the next is rendered.
  const parts = timed(ms, "renderMarkdown", () => renderMarkdown(model).parts);
  detail.markdownParts = parts.length;
  detail.markdownChars = parts.reduce((s, p) => s + p.length, 0);
  detail.htmlChars = timed(ms, "renderHtml", () => renderHtml(model, { chartJs: loadChartJs() })).length;
  detail.jsonChars = timed(ms, "renderJson", () => renderJson(model)).length;
  detail.inFlight = model.headline.inFlight;
  return { ms, maxRssMb: rssMb(), detail };
}

const [mode, file, trials] = process.argv.slice(2);
process.stdout.write(`${JSON.stringify(job(mode, file, Number(trials)))}\n`);

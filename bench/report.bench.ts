/**
 * Report benchmark (issue 4): compute time and peak memory of the weekly report for a generated 10,000-use-case
 * snapshot at 10,000 trials, next to the time to merely JSON.parse the same snapshot. Writes docs/benchmarks.md.
 *
 *   npm run bench                                   # 10,000 use cases, 10,000 trials
 *   npm run bench -- --use-cases 2000 --trials 1000 --no-write   # a quick look, docs untouched
 *   --heap-cap <MB>   old-space cap for the capped run (default 200)
 *
 * Each measurement runs in its own child process (bench/report-job.mjs, on the compiled lib/ as production runs it),
 * so the peak RSS (getrusage maxrss) is that of one job alone.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generatePortfolio, serializeSnapshot } from "../src/domain/snapshot/generate.js";

/** The job itself, as production runs it: compiled JS (lib/, built first), no TypeScript loader in the process. */
const JOB = fileURLToPath(new URL("./report-job.mjs", import.meta.url));
const NOW = "2026-11-23";

interface ChildResult {
  ms: Record<string, number>;
  maxRssMb: number;
  detail: Record<string, number | string>;
}

function runChild(mode: string, file: string, trials: number, heapMb?: number): ChildResult {
  const heap = heapMb === undefined ? [] : [`--max-old-space-size=${heapMb}`];
  const out = execFileSync(process.execPath, [...heap, JOB, mode, file, String(trials)], {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(out.trim().split("\n").pop()!) as ChildResult;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const pct = (part: number | undefined, whole: number | undefined) => (part === undefined || !whole ? "—" : `${Math.round((100 * part) / whole)}%`);
const s = (ms: number | undefined) => (ms === undefined ? "—" : `${(ms / 1000).toFixed(2)} s`);

async function main(): Promise<void> {
  process.stderr.write("building lib/ (the job runs the compiled code)…\n");
  execFileSync("npm", ["run", "-s", "build"], { stdio: "inherit" });
  const useCases = arg("--use-cases", 10_000);
  const trials = arg("--trials", 10_000);
  const write = !process.argv.includes("--no-write");
  const dir = mkdtempSync(join(tmpdir(), "converge-bench-"));
  const file = join(dir, "snapshot.json");
  try {
    process.stderr.write(`generating a ${useCases}-use-case snapshot…\n`);
    const t = performance.now();
    writeFileSync(file, serializeSnapshot(generatePortfolio({ useCases, seed: 1, now: NOW })));
    const genMs = performance.now() - t;
    const bytes = readFileSync(file).length;
    process.stderr.write(`JSON.parse alone…\n`);
    const parse = runChild("parse", file, trials);
    process.stderr.write(`report without the backtest…\n`);
    const quick = runChild("report-no-backtest", file, trials);
    process.stderr.write(`full report (with the 12-week backtest)…\n`);
    const full = runChild("report", file, trials);
    // V8 grows its heap lazily on a machine with plenty of RAM, so the uncapped peak overstates what the job needs.
    // The same job with the old space capped shows whether it fits the 300 MB target.
    const cap = arg("--heap-cap", 200);
    process.stderr.write(`full report with --max-old-space-size=${cap}…\n`);
    let capped: ChildResult | null = null;
    try {
      capped = runChild("report", file, trials, cap);
    } catch {
      capped = null;
    }

    const jp = parse.ms.jsonParse!;
    const rows: Array<[string, number | undefined, number | undefined]> = [
      ["JSON.parse (in the report job)", quick.ms.jsonParse, full.ms.jsonParse],
      ["schema validation (parseSnapshot)", quick.ms.validate, full.ms.validate],
      ["forecast (forecastPortfolio)", quick.ms.forecast, full.ms.forecast],
      ["backtest (12 replayed weeks)", quick.ms.backtest, full.ms.backtest],
      ["benefits", quick.ms.benefits, full.ms.benefits],
      ["KPIs", quick.ms.kpis, full.ms.kpis],
      ["report assembly", quick.ms.assemble, full.ms.assemble],
      ["**buildReport total**", quick.ms.buildReport, full.ms.buildReport],
      ["render Markdown", quick.ms.renderMarkdown, full.ms.renderMarkdown],
      ["render HTML", quick.ms.renderHtml, full.ms.renderHtml],
      ["render JSON", quick.ms.renderJson, full.ms.renderJson],
    ];
    const ratio = (x: number | undefined) => (x === undefined ? "—" : `${(x / jp).toFixed(1)} ×`);
    const cpu = cpus();
    const md = [
      "<!-- bench:report:start (written by bench/report.bench.ts; edit the script, not this section) -->",
      "## Weekly report: compute time and peak memory",
      "",
      `Command: \`npm run bench\` (= \`node --import tsx/esm bench/report.bench.ts --use-cases ${useCases} --trials ${trials}\`), run ${new Date().toISOString().slice(0, 16)}Z.`,
      `Machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}.`,
      `Snapshot: \`generatePortfolio({ useCases: ${useCases}, seed: 1, now: "${NOW}" })\`, ${(bytes / 2 ** 20).toFixed(1)} MB of JSON (${full.detail.inFlight} use cases in flight); generated in ${s(genMs)}.`,
      `Each job runs in its own child process; peak memory is that process's maximum RSS. Timings on this shared 2-core VM vary by about ±30% between runs (the forecast step measured 7.5–14.7 s in runs of the same day).`,
      "",
      `**Baseline: \`JSON.parse\` of the snapshot: ${s(jp)}** (median of 5; runs ${parse.detail.runs} ms); peak RSS after reading the file and parsing it once: ${parse.maxRssMb.toFixed(0)} MB.`,
      "",
      "| Step | Report without backtest | Full report (with backtest) |",
      "|---|---|---|",
      ...rows.map(([name, a, b]) => `| ${name} | ${s(a)} | ${s(b)} |`),
      `| **buildReport ÷ JSON.parse** (target ≤ 3 ×) | ${ratio(quick.ms.buildReport)} | ${ratio(full.ms.buildReport)} |`,
      `| **peak RSS** (target ≤ 300 MB) | ${quick.maxRssMb.toFixed(0)} MB | ${full.maxRssMb.toFixed(0)} MB |`,
      `| peak RSS with \`--max-old-space-size=${cap}\` | | ${capped === null ? "did not complete (out of memory)" : `${capped.maxRssMb.toFixed(0)} MB (buildReport ${s(capped.ms.buildReport)})`} |`,
      "",
      `Output: ${full.detail.markdownParts} Markdown part(s), ${Number(full.detail.markdownChars).toLocaleString("en-US")} characters; HTML ${(Number(full.detail.htmlChars) / 2 ** 20).toFixed(1)} MB; JSON ${(Number(full.detail.jsonChars) / 2 ** 20).toFixed(1)} MB.`,
      "",
      `Where the time goes (full report): forecast ${pct(full.ms.forecast, full.ms.buildReport)}, backtest ${pct(full.ms.backtest, full.ms.buildReport)}, ` +
        `benefits + KPIs ${pct((full.ms.benefits ?? 0) + (full.ms.kpis ?? 0), full.ms.buildReport)}, report assembly ${pct(full.ms.assemble, full.ms.buildReport)} of buildReport. ` +
        `Memory: holding the snapshot text and one parsed copy already peaks at ${parse.maxRssMb.toFixed(0)} MB; the report job peaks at ${full.maxRssMb.toFixed(0)} MB uncapped` +
        `${capped === null ? ` and does not complete with the old space capped at ${cap} MB.` : ` and at ${capped.maxRssMb.toFixed(0)} MB with the old space capped at ${cap} MB.`}`,
      "",
      `Targets: buildReport ≤ 3 × JSON.parse (${s(3 * jp)} here), about 2 s, peak ≤ 300 MB on a 2-core machine. ` +
        `Met: time ${full.ms.buildReport! <= 3 * jp ? "yes" : "**no**"} (full), ${quick.ms.buildReport! <= 3 * jp ? "yes" : "**no**"} (without backtest); memory ${full.maxRssMb <= 300 ? "yes" : "**no**"} uncapped, ${capped !== null && capped.maxRssMb <= 300 ? "yes" : "**no**"} capped (full).`,
      "<!-- bench:report:end -->",
    ].join("\n");
    process.stdout.write(`${md}\n`);
    if (write) {
      const path = fileURLToPath(new URL("../docs/benchmarks.md", import.meta.url));
      const existing = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
      const section = /<!-- bench:report:start[\s\S]*?<!-- bench:report:end -->/;
      writeFileSync(path, section.test(existing) ? existing.replace(section, md) : `${existing.trimEnd()}\n\n${md}\n`);
      process.stderr.write(`wrote ${path}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import MarkdownIt from "markdown-it";
import { defaultConfig } from "../../../src/config/schema.js";
import { generatePortfolio } from "../../../src/domain/snapshot/generate.js";
import { BODY_LIMIT, buildReport, encodeSummary, extractSummary, renderJson, renderMarkdown } from "../../../src/domain/report/index.js";
import { fixtureModel, HOSTILE_TITLE } from "../../fixtures/report/models.js";
import { oneCycleSample } from "../../helpers/sample.js";
import { toForecastSummary } from "../../../src/domain/report/summary.js";
import { forecastSummarySchema } from "../../../src/domain/forecast/index.js";
import { SAMPLE_NOW, SAMPLE_SEED, demoReport, loadSample, mermaidBlocks, sampleReport } from "./helpers.js";

const GOLDEN = new URL("../../fixtures/report/sample-report.md", import.meta.url);
const md = new MarkdownIt({ html: true, linkify: false });

describe("golden report for samples/portfolio.json", () => {
  it("matches test/fixtures/report/sample-report.md (UPDATE_GOLDEN=1 regenerates it)", () => {
    const text = renderMarkdown(demoReport()).parts.join("\n<!-- converge:part-break -->\n\n");
    if (process.env.UPDATE_GOLDEN === "1" || !existsSync(GOLDEN)) {
      mkdirSync(new URL(".", GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, text);
    }
    expect(text, "report changed: if an engine's numbers changed on purpose, run UPDATE_GOLDEN=1 npx vitest run test/domain/report/report.test.ts and review the diff").toBe(readFileSync(GOLDEN, "utf8"));
  });

  it("has every section the office reads, with changes and a trend from the replayed weeks", () => {
    const model = demoReport();
    expect(model.trend.map((t) => t.week)).toEqual(["2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48"]);
    expect(model.changes.since).toBe("2026-W47");
    const text = renderMarkdown(model).parts.join("\n");
    for (const heading of ["| Headline |", "## Use cases at risk", "## Changes since last week", "## Charts", "## Benefits", "### By value stream", "### By initiative", "## KPIs", "## Forecast calibration", "## Stuck in a gate"]) {
      expect(text).toContain(heading);
    }
    const blocks = mermaidBlocks(text);
    expect(blocks.map((b) => b.split("\n")[0])).toEqual(["gantt", "pie showData", "xychart-beta", "xychart-beta"]);
    // The calibration section: coverage per percentile from the backtest, and its reliability chart (one bar and one
    // line value per probability band that has resolved forecasts).
    const c = model.calibration!;
    for (const q of c.coverage!.filter((x) => x.resolved > 0)) {
      const interval = `${Math.round(q.interval!.low * 100)}%–${Math.round(q.interval!.high * 100)}%`;
      expect(text).toMatch(new RegExp(`^\\| P${Math.round(q.percentile * 100)} \\| ${Math.round(q.percentile * 100)}% \\| ${Math.round(q.coverage! * 100)}% \\| ${q.resolved} \\| ${q.useCases} \\| ${interval} \\|$`, "m"));
    }
    const bands = c.reliability!.filter((b) => b.forecasts > 0);
    const reliability = blocks[3]!;
    expect(reliability).toContain(`bar [${bands.map((b) => Math.round(b.observed! * 1000) / 10).join(", ")}]`);
    expect(reliability).toContain(`line [${bands.map((b) => Math.round(b.meanForecast! * 1000) / 10).join(", ")}]`);
  });
});

describe("determinism", () => {
  it("same snapshot, now, config and seed give the same model, Markdown and JSON", () => {
    const a = sampleReport();
    const b = sampleReport();
    expect(renderJson(a)).toBe(renderJson(b));
    expect(renderMarkdown(a).parts).toEqual(renderMarkdown(b).parts);
  });

  it("the JSON has sorted keys at every level", () => {
    const json = JSON.parse(renderJson(sampleReport())) as Record<string, unknown>;
    const check = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(check);
      else if (v && typeof v === "object") {
        const keys = Object.keys(v);
        expect(keys).toEqual([...keys].sort());
        Object.values(v).forEach(check);
      }
    };
    check(json);
  });

  it("does not mutate the snapshot", () => {
    const snapshot = loadSample();
    const before = JSON.stringify(snapshot);
    buildReport(snapshot, { now: SAMPLE_NOW, config: defaultConfig(), seed: SAMPLE_SEED });
    expect(JSON.stringify(snapshot)).toBe(before);
  });
});

describe("summary block and changes since last week", () => {
  it("round-trips through the Markdown", () => {
    const model = sampleReport();
    const result = extractSummary(renderMarkdown(model).parts);
    expect(result).toEqual({ ok: true, summary: model.summary });
  });

  it("next week's report reads it: gates passed, deployments, slips and the trend", () => {
    const lastWeek = sampleReport({ now: "2026-11-09" });
    const summary = extractSummary(renderMarkdown(lastWeek).parts);
    if (!summary.ok) throw new Error(summary.problem);
    const thisWeek = sampleReport({ previous: summary.summary });
    expect(thisWeek.changes.since).toBe("2026-W46");
    expect(thisWeek.trend.map((t) => t.week)).toEqual(["2026-W46", "2026-W48"]);
    const moved = thisWeek.changes.gatesPassed.length + thisWeek.changes.deployed.length + thisWeek.changes.newUseCases.length + thisWeek.changes.slipped.length;
    expect(moved).toBeGreaterThan(0);
    for (const s of thisWeek.changes.slipped) expect(s.to > s.from).toBe(true);
    const text = renderMarkdown(thisWeek).parts.join("\n");
    expect(text).toContain("Compared with the report of 2026-W46.");
  });

  it("a summary given in the snapshot's previousReport is used; a damaged one is named in the notes", () => {
    const lastWeek = sampleReport({ now: "2026-11-16" });
    const snapshot = { ...loadSample(), previousReport: lastWeek.summary as unknown as Record<string, unknown> };
    expect(buildReport(snapshot, { now: SAMPLE_NOW, config: defaultConfig(), seed: SAMPLE_SEED }).changes.since).toBe("2026-W47");
    const damaged = { ...loadSample(), previousReport: { v: 99 } };
    const model = buildReport(damaged, { now: SAMPLE_NOW, config: defaultConfig(), seed: SAMPLE_SEED });
    expect(model.changes.since).toBeNull();
    expect(model.meta.notes.join(" ")).toMatch(/Previous report's summary ignored/);
  });

  it("carries what the forecast needs to explain movement (its own ForecastSummary schema accepts it)", () => {
    const summary = demoReport().summary;
    const forecastSummary = toForecastSummary(summary);
    expect(forecastSummarySchema.safeParse(forecastSummary).success).toBe(true);
    const inFlight = summary.uc.filter((u) => u[2] !== "d");
    expect(Object.keys(forecastSummary.useCases).sort()).toEqual(inFlight.map((u) => u[0]).sort());
    for (const [id, entry] of Object.entries(forecastSummary.useCases)) {
      const row = summary.uc.find((u) => u[0] === id)!;
      expect(entry.p85Date).toBe(row[3]);
      expect(entry.gatesRemaining.every((g) => summary.gates.includes(g))).toBe(true);
    }
  });

  it("data cannot end the hidden comment: `-->`, `--!>` and `<` are escaped", () => {
    const summary = { ...fixtureModel(3).summary, gates: ["--> <script>alert(1)</script> --!>"] };
    const lines = encodeSummary(summary);
    for (const line of lines) {
      expect(line.indexOf("-->")).toBe(line.length - 3);
      expect(line).not.toMatch(/--!>|<script/);
    }
    const html = md.render(lines.join("\n"));
    expect(html).not.toContain("<script");
    expect(extractSummary(lines.join("\n"))).toEqual({ ok: true, summary });
  });

  it("chunks a large summary and rejects missing chunks", () => {
    const summary = fixtureModel(400).summary;
    const lines = encodeSummary(summary, 1000);
    expect(lines.length).toBeGreaterThan(5);
    expect(extractSummary([...lines].reverse().join("\n"))).toEqual({ ok: true, summary });
    expect(extractSummary(lines.slice(1).join("\n"))).toMatchObject({ ok: false, problem: expect.stringMatching(/chunk 1 of/) });
    expect(extractSummary("no summary here")).toMatchObject({ ok: false });
  });

  it("a marker typed by a user inside report text is not taken for the summary", () => {
    const fake = `| x | <!-- converge:summary 1/1 {"v":1} --> |`;
    expect(extractSummary(fake)).toMatchObject({ ok: false });
  });
});

describe("injection", () => {
  const model = fixtureModel(12, { hostile: true });
  const text = renderMarkdown(model).parts.join("\n");
  const visible = text.replace(/^<!-- converge:summary .*-->$/gm, "");

  it(`a use case titled ${JSON.stringify(HOSTILE_TITLE)} renders inert`, () => {
    const html = md.render(visible);
    expect(visible).not.toMatch(/@(everyone|octocat|acme)/);
    // Only Converge's own <details> blocks: every opening has its closing, none comes from data.
    expect(html.match(/<details>/g)?.length ?? 0).toBe(html.match(/<\/details>/g)?.length ?? 0);
    expect(html).not.toContain("<b>");
    expect(html).toContain("&lt;/details&gt;");
    // Tables keep their column count: a `|` in a title does not add a cell.
    for (const tableHtml of html.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
      const headCells = (tableHtml.match(/<thead>[\s\S]*?<\/thead>/)?.[0].match(/<th>/g) ?? []).length;
      for (const row of tableHtml.match(/<tbody>[\s\S]*?<\/tbody>/)?.[0].match(/<tr>[\s\S]*?<\/tr>/g) ?? []) {
        expect((row.match(/<td>/g) ?? []).length).toBe(headCells);
      }
    }
    expect(html).not.toMatch(/<h1>[^<]*x<\/h1>|<h[2-6]>\s*x/);
  });

  it("user text inside Mermaid blocks has no syntax characters", () => {
    for (const block of mermaidBlocks(text)) {
      for (const line of block.split("\n")) {
        if (/^\s*(section|P85|Deadline)/.test(line)) expect(line.replace(/:(crit, )?[fd]\d+, .*$|:milestone, d\d+, .*$/, "")).not.toMatch(/[:#;<>@`"[\]]/);
        const t = line.trim();
        if (t.startsWith('"')) expect(t.slice(1, t.lastIndexOf('"'))).not.toMatch(/[:#;<>@`"[\]]/);
      }
    }
  });
});

describe("size limit", () => {
  it("a 2,000-use-case model fits in parts of at most 60,000 characters, summary intact", () => {
    const model = fixtureModel(2000);
    const { parts } = renderMarkdown(model);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(BODY_LIMIT);
      // Each part stands alone: no collapsed section or code fence opens in one part and closes in the next.
      expect((part.match(/^<details>$/gm) ?? []).length).toBe((part.match(/^<\/details>$/gm) ?? []).length);
      expect((part.match(/^```/gm) ?? []).length % 2).toBe(0);
    }
    expect(parts[1]).toMatch(/^# .*\(part 2 of \d+\)/);
    expect(extractSummary(parts)).toEqual({ ok: true, summary: model.summary });
    // Everything at risk is listed, in some part.
    const all = parts.join("\n");
    for (const u of model.useCases.filter((x) => x.status === "overdue")) expect(all).toContain(`(UC ${u.number})](${u.url})`);
  });

  it("a generated 2,000-use-case portfolio renders within the limit", { timeout: 120_000 }, () => {
    const snapshot = generatePortfolio({ useCases: 2000, seed: 3, now: SAMPLE_NOW });
    const config = defaultConfig();
    config.forecast.trials = 1000;
    const model = buildReport(snapshot, { now: SAMPLE_NOW, config, seed: 1 });
    const { parts } = renderMarkdown(model);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(BODY_LIMIT);
    expect(extractSummary(parts)).toMatchObject({ ok: true });
  });

  it("a small report is a single part", () => {
    const small = buildReport(oneCycleSample(), { now: SAMPLE_NOW, config: defaultConfig(), seed: SAMPLE_SEED });
    expect(renderMarkdown(small).parts).toHaveLength(1);
  });
});

describe("large summaries", () => {
  it("are deflated when longer than one chunk, and still round-trip", () => {
    const summary = fixtureModel(3000).summary;
    const lines = encodeSummary(summary);
    expect(lines.join("").length).toBeLessThan(JSON.stringify(summary).length / 3);
    expect(lines[0]).toMatch(/^<!-- converge:summary 1\/\d+ z:[A-Za-z0-9+/=]+ -->$/);
    expect(extractSummary(lines)).toEqual({ ok: true, summary });
    const damaged = lines.map((l) => l.replace(/z:[A-Za-z0-9+/]{8}/, "z:AAAAAAAA"));
    expect(extractSummary(damaged)).toMatchObject({ ok: false });
  });
});

describe("edge cases", () => {
  it("an empty portfolio renders every section without charts", () => {
    const snapshot = { ...loadSample(), useCases: [], initiatives: [], kpiInputs: { defects: [], deploymentStatuses: [], coverage: [] } };
    const model = buildReport(snapshot, { now: SAMPLE_NOW, config: defaultConfig(), seed: 1 });
    const text = renderMarkdown(model).parts.join("\n");
    expect(mermaidBlocks(text)).toEqual([]);
    expect(text).toContain("_Nothing to chart yet");
    expect(text).toContain("n/a (nothing in flight)");
    expect(extractSummary(text)).toMatchObject({ ok: true });
  });
});

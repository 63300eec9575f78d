import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { writeDemoReport } from "../../../src/cli/report-demo.js";
import { extractSummary, renderMarkdown } from "../../../src/domain/report/index.js";
import { sampleReport } from "./helpers.js";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url).pathname;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx/esm", "src/cli/run.ts", ...args], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("converge report (CLI)", { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "converge-report-"));

  it("writes md, html and json for the sample", async () => {
    for (const format of ["md", "html", "json"]) {
      const out = join(dir, `r.${format}`);
      const r = await cli("report", "--snapshot", "samples/portfolio.json", "--now", "2026-11-23", "--format", format, "--seed", "7", "--out", out);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(out, "utf8").length).toBeGreaterThan(1000);
    }
    // The CLI prints exactly what the library renders for the same inputs.
    expect(readFileSync(join(dir, "r.md"), "utf8")).toBe(renderMarkdown(sampleReport()).parts[0]);
    expect(JSON.parse(readFileSync(join(dir, "r.json"), "utf8")).meta.isoWeek).toBe("2026-W48");
  });

  it("reads last week's report with --previous", async () => {
    const last = join(dir, "last.md");
    expect((await cli("report", "--snapshot", "samples/portfolio.json", "--now", "2026-11-16", "--out", last)).code).toBe(0);
    // The sample's report is several parts (last.md, last.part2.md, …) and its summary is in the last one.
    expect(readFileSync(last, "utf8")).not.toContain("converge:summary");
    const r = await cli("report", "--snapshot", "samples/portfolio.json", "--now", "2026-11-23", "--previous", last);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Compared with the report of 2026-W47.");
  });

  it("--history replays past weeks: the same report as the demo", async () => {
    const r = await cli("report", "--snapshot", "samples/portfolio.json", "--now", "2026-11-23", "--seed", "7", "--history", "5");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(new URL("../../fixtures/report/sample-report.md", import.meta.url), "utf8"));
    const both = await cli("report", "--snapshot", "samples/portfolio.json", "--history", "2", "--previous", "x.md");
    expect(both.code).toBe(2);
  });

  it("an invalid snapshot: path-named problems on stderr, exit 1, no stack trace", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ schemaVersion: 1, generatedAt: "yesterday", useCases: [{ id: 3 }] }));
    const r = await cli("report", "--snapshot", bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("is not a valid portfolio snapshot");
    expect(r.stderr).toMatch(/- generatedAt: /);
    expect(r.stderr).toMatch(/- useCases\[0\]\.id: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("--method monte-carlo simulates with --trials and --seed, and agrees with the exact default within 5 SE", async () => {
    const args = ["report", "--snapshot", "samples/portfolio.json", "--now", "2026-11-23", "--format", "json"];
    type Figures = { meta: { method: string; trials: number; seed: number }; useCases: Array<{ id: string; pOnTime: number | null }> };
    const exact = JSON.parse((await cli(...args)).stdout) as Figures;
    const trials = 20_000;
    const simulated = JSON.parse((await cli(...args, "--method", "monte-carlo", "--trials", String(trials), "--seed", "3")).stdout) as Figures;
    expect(exact.meta).toMatchObject({ method: "exact" });
    expect(simulated.meta).toMatchObject({ method: "monte-carlo", trials, seed: 3 });
    const byId = new Map(simulated.useCases.map((u) => [u.id, u.pOnTime]));
    for (const u of exact.useCases) {
      if (u.pOnTime === null) continue;
      const p = u.pOnTime;
      expect(Math.abs(byId.get(u.id)! - p), u.id).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / trials) + 1 / trials);
    }
    const bad = await cli(...args, "--method", "guess");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--method must be exact or monte-carlo, got "guess"');
  });

  it("a missing file or bad option: a clear one-line error", async () => {
    const missing = await cli("report", "--snapshot", join(dir, "nope.json"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/snapshot file not found: .*nope\.json/);
    const format = await cli("report", "--snapshot", "samples/portfolio.json", "--format", "pdf");
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("--format must be one of md, html, json");
    const notJson = join(dir, "text.json");
    writeFileSync(notJson, "{ nope");
    const r = await cli("report", "--snapshot", notJson);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("not valid JSON");
  });
});

describe("writeDemoReport", () => {
  it("writes md + html + json for samples/portfolio.json and returns the headline table", async () => {
    const dir = mkdtempSync(join(tmpdir(), "converge-demo-"));
    const headline = await writeDemoReport(dir);
    const golden = readFileSync(new URL("../../fixtures/report/sample-report.md", import.meta.url), "utf8").split("\n<!-- converge:part-break -->\n\n");
    expect(golden.length, "the 216-use-case sample's report is several issue-sized parts").toBeGreaterThan(1);
    const partFiles = golden.map((_, i) => (i === 0 ? "weekly-report.md" : `weekly-report.part${i + 1}.md`));
    expect(readdirSync(dir).sort()).toEqual(["weekly-report.html", "weekly-report.json", ...partFiles].sort());
    expect(headline).toMatch(/^\| Headline \| 2026-W48 \|/);
    expect(headline).toContain("Forecast to miss deadline");
    const parts = partFiles.map((f) => readFileSync(join(dir, f), "utf8"));
    expect(parts).toEqual(golden);
    // The hidden summary rides in the last part; read together, the parts give it back.
    expect(extractSummary(parts).ok).toBe(true);
  });
});

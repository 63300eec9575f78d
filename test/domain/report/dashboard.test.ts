/**
 * The HTML dashboard in headless Chromium (the one `npm ci` installs with @sparticuz/chromium; test/helpers/chromium.ts): loaded from a file://
 * URL with every network request aborted, no console errors, every chart drawn by Chart.js, and a screenshot saved to
 * test-results/dashboard.png (and to the committed docs/img/dashboard.png with UPDATE_GOLDEN=1).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { renderHtml } from "../../../src/domain/report/index.js";
import { loadChartJs } from "../../../src/domain/report/chartjs-loader.js";
import { fixtureModel, HOSTILE_TITLE } from "../../fixtures/report/models.js";
import { demoReport } from "./helpers.js";
import { browserForFile } from "../../helpers/chromium.js";

const OUT = resolve("test-results");
const browser = browserForFile();

async function open(html: string, name: string) {
  mkdirSync(OUT, { recursive: true });
  const file = resolve(OUT, name);
  writeFileSync(file, html);
  const page = await browser().newPage({ viewport: { width: 1400, height: 1800 } });
  const errors: string[] = [];
  const blocked: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url === pathToFileURL(file).href) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  return { page, errors, blocked };
}

describe("HTML dashboard in headless Chromium", () => {
  it("renders the sample report offline with every chart drawn and no console errors", async () => {
    const { page, errors, blocked } = await open(renderHtml(demoReport(), { chartJs: loadChartJs() }), "dashboard.html");
    const charts = await page.evaluate(() => {
      const w = window as unknown as { Chart?: { getChart(c: HTMLCanvasElement): unknown }; convergeCharts?: unknown[] };
      return [...document.querySelectorAll("canvas")].map((c) => {
        const ctx = c.getContext("2d")!;
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
        return { id: c.id, chart: Boolean(w.Chart?.getChart(c)), width: c.width, height: c.height, painted, total: w.convergeCharts?.length ?? 0 };
      });
    });
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);
    expect(charts.map((c) => c.id)).toEqual(["chart-timeline", "chart-trend", "chart-gates", "chart-benefit", "chart-benefit-bars", "chart-reliability"]);
    for (const c of charts) {
      expect(c.chart, c.id).toBe(true);
      expect(c.width * c.height, c.id).toBeGreaterThan(0);
      expect(c.painted, `${c.id} has drawn pixels`).toBeGreaterThan(500);
    }
    expect(charts[0]!.total).toBe(6);
    expect(await page.locator("h2", { hasText: "Use cases at risk" }).count()).toBe(1);
    const png = await page.screenshot({ fullPage: false });
    writeFileSync(resolve(OUT, "dashboard.png"), png);
    // The committed picture in docs/ is refreshed on request (or when missing), so a test run leaves the tree clean.
    if (process.env.UPDATE_GOLDEN === "1" || !existsSync(resolve("docs/img/dashboard.png"))) {
      mkdirSync(resolve("docs/img"), { recursive: true });
      writeFileSync(resolve("docs/img/dashboard.png"), png);
    }
    await page.close();
  }, 60_000);

  it("shows hostile text as text: no injected elements, scripts or broken JSON", async () => {
    const { page, errors } = await open(renderHtml(fixtureModel(12, { hostile: true }), { chartJs: loadChartJs() }), "dashboard-hostile.html");
    expect(errors).toEqual([]);
    const found = await page.evaluate(() => ({
      bold: document.querySelectorAll("main b").length,
      scripts: document.querySelectorAll("script").length,
      details: document.querySelectorAll("details").length,
      title: document.title,
      charts: (window as unknown as { convergeCharts: unknown[] }).convergeCharts.length,
    }));
    expect(found.bold).toBe(0);
    expect(found.scripts).toBe(3);
    expect(found.details).toBe(2);
    expect(found.title).toContain(HOSTILE_TITLE);
    expect(found.charts).toBe(5);
    expect(await page.locator("main").innerText()).toContain(HOSTILE_TITLE);
    await page.close();
  }, 60_000);
});

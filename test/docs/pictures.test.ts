/**
 * The pictures in docs/ are taken from the demo (issue 15): the status comment Converge posts on a sample use case
 * that needs changes, and the weekly report's Markdown, rendered as GitHub renders Markdown (markdown-it, GitHub-like
 * styles) in the headless Chromium `npm ci` installs. Saved to test-results/ on every run and to the committed
 * docs/img/ when missing or with UPDATE_GOLDEN=1 (as the dashboard's picture), so a test run leaves the tree clean.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { runIntakeDemo } from "../../src/cli/intake-demo.js";
import { renderMarkdown } from "../../src/domain/report/index.js";
import { demoReport } from "../domain/report/helpers.js";
import { browserForFile } from "../helpers/chromium.js";

const OUT = resolve("test-results");
const STYLE = `body{font:14px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2328;max-width:900px;margin:24px auto;padding:16px 24px;border:1px solid #d1d9e0;border-radius:6px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d1d9e0;padding:4px 10px}th{background:#f6f8fa}
code{background:#eff1f3;padding:1px 4px;border-radius:4px;font-size:85%}h1,h2,h3{border-bottom:1px solid #d1d9e0;padding-bottom:4px}
sub{color:#59636e}details{margin:8px 0}pre{background:#f6f8fa;padding:8px;overflow:auto}`;

const browser = browserForFile();

async function picture(markdown: string, name: string): Promise<{ png: Buffer; text: string }> {
  // html: true as on GitHub, which keeps Converge's hidden <!-- markers --> out of sight.
  const html = `<!doctype html><meta charset="utf-8"><style>${STYLE}</style><body>${new MarkdownIt({ html: true, linkify: false }).render(markdown)}</body>`;
  mkdirSync(OUT, { recursive: true });
  const page = await browser().newPage({ viewport: { width: 980, height: 1200 } });
  await page.route("**/*", (route) => (route.request().url().startsWith("data:") || route.request().url() === "about:blank" ? route.continue() : route.abort()));
  await page.setContent(html, { waitUntil: "load" });
  await page.evaluate(() => { document.body.style.maxHeight = "1150px"; document.body.style.overflow = "hidden"; });
  const text = await page.locator("body").innerText();
  // The comment itself, cut to its box (at most the viewport's height: the report's first screen).
  const png = await page.locator("body").screenshot();
  await page.close();
  writeFileSync(resolve(OUT, name), png);
  const committed = resolve("docs/img", name);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(committed)) {
    mkdirSync(resolve("docs/img"), { recursive: true });
    writeFileSync(committed, png);
  }
  return { png, text };
}

describe("pictures for the docs, from the demo", () => {
  it("the status comment on a use case that needs changes", async () => {
    const flawed = (await runIntakeDemo(new Date("2026-11-23T09:00:00Z"))).find((r) => !r.valid)!;
    const { png, text } = await picture(flawed.statusComment, "status-comment.png");
    expect(png.length).toBeGreaterThan(10_000);
    expect(text).toContain("Governance gates");
    expect(text).not.toContain("converge:state"); // hidden markers stay hidden
  }, 60_000);

  it("the weekly report", async () => {
    const { png, text } = await picture(renderMarkdown(demoReport()).parts[0]!, "weekly-report.png");
    expect(png.length).toBeGreaterThan(10_000);
    expect(text).toContain("Converge weekly report");
    expect(readFileSync(resolve("docs/img/weekly-report.png")).length).toBeGreaterThan(10_000);
  }, 60_000);
});

import { beforeAll, describe, expect, it } from "vitest";
import { JSDOM } from "jsdom";
import { renderMarkdown } from "../../../src/domain/report/index.js";
import { mermaidText } from "../../../src/domain/report/mermaid.js";
import { fixtureModel } from "../../fixtures/report/models.js";
import { demoReport, mermaidBlocks, sampleReport } from "./helpers.js";

type Mermaid = { parse(text: string): Promise<unknown> };
let mermaid: Mermaid;

beforeAll(async () => {
  // Mermaid's sanitiser (DOMPurify) needs a window: set it before Mermaid is first imported.
  (globalThis as { window?: unknown }).window = new JSDOM("").window;
  mermaid = (await import("mermaid")).default as unknown as Mermaid;
});

const validDay = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;

/** Mermaid's parse accepts a gantt with an impossible date: check every date of every task ourselves. */
function checkGanttDates(block: string): number {
  let tasks = 0;
  for (const line of block.split("\n")) {
    const m = line.match(/^\s+.+ :(?:crit, |milestone, )?[fd]\d+, (\S+), (\S+)$/);
    if (!m) continue;
    tasks++;
    expect(validDay(m[1]!), line).toBe(true);
    expect(validDay(m[2]!) || /^\d+d$/.test(m[2]!), line).toBe(true);
    if (validDay(m[2]!)) expect(m[2]! >= m[1]!, line).toBe(true);
  }
  return tasks;
}

const cases: Array<[string, () => string]> = [
  ["the sample portfolio", () => renderMarkdown(sampleReport()).parts.join("\n")],
  ["the demo report (six-week trend)", () => renderMarkdown(demoReport()).parts.join("\n")],
  ["a hostile fixture", () => renderMarkdown(fixtureModel(12, { hostile: true })).parts.join("\n")],
  ["a 2,000-use-case fixture", () => renderMarkdown(fixtureModel(2000)).parts.join("\n")],
  ["a one-use-case fixture", () => renderMarkdown(fixtureModel(1)).parts.join("\n")],
];

describe("every Mermaid block parses with Mermaid's own parser", () => {
  for (const [name, render] of cases) {
    it(name, async () => {
      const blocks = mermaidBlocks(render());
      expect(blocks.length).toBeGreaterThan(0);
      for (const block of blocks) {
        await expect(mermaid.parse(block), block).resolves.toBeTruthy();
        if (block.startsWith("gantt")) expect(checkGanttDates(block)).toBeGreaterThan(0);
      }
    });
  }

  it("rejects a broken diagram (the check is real)", async () => {
    await expect(mermaid.parse("gantt\n  dateFormat YYYY-MM-DD\n  section a\n    t :x, 2026-01-01, ;; : #")).rejects.toThrow();
  });

  it("mermaidText leaves only plain characters, even for hostile or keyword-like text", async () => {
    for (const text of ["@everyone </details> ]] | # x", "a:b;c#d%%e", 'title "x"', "section evil\ngantt", "`x` {y} (z) <b>&amp;</b>"]) {
      const safe = mermaidText(text);
      expect(safe).toMatch(/^[\p{L}\p{N} .,\-_/+…]*$/u);
      await expect(mermaid.parse(`pie\n  "VS ${safe}" : 1`)).resolves.toBeTruthy();
      await expect(mermaid.parse(`gantt\n  dateFormat YYYY-MM-DD\n  section UC 1 ${safe}\n    t :f0, 2026-01-01, 2026-01-05`)).resolves.toBeTruthy();
    }
  });
});

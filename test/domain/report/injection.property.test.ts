/**
 * Property test: whatever users type into titles, names, logins and value streams, the Markdown report renders no
 * markup of theirs, pings nobody, keeps every table's shape, keeps Mermaid labels to plain characters, and the HTML
 * page contains no element or script of theirs.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import MarkdownIt from "markdown-it";
import { JSDOM } from "jsdom";
import { renderHtml, renderMarkdown } from "../../../src/domain/report/index.js";
import type { ReportModel } from "../../../src/domain/report/model.js";
import { fixtureModel } from "../../fixtures/report/models.js";
import { mermaidBlocks } from "./helpers.js";

const md = new MarkdownIt({ html: true, linkify: false });
const ALLOWED_TAGS = new Set(["h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "a", "strong", "em", "code", "pre", "ul", "li", "details", "summary", "br"]);

const hostileText = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc
    .array(fc.constantFrom("@everyone", "@acme/team", "</details>", "<details>", "<img src=x onerror=alert(1)>", "]]", "|", "#", "`", "```", "-->", "<!--", "*", "_", "[x](http://e)", ":", ";", "%%", '"', "\n", "section", "<script>", "\u2028", "&amp;", " "), { maxLength: 8 })
    .map((parts) => parts.join("")),
);

function withText(model: ReportModel, texts: string[]): ReportModel {
  const pick = (i: number) => texts[i % texts.length]!;
  return {
    ...model,
    meta: { ...model.meta, program: pick(0), notes: [pick(1)] },
    useCases: model.useCases.map((u, i) => ({ ...u, title: pick(i), owner: pick(i + 1), squads: [pick(i + 2)], valueStream: pick(i + 3), gate: u.gate === null ? null : pick(i + 4), why: [pick(i + 5)] })),
    benefits: {
      byValueStream: model.benefits.byValueStream.map((v, i) => ({ ...v, valueStream: pick(i + 6) })),
      byInitiative: model.benefits.byInitiative.map((b, i) => ({ ...b, title: pick(i + 7), owner: pick(i + 8), valueStream: pick(i + 9) })),
    },
    kpis: model.kpis.map((k, i) => ({ ...k, name: pick(i + 10), definition: pick(i + 11) })),
    stuck: model.stuck.map((s, i) => ({ ...s, title: pick(i + 12), waitingFor: pick(i + 13) })),
    changes: { ...model.changes, slipped: model.changes.slipped.map((s, i) => ({ ...s, reason: pick(i + 14) })) },
  };
}

describe("report rendering under arbitrary user text", () => {
  const base = fixtureModel(10);

  it("Markdown: no user markup, no mentions, tables keep their shape, Mermaid labels stay plain", () => {
    fc.assert(
      fc.property(fc.array(hostileText, { minLength: 1, maxLength: 16 }), (texts) => {
        const text = renderMarkdown(withText(base, texts)).parts.join("\n");
        const visible = text.replace(/^<!-- converge:summary .*-->$/gm, "");
        expect(visible).not.toMatch(/(^|[^\w`])@[A-Za-z0-9]/m);
        const html = md.render(visible);
        for (const [, tag] of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)) expect(ALLOWED_TAGS.has(tag!.toLowerCase()), tag).toBe(true);
        expect((html.match(/<details>/g) ?? []).length).toBe((html.match(/<\/details>/g) ?? []).length);
        expect(html).not.toMatch(/<a href="http:\/\/e"/);
        for (const table of html.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
          const cols = (table.match(/<th>/g) ?? []).length;
          for (const row of table.match(/<tbody>[\s\S]*?<\/tbody>/)?.[0].match(/<tr>[\s\S]*?<\/tr>/g) ?? []) expect((row.match(/<td>/g) ?? []).length).toBe(cols);
        }
        for (const block of mermaidBlocks(text)) {
          for (const line of block.split("\n").slice(1)) {
            const label = line.trim().match(/^(?:section (.*)|"(.*)" : \d+|(P85 forecast|Deadline) :.*)$/);
            if (label) expect(label[1] ?? label[2] ?? label[3]).toMatch(/^[\p{L}\p{N} .,\-_/+…]*$/u);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("HTML: no user element, attribute or script; the chart data still parses", () => {
    fc.assert(
      fc.property(fc.array(hostileText, { minLength: 1, maxLength: 16 }), (texts) => {
        const page = renderHtml(withText(base, texts), { chartJs: "/* chart.js */" });
        const dom = new JSDOM(page);
        const doc = dom.window.document;
        expect(doc.querySelectorAll("script").length).toBe(3);
        expect(doc.querySelectorAll("img, details details, [onerror]").length).toBe(0);
        JSON.parse(doc.getElementById("converge-data")!.textContent!);
        dom.window.close();
      }),
      { numRuns: 30 },
    );
  });
});

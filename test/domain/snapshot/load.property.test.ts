/**
 * Property tests for portfolio snapshots (the report's input, from a file or the org fetch): any JSON, any text, and
 * any single hostile change to a valid snapshot gives either a snapshot or at most 51 problems that each name a JSON
 * path, never a throw. A snapshot that is valid with hostile text in it renders a weekly report that mentions nobody,
 * carries no HTML of the user's and keeps its <details> balanced.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MAX_PROBLEMS, parseSnapshot, parseSnapshotText } from "../../../src/domain/snapshot/load.js";
import { buildReport, renderMarkdown } from "../../../src/domain/report/index.js";
import { defaultConfig } from "../../../src/config/schema.js";
import { flatTokens, hostileText, htmlTagsIn, mentionsIn, runs } from "../../helpers/hostile.js";
import { initiative, snapshot, useCase } from "./fixture.js";

const BASE = JSON.parse(
  JSON.stringify(
    snapshot({
      useCases: [1, 2, 3].map((n) => useCase({ number: n, initiatives: ["acme/portfolio#1"], acceptanceCriteria: ["works", "fast"] })),
      initiatives: [initiative({ number: 1 }), initiative({ number: 2 })],
    }),
  ),
) as Record<string, unknown>;

function leafPaths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => leafPaths(v, [...prefix, i]))];
  if (value && typeof value === "object") return [prefix, ...Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]))];
  return [prefix];
}
const PATHS = leafPaths(BASE).filter((p) => p.length > 0);
/** Free-text fields, where hostile text should be accepted and then escaped by the report. */
const TEXT_FIELDS = new Set(["title", "name", "owner", "valueStream", "squad"]);
const TEXT_PATHS = PATHS.filter((p) => TEXT_FIELDS.has(String(p.at(-1))));

function setAt(root: unknown, path: Array<string | number>, value: unknown): Record<string, unknown> {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== "object") return copy;
    node = next as Record<string | number, unknown>;
  }
  if (value === undefined) delete node[path.at(-1)!];
  else node[path.at(-1)!] = value;
  return copy;
}

const anyValue = fc.oneof(hostileText, fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(undefined, null, -1, 1e308, "", [], {}, "2027-02-30", "9999-12-31", "EUR ", "acme/portfolio#999"));
const mutated = fc
  .array(fc.oneof(fc.tuple(fc.constantFrom(...PATHS), anyValue), fc.tuple(fc.constantFrom(...TEXT_PATHS), hostileText)), { minLength: 1, maxLength: 3 })
  .map((changes) => changes.reduce<Record<string, unknown>>((doc, [path, value]) => setAt(doc, path, value), BASE));

const PROBLEM = /^(\(top level\)|[A-Za-z_$][\w$]*(\[\d+\]|\["[^"]*"\]|\.[A-Za-z_$][\w$]*)*|… and \d+ more problems?): ?\S|^… and \d+ more/;

function expectProblems(problems: string[]): void {
  expect(problems.length).toBeGreaterThan(0);
  expect(problems.length).toBeLessThanOrEqual(MAX_PROBLEMS + 1);
  for (const problem of problems) expect(problem).toMatch(PROBLEM);
}

describe("snapshot loading under arbitrary input", () => {
  it("any JSON value or text: a snapshot, or problems that name a path (never a throw)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 3 })), hostileText, (value, text) => {
        const result = parseSnapshot(value);
        if (!result.ok) expectProblems(result.problems);
        const fromText = parseSnapshotText(text);
        if (!fromText.ok) expectProblems(fromText.problems);
      }),
      { numRuns: runs(1500), seed: 14_301 },
    );
  });

  it("a hostile change to a valid snapshot: valid again, or problems naming the changed path", () => {
    fc.assert(
      fc.property(mutated, (doc) => {
        const result = parseSnapshot(doc);
        if (!result.ok) expectProblems(result.problems);
      }),
      { numRuns: runs(1500), seed: 14_302 },
    );
  });

  it("hostile text in a valid snapshot: the report mentions nobody, has no user HTML, keeps <details> balanced", () => {
    let rendered = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...TEXT_PATHS), hostileText), { minLength: 1, maxLength: 4 }), (changes) => {
        const doc = changes.reduce<Record<string, unknown>>((d, [path, value]) => setAt(d, path, value), BASE);
        const result = parseSnapshot(doc);
        if (!result.ok) return expectProblems(result.problems);
        rendered++;
        const model = buildReport(result.snapshot, { now: "2026-11-23", config: defaultConfig(), seed: 7 });
        for (const part of renderMarkdown(model).parts) {
          expect(part.length).toBeLessThanOrEqual(65_536);
          const visible = part.replace(/^<!-- converge:summary .*-->$/gm, "");
          expect(mentionsIn(visible)).toEqual([]);
          const tags = htmlTagsIn(visible);
          for (const tag of tags) expect(["details", "summary", "sub", "br", "b"]).toContain(tag);
          expect(tags.filter((t) => t === "details").length % 2, "every <details> is closed").toBe(0);
          const html = flatTokens(visible).filter((t) => t.type === "html_block" || t.type === "html_inline").map((t) => t.content).join("");
          expect((html.match(/<details>/g) ?? []).length).toBe((html.match(/<\/details>/g) ?? []).length);
        }
      }),
      { numRuns: runs(150), seed: 14_303 },
    );
    expect(rendered).toBeGreaterThan(runs(150) / 3);
  }, 120_000);
});

/**
 * Property tests for `.github/converge.yml`: any text (YAML or not, alias bombs, deep nesting) and any value in any
 * key gives either a valid config or problems that each name the bad key, never a throw. A valid config, however
 * hostile its names and labels, renders a gates section and a "paused" notice that stay plain and mention nobody.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { stringify } from "yaml";
import { checkConfigText } from "../../src/handlers/config-check.js";
import { validateConfig } from "../../src/config/validate.js";
import { defaultConfig } from "../../src/config/schema.js";
import { initialGatesSection } from "../../src/domain/gates/render.js";
import { renderConfigProblems } from "../../src/domain/intake/status-card.js";
import { hostileText, htmlTagsIn, mentionsIn, runs } from "../helpers/hostile.js";

/** Every path to a leaf or list in the default config: where a mutation goes. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (value && typeof value === "object") return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return [prefix];
}

const BASE = defaultConfig();
const PATHS = paths(BASE).filter((p) => p.length > 0);

function setAt(root: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== "object") return copy; // an earlier mutation replaced this branch
    node = next as Record<string | number, unknown>;
  }
  node[path.at(-1)!] = value;
  return copy;
}

const hostileValue = fc.oneof({ weight: 4, arbitrary: hostileText }, fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(null, -1, 1e308, "", [], {}, "@acme/team", "</details>"));
/** Paths whose default is a string (names, labels, teams, patterns): where user text reaches the output. */
const STRING_PATHS = PATHS.filter((p) => typeof p.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], BASE) === "string");
const mutation = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...STRING_PATHS), hostileText) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PATHS), hostileValue) },
);
const mutatedConfig = fc
  .array(mutation, { minLength: 1, maxLength: 3 })
  .map((mutations) => mutations.reduce<unknown>((config, [path, value]) => setAt(config, path, value), BASE));

const PROBLEM = /^(\(top level\)|[\w$-]+(\.[\w$-]+|\[".*"\])*|not valid YAML): \S/;

describe("config validation under arbitrary input", () => {
  it("any YAML text: valid, or problems that each name a key (never a throw)", () => {
    const yamlText = fc.oneof(
      hostileText,
      mutatedConfig.map((c) => stringify(c)),
      fc.jsonValue({ maxDepth: 4 }).map((v) => stringify(v)),
      fc.integer({ min: 10, max: 400 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
      fc.integer({ min: 10, max: 400 }).map((n) => `intake:\n${"  a:\n".repeat(n)}`),
    );
    fc.assert(
      fc.property(yamlText, (text) => {
        for (const problem of checkConfigText(text)) {
          expect(typeof problem).toBe("string");
          expect(problem.length).toBeGreaterThan(3);
        }
      }),
      { numRuns: runs(800), seed: 14_201 },
    );
  }, 60_000);

  it("very deep nesting and thousands of duplicate keys are problems, not a hang", () => {
    for (const text of [`${"[".repeat(5000)}${"]".repeat(5000)}`, `intake:\n${"  a:\n".repeat(5000)}`, `${"- ".repeat(5000)}x`]) {
      const started = performance.now();
      expect(checkConfigText(text).length).toBeGreaterThan(0);
      expect(performance.now() - started).toBeLessThan(5_000);
    }
  });

  it("a bad record key names the key and why it is bad", () => {
    expect(validateConfig({ report: { rates: { "": 1, usd: 2, USD: 0.9 } } })).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^report\.rates\[""\]: invalid key: \S/), expect.stringMatching(/^report\.rates\.usd: invalid key: \S/)],
    });
  });

  it("regression found by the property below: a gate label with a line break (it broke out of inline code and pinged)", () => {
    const raw = setAt(BASE, ["gates", "pipeline", 2, "label"], " @everyone\n\n");
    expect(validateConfig(raw)).toEqual({ ok: false, problems: ["gates.pipeline.2.label: a label name must be one line"] });
  });

  it("an alias bomb (billion laughs) is refused as a problem, fast", () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i < 10; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    const started = performance.now();
    const problems = checkConfigText(levels.join("\n"));
    expect(problems.length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("a hostile value in any key: valid, or problems naming the key path; a valid one renders safely", () => {
    let valid = 0;
    fc.assert(
      fc.property(mutatedConfig, (raw) => {
        const result = validateConfig(raw);
        if (!result.ok) {
          expect(result.problems.length).toBeGreaterThan(0);
          for (const problem of result.problems) expect(problem).toMatch(PROBLEM);
          const notice = renderConfigProblems(".github/converge.yml", result.problems);
          expect(mentionsIn(notice)).toEqual([]);
          expect(htmlTagsIn(notice)).toEqual([]);
          return;
        }
        valid++;
        const section = initialGatesSection({ config: result.config.gates, repoOwner: "acme", labels: ["use-case", ...result.config.gates.pipeline.map((g) => g.label)], valueStreams: [] });
        expect(mentionsIn(section.body)).toEqual([]);
        expect(htmlTagsIn(section.body).filter((t) => t !== "sub")).toEqual([]);
      }),
      { numRuns: runs(1500), seed: 14_202 },
    );
    expect(valid).toBeGreaterThan(runs(1500) / 30);
  }, 60_000);
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generatePortfolio } from "../../../src/domain/snapshot/generate.js";
import { parseSnapshot } from "../../../src/domain/snapshot/load.js";
import { QUICK_VALIDATION_AVAILABLE, quickValidate } from "../../../src/domain/snapshot/quick-validate.js";
import { portfolioSnapshotSchema } from "../../../src/domain/snapshot/schema.js";

type Path = Array<string | number>;
const base = JSON.parse(JSON.stringify(generatePortfolio({ useCases: 4, seed: "quick", now: "2026-11-23" }))) as unknown;

/** Every path in a JSON value (objects and arrays included). */
function paths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}
const ALL_PATHS = paths(base).filter((p) => p.length > 0);

const JUNK: unknown[] = [
  null, undefined, "", "x", " ", 0, -1, 1, 1.5, 2, 101, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, true, [], {}, [""], ["x"],
  "2026-02-30", "2026-11-23", "2026-11-23T10:00:00Z", "2026-11-23T10:00:00+01:00", "2026-11-23T10:00Z", "2026-11-23 10:00:00Z",
  "https://github.com/acme/x/issues/1", " https://github.com/acme/x/issues/1", "https://git\nhub.com/a", "javascript:alert(1)", "http:x",
  "acme/x#1", "acme/x#01", "acme/x", "EUR", "eur", "GBP", "passed", "reverted", "success", "open", "closed", "intake", "edge-rangers",
  { amount: 1, currency: "EUR" }, { amount: "1", currency: "EUR" },
];

/** The node at `path`, or undefined when an earlier mutation removed or replaced part of the way there. */
function get(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

type Mutation = { kind: "set"; path: Path; value: unknown } | { kind: "delete"; path: Path } | { kind: "addKey"; path: Path } | { kind: "duplicate"; path: Path };

function apply(root: unknown, m: Mutation): void {
  const found = get(root, m.path.slice(0, -1));
  if (found === null || typeof found !== "object") return;
  const parent = found as Record<string | number, unknown> | unknown[];
  const key = m.path.at(-1)!;
  if (m.kind === "set") (parent as Record<string | number, unknown>)[key] = structuredClone(m.value);
  else if (m.kind === "delete") {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete (parent as Record<string | number, unknown>)[key];
  } else if (m.kind === "addKey") {
    const target = (parent as Record<string | number, unknown>)[key];
    if (target !== null && typeof target === "object" && !Array.isArray(target)) (target as Record<string, unknown>).extra = 1;
  } else if (Array.isArray(parent)) parent.push(structuredClone(parent[Number(key)]));
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), path: fc.constantFrom(...ALL_PATHS), value: fc.constantFrom(...JUNK) }),
  fc.record({ kind: fc.constant("delete" as const), path: fc.constantFrom(...ALL_PATHS) }),
  fc.record({ kind: fc.constant("addKey" as const), path: fc.constantFrom(...ALL_PATHS) }),
  fc.record({ kind: fc.constant("duplicate" as const), path: fc.constantFrom(...ALL_PATHS.filter((p) => typeof p.at(-1) === "number")) }),
);

describe("quickValidate", () => {
  it("is available and accepts generated snapshots of any size", () => {
    expect(QUICK_VALIDATION_AVAILABLE).toBe(true);
    expect(quickValidate(base)).toBe(true);
    for (const n of [1, 36, 150]) expect(quickValidate(JSON.parse(JSON.stringify(generatePortfolio({ useCases: n, seed: n })))) ).toBe(true);
  });

  it("never accepts what zod rejects, nor anything zod would change (differential, 3,000 mutated snapshots)", () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const doc = structuredClone(base);
        for (const m of mutations) apply(doc, m);
        const zod = portfolioSnapshotSchema.safeParse(doc);
        if (quickValidate(doc)) {
          accepted++;
          expect(zod.success).toBe(true);
          expect(zod.data).toEqual(doc);
        } else {
          rejected++;
          // Rejection is always safe: parseSnapshot then asks zod, whose verdict stands.
          expect(parseSnapshot(doc).ok).toBe(zod.success);
        }
      }),
      { numRuns: 3000, seed: 20261123 },
    );
    // The mutations must exercise both sides, or the test proves nothing.
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(1000);
  });

  it("rejects links with other schemes, which zod also refuses", () => {
    const doc = structuredClone(base) as { useCases: Array<{ url: string }> };
    doc.useCases[0]!.url = "javascript:alert(1)";
    expect(quickValidate(doc)).toBe(false);
    const result = parseSnapshot(doc);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual(["useCases[0].url: expected an http(s) URL"]);
  });

  it("checks references in large collections (hashed id sets) exactly as zod does", () => {
    type Doc = {
      initiatives: Array<{ id: string; number: number }>;
      useCases: Array<{ id: string; initiatives: string[] }>;
      kpiInputs: { defects: Array<{ useCase: string }> };
    };
    const big = JSON.parse(JSON.stringify(generatePortfolio({ useCases: 150, seed: "refs", now: "2026-11-23" }))) as Doc;
    expect(big.initiatives.length).toBeGreaterThan(8); // beyond the few ids compared one by one
    expect(big.kpiInputs.defects.length).toBeGreaterThan(0);
    const result = parseSnapshot(big);
    expect(result.ok && result.snapshot).toBe(big); // accepted as it stands: the same object, no copy

    const problems = (doc: Doc): string[] => {
      expect(quickValidate(doc)).toBe(false);
      const r = parseSnapshot(doc);
      return r.ok ? [] : r.problems;
    };
    const initiativeId = big.initiatives[3]!.id;
    const useCaseId = big.useCases[5]!.id;

    const duplicate = structuredClone(big);
    duplicate.initiatives.push(structuredClone(duplicate.initiatives[3]!));
    expect(problems(duplicate)).toEqual([`initiatives[${big.initiatives.length}].id: duplicate id "${initiativeId}"`]);

    const unknownInitiative = structuredClone(big);
    unknownInitiative.useCases[7]!.initiatives = [initiativeId, `${initiativeId}9999999`]; // a known id and a near miss
    expect(problems(unknownInitiative)).toEqual([`useCases[7].initiatives[1]: unknown initiative "${initiativeId}9999999"`]);

    const unknownUseCase = structuredClone(big);
    unknownUseCase.kpiInputs.defects[0]!.useCase = `${useCaseId}9999999`;
    expect(problems(unknownUseCase)).toEqual([`kpiInputs.defects[0].useCase: unknown use case "${unknownUseCase.kpiInputs.defects[0]!.useCase}"`]);
  });

  it("lets a link through without parsing it only after its origin parsed, and only with a plain rest", () => {
    expect(quickValidate(base)).toBe(true); // remembers https://github.com/
    const withUrl = (url: string) => {
      const doc = structuredClone(base) as { useCases: Array<{ url: string }> };
      doc.useCases[0]!.url = url;
      return doc;
    };
    const url = (base as { useCases: Array<{ url: string }> }).useCases[0]!.url;
    expect(url.startsWith("https://github.com/")).toBe(true);
    expect(quickValidate(withUrl(`${url}?tab=timeline#x`))).toBe(true);
    // Same origin, but the rest has whitespace or a non-ASCII character: the full checks decide (whitespace: refused).
    expect(quickValidate(withUrl(`${url} x`))).toBe(false);
    expect(quickValidate(withUrl(`${url}\u00a0`))).toBe(false);
    expect(quickValidate(withUrl(`${url}é`))).toBe(true);
    // Another authority is parsed in full: a bad port is refused, as zod refuses it.
    expect(quickValidate(withUrl("https://github.com:99999/acme/x/issues/1"))).toBe(false);
    expect(parseSnapshot(withUrl("https://github.com:99999/acme/x/issues/1"))).toEqual({ ok: false, problems: ["useCases[0].url: expected an http(s) URL"] });
  });

  it("turns a throwing getter into a problem instead of throwing", () => {
    const doc = structuredClone(base) as Record<string, unknown>;
    Object.defineProperty(doc, "useCases", { enumerable: true, get: () => { throw new Error("boom"); } });
    expect(() => parseSnapshot(doc)).not.toThrow();
    expect(parseSnapshot(doc)).toEqual({ ok: false, problems: ["(top level): cannot read snapshot: boom"] });
  });
});

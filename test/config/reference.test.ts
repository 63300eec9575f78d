import { describe, expect, it } from "vitest";
import { z } from "zod";
import { configSchema, defaultConfig } from "../../src/config/schema.js";
import { configReference } from "../../src/config/reference.js";

const reference = configReference(z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as never);

/** Every key path of the defaults, through objects (lists are documented by their item keys). */
function paths(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [prefix];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return []; // only optional keys (e.g. intake.issueTypes): their keys are listed, not the object
  return entries.flatMap(([key, child]) => paths(child, prefix ? `${prefix}.${key}` : key));
}

describe("configuration reference (docs/config.md)", () => {
  it("documents every setting with its default", () => {
    for (const path of paths(defaultConfig())) expect(reference, `${path} is missing from the reference`).toContain(`| \`${path}\` |`);
    expect(reference).toContain('| `intake.defaultCurrency` | string | `"EUR"` |');
    expect(reference).toContain("| `templates.sync` | boolean | `true` |");
  });

  it("documents the keys of list items and the allowed values of enums", () => {
    expect(reference).toContain("| `gates.pipeline[].label` |");
    expect(reference).toMatch(/\| `delivery.target` \| "issue" \\\| "discussion" \|/);
  });

  it("has one section per top-level key, linked from the top", () => {
    for (const section of Object.keys(defaultConfig())) {
      expect(reference).toContain(`\n## ${section}\n`);
      expect(reference).toContain(`(#${section.toLowerCase()})`);
    }
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generatedSchemas } from "../../src/cli/commands/schemas.js";

describe("committed JSON Schemas", () => {
  for (const { path, content } of generatedSchemas()) {
    it(`${path} matches the zod schema (if not: run npm run schemas)`, () => {
      const committed = readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
      expect(committed, `${path} is out of date: run npm run schemas`).toBe(content);
    });
  }

  it("the snapshot schema describes the required top-level keys and date formats", () => {
    const snapshot = JSON.parse(generatedSchemas().find((s) => s.path === "docs/snapshot.schema.json")!.content) as {
      required: string[];
      properties: { useCases: { items: { properties: { deadline: { format: string } } } } };
    };
    expect(snapshot.required).toEqual(
      expect.arrayContaining(["schemaVersion", "generatedAt", "program", "squads", "useCases", "initiatives", "governance", "kpiInputs"]),
    );
    expect(snapshot.properties.useCases.items.properties.deadline.format).toBe("date");
  });

  it("the config schema is the input side: defaults are optional", () => {
    const config = JSON.parse(generatedSchemas().find((s) => s.path === "docs/config.schema.json")!.content) as {
      required?: string[];
      properties: { report: { properties: { mvpTargetDays: { default: number } } } };
    };
    expect(config.required ?? []).not.toContain("report");
    expect(config.properties.report.properties.mvpTargetDays.default).toBe(90);
  });
});

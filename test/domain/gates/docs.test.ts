import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { JSDOM } from "jsdom";
import { defaultConfig } from "../../../src/config/schema.js";

/** docs/governance.md: its diagram must parse, and it must show the default pipeline the code actually ships. */
const doc = readFileSync(new URL("../../../docs/governance.md", import.meta.url), "utf8");
const diagram = /```mermaid\n([\s\S]*?)```/.exec(doc)?.[1] ?? "";

type Mermaid = { parse(text: string): Promise<unknown> };
let mermaid: Mermaid;
beforeAll(async () => {
  (globalThis as { window?: unknown }).window = new JSDOM("").window;
  mermaid = (await import("mermaid")).default as unknown as Mermaid;
});

describe("docs/governance.md", () => {
  it("has a Mermaid diagram that parses", async () => {
    expect(diagram).not.toBe("");
    await expect(mermaid.parse(diagram)).resolves.toBeTruthy();
  });

  it("shows every default gate, in order, with its label and teams, and the merge gate", () => {
    const gates = defaultConfig().gates;
    let last = -1;
    for (const gate of gates.pipeline) {
      const line = diagram.split("\n").find((l) => l.includes(gate.label));
      expect(line, gate.label).toBeDefined();
      expect(line).toContain(gate.name);
      for (const team of gate.approvers.teams) expect(line).toContain(team);
      const at = diagram.indexOf(gate.label);
      expect(at).toBeGreaterThan(last);
      last = at;
    }
    expect(diagram).toMatch(new RegExp(`${gates.requiredBeforeMerge} -\\. "required before merge`));
  });
});

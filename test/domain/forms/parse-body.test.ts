import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadFormTemplate, TemplateError } from "../../../src/domain/forms/template.js";
import { parseIssueBody } from "../../../src/domain/forms/parse-body.js";
import { validateForm } from "../../../src/domain/forms/validate.js";
import { bundledTemplate } from "../../../src/templates.js";
import { defaultConfig } from "../../../src/config/schema.js";
import { GOOD_BODY, sampleBody } from "../../fixtures/use-cases.js";

const useCase = bundledTemplate("use-case");
const ctx = { owner: "acme", repo: "plant-iot", filedAt: new Date("2026-11-20T09:00:00Z"), requireFutureDate: true, defaultCurrency: "EUR" };

/** Render a body the way GitHub renders a submitted form. */
function render(fields: Array<[string, string]>): string {
  return fields.map(([label, value]) => `### ${label}\n\n${value}`).join("\n\n");
}

describe("parseIssueBody", () => {
  it("reads every field of a submitted form by its label", () => {
    const { values, missing } = parseIssueBody(useCase, GOOD_BODY);
    expect(missing).toEqual([]);
    expect(values["as-a"]).toEqual({ type: "input", text: "maintenance planner at the Dresden plant" });
    expect(values["value-stream"]).toEqual({ type: "dropdown", selected: ["Maintain to Operate"] });
    expect(values.layers).toMatchObject({ checked: ["MES", "PLC/edge", "Cloud analytics", "Data platform"], unchecked: ["ERP", "SCADA/HMI"] });
  });

  it("treats _No response_ and an unselected dropdown (None) as empty", () => {
    const { values } = parseIssueBody(useCase, render([["So that", "_No response_"], ["Value stream", "None"]]));
    expect(values["so-that"]).toEqual({ type: "textarea", text: undefined });
    expect(values["value-stream"]).toEqual({ type: "dropdown", selected: [] });
  });

  it("survives CRLF line endings, emoji, and headings or checklists typed inside a textarea", () => {
    const body = sampleBody("energy-monitoring-crlf");
    expect(body).toContain("\r\n");
    const { values } = parseIssueBody(useCase, body);
    expect(values["so-that"]).toEqual({ type: "textarea", text: "### Heading typed inside the textarea\ncompressed-air energy cost falls 12 % 🌱" });
    expect(values["value-stream"]).toEqual({ type: "dropdown", selected: ["Plan to Produce"] });
    // The `- [ ]` line belongs to the acceptance-criteria textarea, not to the IT/OT layers checkboxes.
    expect(values.layers).toMatchObject({ checked: ["SCADA/HMI", "Data platform"] });
  });

  it("accepts lower-case x in checkboxes (older issues)", () => {
    const { values } = parseIssueBody(useCase, render([["IT/OT layers", "- [x] ERP\n- [ ] MES"]]));
    expect(values.layers).toMatchObject({ checked: ["ERP"], unchecked: ["MES"] });
  });

  it("does not take a ### inside a code fence for a field heading", () => {
    const template = loadFormTemplate(`
name: t
description: d
body:
  - type: textarea
    id: logs
    attributes: { label: Logs, render: shell }
  - type: input
    id: after
    attributes: { label: After }
`);
    const body = render([["Logs", "```shell\n### After\nnot a heading\n```"], ["After", "value"]]);
    const { values } = parseIssueBody(template, body);
    expect(values.logs).toEqual({ type: "textarea", text: "### After\nnot a heading" });
    expect(values.after).toEqual({ type: "input", text: "value" });
  });

  it("splits a multi-select dropdown on ', '", () => {
    const template = loadFormTemplate(`
name: t
description: d
body:
  - type: dropdown
    id: plants
    attributes: { label: Plants, multiple: true, options: [Dresden, Penang, "Guadalajara, MX"] }
`);
    expect(parseIssueBody(template, render([["Plants", "Dresden, Guadalajara, MX"]])).values.plants).toEqual({
      type: "dropdown",
      selected: ["Dresden", "Guadalajara, MX"],
    });
  });

  it("reports a field whose heading was edited away as missing", () => {
    const body = GOOD_BODY.replace("### Target deployment date", "### When");
    const parsed = parseIssueBody(useCase, body);
    expect(parsed.missing).toContain("deadline");
    const { problems } = validateForm(useCase, parsed, ctx);
    expect(problems.map((p) => p.field)).toEqual(["deadline"]);
    expect(problems[0]?.message).toContain("### Target deployment date");
  });

  it("handles a very long body quickly", () => {
    const long = GOOD_BODY.replace("unplanned downtime on line 3 drops by a third", "x ".repeat(30_000));
    const started = performance.now();
    const { values } = parseIssueBody(useCase, long);
    expect(performance.now() - started).toBeLessThan(1000);
    expect((values["so-that"] as { text: string }).text.length).toBeGreaterThan(50_000);
  });

  it("never throws, whatever the body", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (noise) => {
        const parsed = parseIssueBody(useCase, `${noise}\n${GOOD_BODY}\n${noise}`);
        validateForm(useCase, parsed, ctx);
      }),
      { numRuns: 200 },
    );
  });
});

describe("validateForm", () => {
  it("returns the typed record keyed by field id", () => {
    const { record, problems } = validateForm(useCase, parseIssueBody(useCase, GOOD_BODY), ctx);
    expect(problems).toEqual([]);
    expect(record.deadline).toBe("2027-03-31");
    expect(record.benefit).toEqual({ amount: 250_000, currency: "EUR" });
    expect(record.initiatives).toEqual([
      { owner: "acme", repo: "plant-iot", number: 12 },
      { owner: "acme", repo: "transformation-office", number: 40 },
    ]);
    expect(record["product-owner"]).toBe("mara-schmidt");
  });

  it("rejects a deadline that is not after the filing day, naming the field and an example", () => {
    const body = GOOD_BODY.replace("2027-03-31", "2026-11-20");
    const { problems } = validateForm(useCase, parseIssueBody(useCase, body), ctx);
    expect(problems).toEqual([
      { field: "deadline", label: "Target deployment date", message: expect.stringContaining("not after the day"), example: "2027-03-31" },
    ]);
  });

  it("rejects impossible dates", () => {
    const body = GOOD_BODY.replace("2027-03-31", "2027-02-30");
    const { problems } = validateForm(useCase, parseIssueBody(useCase, body), ctx);
    expect(problems[0]?.message).toContain("is not a date");
  });

  it("rejects a dropdown value that is not an option", () => {
    const body = GOOD_BODY.replace("Maintain to Operate", "Make Money");
    const { problems } = validateForm(useCase, parseIssueBody(useCase, body), ctx);
    expect(problems[0]).toMatchObject({ field: "value-stream", example: expect.stringContaining("one of: Plan to Produce") });
  });
});

describe("loadFormTemplate", () => {
  it("accepts the bundled forms, none of which applies a gate label (forms apply labels as the author)", () => {
    const gateLabels = defaultConfig().gates.pipeline.map((g) => g.label.toLowerCase());
    for (const name of ["use-case", "business-initiative", "user-story"] as const) {
      const template = bundledTemplate(name);
      expect(template.fields.length).toBeGreaterThan(3);
      expect(template.labels.length).toBe(1);
      for (const label of template.labels) expect(gateLabels).not.toContain(label.toLowerCase());
      expect(template.labels.every((l) => !l.toLowerCase().startsWith("gate/"))).toBe(true);
    }
  });

  it("rejects what GitHub rejects: reserved None, duplicate labels, bad ids", () => {
    const bad = `
name: t
description: d
body:
  - type: dropdown
    id: "bad id"
    attributes: { label: A, options: [None, x] }
  - type: input
    id: b
    attributes: { label: A }
`;
    try {
      loadFormTemplate(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      const text = (error as TemplateError).problems.join("\n");
      expect(text).toContain("reserved");
      expect(text).toContain("duplicate label");
      expect(text).toContain("ids may contain only");
    }
  });
});

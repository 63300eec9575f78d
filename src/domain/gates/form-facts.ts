import { parseIssueBody, type RawValue } from "../forms/parse-body.js";
import type { FormTemplate } from "../forms/template.js";
import { validateForm } from "../forms/validate.js";
import type { AcceptanceCriterion, ValueContext } from "../forms/field-rules.js";
import type { RequirementFacts } from "./requirements.js";
import { problemLine } from "../intake/status-card.js";

/**
 * Bridge from the intake parser (src/domain/forms) to the facts gate requirements need, and to the values compared
 * for scope changes. Uses the same parser and rules as intake, so a field intake calls valid is valid for gates.
 */
export function formFacts(template: FormTemplate, body: string | null | undefined, ctx: ValueContext): Pick<RequirementFacts, "form" | "acceptanceCriteria"> {
  const parsed = parseIssueBody(template, body);
  const { record, problems } = validateForm(template, parsed, ctx);
  const fields: Record<string, { present: boolean; problem?: string }> = {};
  for (const field of template.fields) {
    const problem = problems.find((p) => p.field === field.id);
    const raw = parsed.values[field.id];
    const present = field.id in record || (raw !== undefined && !isEmpty(raw));
    fields[field.id] = problem ? { present: present && !/^is (missing|empty)/.test(problem.message), problem: problem.message } : { present };
  }
  const criteria = record["acceptance-criteria"] as AcceptanceCriterion[] | undefined;
  const acceptanceCriteria = criteria
    ? { total: criteria.length, ticked: criteria.filter((c) => c.checked === true).length }
    : { total: 0, ticked: 0 };
  return { form: { problems: problems.map(problemLine), fields }, acceptanceCriteria };
}

function isEmpty(value: RawValue): boolean {
  switch (value.type) {
    case "input":
    case "textarea":
      return value.text === undefined || value.text.trim() === "";
    case "dropdown":
      return value.selected.length === 0;
    case "checkboxes":
      return value.checked.length === 0;
  }
}

/** The text of each field as written, for comparing two versions of a body (scope changes). */
export function fieldTexts(template: FormTemplate, body: string | null | undefined): Record<string, string | undefined> {
  const parsed = parseIssueBody(template, body);
  const texts: Record<string, string | undefined> = {};
  for (const [id, value] of Object.entries(parsed.values)) {
    switch (value.type) {
      case "input":
      case "textarea":
        texts[id] = value.text;
        break;
      case "dropdown":
        texts[id] = value.selected.join(", ");
        break;
      case "checkboxes":
        texts[id] = value.checked.map((c) => `- [x] ${c}`).concat(value.unchecked.map((c) => `- [ ] ${c}`)).join("\n");
        break;
    }
  }
  return texts;
}

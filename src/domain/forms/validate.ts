import type { z } from "zod";
import type { FormField, FormTemplate } from "./template.js";
import type { ParsedBody, RawValue } from "./parse-body.js";
import { FIELD_RULES, type ValueContext } from "./field-rules.js";

/** A problem a person can fix: names the field as the form labels it and shows a valid example. */
export interface Problem {
  field: string;
  label: string;
  message: string;
  example: string | undefined;
}

export interface ValidationResult {
  /** Valid values keyed by field id (invalid or empty fields are absent). */
  record: Record<string, unknown>;
  problems: Problem[];
}

export function validateForm(template: FormTemplate, parsed: ParsedBody, ctx: ValueContext): ValidationResult {
  const record: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const field of template.fields) {
    const problem = (message: string, example = exampleFor(field)): void => {
      problems.push({ field: field.id, label: field.label, message, example });
    };
    const value = parsed.values[field.id];
    if (!value) {
      if (field.required) problem(`is missing: the "### ${field.label}" heading is not in the issue body. Add it back, followed by the value.`);
      continue;
    }
    const checked = checkValue(field, value, ctx);
    if (checked.kind === "empty") {
      if (field.required) problem("is empty.");
    } else if (checked.kind === "problem") {
      problem(checked.message);
    } else {
      record[field.id] = checked.value;
    }
  }
  return { record, problems };
}

type Checked = { kind: "empty" } | { kind: "problem"; message: string } | { kind: "ok"; value: unknown };

function checkValue(field: FormField, value: RawValue, ctx: ValueContext): Checked {
  switch (value.type) {
    case "input":
    case "textarea": {
      if (value.text === undefined || value.text.trim() === "") return { kind: "empty" };
      const rule = FIELD_RULES[field.id];
      if (!rule) return { kind: "ok", value: value.text.trim() };
      const result = rule.schema(ctx).safeParse(value.text);
      return result.success ? { kind: "ok", value: result.data } : { kind: "problem", message: `${firstMessage(result.error)}.` };
    }
    case "dropdown": {
      if (value.selected.length === 0) return { kind: "empty" };
      const unknown = value.selected.filter((s) => !field.options.includes(s));
      if (unknown.length > 0) return { kind: "problem", message: `${unknown.map((u) => `"${u}"`).join(", ")} is not one of the options.` };
      if (!field.multiple && value.selected.length > 1) return { kind: "problem", message: "allows only one option." };
      return { kind: "ok", value: field.multiple ? value.selected : value.selected[0] };
    }
    case "checkboxes": {
      const missing = field.requiredOptions.filter((o) => !value.checked.includes(o));
      if (missing.length > 0) return { kind: "problem", message: `must have ${missing.map((m) => `"${m}"`).join(", ")} ticked.` };
      if (value.checked.length === 0) return { kind: "empty" };
      return { kind: "ok", value: value.checked };
    }
  }
}

function firstMessage(error: z.ZodError): string {
  return error.issues[0]?.message ?? "is not valid";
}

function exampleFor(field: FormField): string | undefined {
  const rule = FIELD_RULES[field.id];
  if (rule) return rule.example;
  if (field.type === "dropdown") return `one of: ${field.options.join(", ")}`;
  if (field.type === "checkboxes") return `tick at least one of: ${field.options.join(", ")}`;
  return field.placeholder?.split("\n")[0];
}

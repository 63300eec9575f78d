import MarkdownIt from "markdown-it";
import type Token from "markdown-it/lib/token.mjs";
import type { FormField, FormTemplate } from "./template.js";

/**
 * Parse an issue body as GitHub renders a submitted form: for each field `### <label>`, a blank line, the value.
 *
 * Driven by the template: only an `###` heading whose text is one of the form's labels (first occurrence) starts a
 * field, so headings, `- [ ]` lines or code that people type inside a textarea stay part of that textarea's value.
 * markdown-it's block tokens (with source line maps) decide what is a heading: a `###` inside a code fence, a list or
 * a quote is not one. ADR 0003 explains why this is not @github/issue-parser.
 */

const md = new MarkdownIt("commonmark");

export type RawValue =
  | { type: "input" | "textarea"; text: string | undefined }
  | { type: "dropdown"; selected: string[] }
  | { type: "checkboxes"; checked: string[]; unchecked: string[]; unknown: string[] };

export interface ParsedBody {
  values: Record<string, RawValue>;
  /** Fields whose heading is not in the body at all (edited away, or an issue not created from the form). */
  missing: string[];
}

const NO_RESPONSE = "_No response_";

export function parseIssueBody(template: FormTemplate, body: string | null | undefined): ParsedBody {
  const text = normalize(body ?? "");
  const lines = text.split("\n");
  const headings = findFieldHeadings(template, text);
  const values: Record<string, RawValue> = {};
  const missing: string[] = [];

  template.fields.forEach((field) => {
    const heading = headings.get(field.id);
    if (!heading) {
      missing.push(field.id);
      return;
    }
    const following = [...headings.values()].filter((h) => h.line > heading.line).map((h) => h.line);
    const end = following.length > 0 ? Math.min(...following) : lines.length;
    const raw = lines.slice(heading.contentStart, end).join("\n").trim();
    values[field.id] = readValue(field, raw);
  });
  return { values, missing };
}

function normalize(body: string): string {
  // CRLF from API clients and browsers; BOM from pasted files; NUL never belongs in Markdown.
  return body.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n").split("\u0000").join("");
}

interface Heading {
  line: number;
  contentStart: number;
}

function normalizeLabel(label: string): string {
  return label.replace(/\s+/g, " ").trim().toLowerCase();
}

function findFieldHeadings(template: FormTemplate, text: string): Map<string, Heading> {
  const byLabel = new Map(template.fields.map((f) => [normalizeLabel(f.label), f.id]));
  const found = new Map<string, Heading>();
  const tokens = md.parse(text, {});
  tokens.forEach((token, index) => {
    if (token.type !== "heading_open" || token.tag !== "h3" || token.level !== 0 || !token.map) return;
    const inline = tokens[index + 1];
    const id = inline ? byLabel.get(normalizeLabel(inline.content)) : undefined;
    if (!id || found.has(id)) return;
    found.set(id, { line: token.map[0], contentStart: token.map[1] });
  });
  return found;
}

function isEmpty(raw: string): boolean {
  return raw === "" || raw === NO_RESPONSE;
}

function readValue(field: FormField, raw: string): RawValue {
  switch (field.type) {
    case "input":
      return { type: "input", text: isEmpty(raw) ? undefined : raw };
    case "textarea":
      return { type: "textarea", text: isEmpty(raw) ? undefined : field.render !== undefined ? unfence(raw) : raw };
    case "dropdown":
      return { type: "dropdown", selected: readDropdown(field, raw) };
    case "checkboxes":
      return readCheckboxes(field, raw);
  }
}

/** A `render:` textarea arrives wrapped in a code fence; the value is the fence's content. */
function unfence(raw: string): string | undefined {
  const tokens = md.parse(raw, {});
  const fences = tokens.filter((t) => t.type === "fence" || t.type === "code_block");
  if (fences.length === 1 && tokens.length === 1) {
    const content = (fences[0] as Token).content.replace(/\n$/, "");
    return content.trim() === "" ? undefined : content;
  }
  return raw;
}

function readDropdown(field: FormField, raw: string): string[] {
  if (isEmpty(raw) || raw === "None") return [];
  // A multi-select arrives as "a, b" on one line; an option may itself contain ", " so match known options first.
  if (!field.multiple) return [raw];
  const known = field.options.filter((option) => raw === option || raw.includes(option));
  if (known.length > 0 && known.join(", ").length === raw.length) return field.options.filter((o) => known.includes(o));
  return raw.split(/,\s*/).filter(Boolean);
}

function readCheckboxes(field: FormField, raw: string): RawValue {
  const checked: string[] = [];
  const unchecked: string[] = [];
  const unknown: string[] = [];
  const options = new Map(field.options.map((o) => [o.trim(), o]));
  for (const item of listItems(raw)) {
    const match = /^\[([ xX])\]\s+([\s\S]*)$/.exec(item);
    if (!match?.[2]) continue;
    const label = match[2].trim();
    const option = options.get(label);
    if (!option) {
      unknown.push(label);
      continue;
    }
    (match[1] === " " ? unchecked : checked).push(option);
  }
  return { type: "checkboxes", checked, unchecked, unknown };
}

/** Top-level list items' text, via markdown-it (so `- [X]` inside a nested quote or code is not an answer). */
export function listItems(raw: string): string[] {
  const tokens = md.parse(raw, {});
  const items: string[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.type === "bullet_list_open" || token.type === "ordered_list_open") depth++;
    if (token.type === "bullet_list_close" || token.type === "ordered_list_close") depth--;
    if (token.type === "list_item_open" && depth === 1) {
      const inline = tokens.slice(i + 1).find((t) => t.type === "inline");
      if (inline) items.push(inline.content);
    }
  }
  return items;
}

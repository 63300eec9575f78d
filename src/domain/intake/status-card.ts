import { escapeCode, escapeInline, quietLogin } from "../markdown/escape.js";
import { formatMoney } from "../values/money.js";
import { formatReference } from "../values/references.js";
import type { Problem } from "../forms/validate.js";
import type { FormTemplate } from "../forms/template.js";
import type { InitiativeLookup } from "./initiatives.js";
import type { PartialUseCase } from "./use-case.js";

/**
 * The intake section of the status comment: either what to fix, or a summary card of the accepted use case.
 * Every user-supplied string goes through escapeInline: nothing typed in a form can ping people or inject markup.
 */

export function renderProblems(problems: Problem[]): string {
  const lines = [
    "### ⚠️ This use case needs changes",
    "",
    "Edit the issue description to fix the points below. Converge checks again on every edit and removes the `needs-info` label once everything is in order.",
    "",
  ];
  for (const problem of problems) lines.push(`- ${problemLine(problem)}`);
  return lines.join("\n");
}

/** One problem as the intake section shows it (Markdown, user text escaped); gate refusals quote the same line. */
export function problemLine(problem: Problem): string {
  const example = problem.example ? ` Example: ${escapeCode(problem.example)}` : "";
  // "**So that** is empty." reads as a sentence; a message about a value gets a colon after the label.
  const joiner = /^(is|are|must|allows|lists|names|has)\b/.test(problem.message) ? " " : ": ";
  return `**${escapeInline(problem.label)}**${joiner}${escapeInline(problem.message, 500)}${example}`;
}

export function renderSummaryCard(template: FormTemplate, useCase: PartialUseCase, initiatives: InitiativeLookup[]): string {
  const label = (id: string, fallback: string): string => escapeInline(template.fields.find((f) => f.id === id)?.label ?? fallback);
  const row = (id: string, fallback: string, value: string | undefined): string | undefined =>
    value === undefined || value === "" ? undefined : `| **${label(id, fallback)}** | ${value} |`;
  const benefit = useCase.benefit ? formatMoney(useCase.benefit) : undefined;
  const rows = [
    row("as-a", "As a", useCase["as-a"] && escapeInline(useCase["as-a"])),
    row("i-want", "I want", useCase["i-want"] && escapeInline(useCase["i-want"])),
    row("so-that", "So that", useCase["so-that"] && escapeInline(useCase["so-that"])),
    row("value-stream", "Value stream", useCase["value-stream"] && escapeInline(useCase["value-stream"])),
    row("plants", "Plants / sites", useCase.plants?.map((p) => escapeInline(p, 60)).join(", ")),
    row("layers", "IT/OT layers", useCase.layers?.map((l) => escapeInline(l, 60)).join(", ")),
    row("benefit", "Expected yearly benefit", benefit && escapeInline(benefit)),
    row("benefit-kpi", "Benefit KPI", useCase["benefit-kpi"] && escapeInline(useCase["benefit-kpi"])),
    row("deadline", "Target deployment date", useCase.deadline),
    row("product-owner", "Product owner", useCase["product-owner"] && quietLogin(useCase["product-owner"])),
    row("architect", "IT/OT architect", useCase.architect && quietLogin(useCase.architect)),
    row("squad", "Squad", useCase.squad && escapeInline(useCase.squad, 80)),
  ].filter((r): r is string => r !== undefined);

  const lines = ["### ✅ Use case accepted", "", "| | |", "|---|---|", ...rows];
  const criteria = useCase["acceptance-criteria"] ?? [];
  if (criteria.length > 0) {
    const ticked = criteria.filter((c) => c.checked === true).length;
    const checklist = criteria.some((c) => c.checked !== null);
    lines.push("", `**${label("acceptance-criteria", "Acceptance criteria")}**${checklist ? ` (${ticked} of ${criteria.length} ticked)` : ` (${criteria.length})`}`, "");
    // Rendered as plain bullets: a task list in Converge's comment could only be ticked by Converge.
    for (const c of criteria) lines.push(`- ${c.checked === true ? "☑" : c.checked === false ? "☐" : "•"} ${escapeInline(c.text, 300)}`);
  }
  if (initiatives.length > 0) {
    lines.push("", `**Enables ${initiatives.length} initiative${initiatives.length === 1 ? "" : "s"}**`, "");
    for (const initiative of initiatives) {
      const title = initiative.title ? ` ${escapeInline(initiative.title, 120)}` : "";
      lines.push(`- ${formatReference(initiative.ref)}${title}${initiative.state === "CLOSED" ? " _(closed)_" : ""}`);
    }
  }
  return lines.join("\n");
}

export function renderConfigProblems(path: string, problems: string[]): string {
  return [
    "### ⚠️ Converge is paused in this repository",
    "",
    `Its configuration (${escapeCode(path)}) is invalid, so this use case was not checked and no labels were changed. A maintainer can fix:`,
    "",
    ...problems.slice(0, 20).map((p) => `- ${escapeInline(p, 300)}`),
    "",
    "Check a config locally with `npx converge validate-config .github/converge.yml`.",
  ].join("\n");
}

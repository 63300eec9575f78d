import type { FormTemplate } from "../forms/template.js";
import { neutralizeMentions } from "../markdown/escape.js";
import { storyMarker, type UseCaseRef } from "./markers.js";
import type { KeyedCriterion } from "./criteria.js";

/**
 * A story's title and body, shaped exactly like GitHub renders a submitted templates/user-story.yml form
 * (`### Label`, blank line, value; empty fields `_No response_`, an unselected dropdown `None`), so the story reads
 * like one a person filed and Converge's own form parser reads it back. Labels come from the template, so a team
 * that rewords them keeps them in step. The marker comes first: text after the last field would become its value.
 */

/** What a story takes from its use case (already parsed and validated by intake's rules). */
export interface StorySource {
  asA: string;
  iWant: string;
  soThat: string;
  squad?: string | undefined;
}

export interface StoryDraft {
  title: string;
  body: string;
}

const NO_RESPONSE = "_No response_";
const TITLE_PREFIX = "[Story]: ";
/** GitHub allows 256 characters in a title; keep it short enough to read in a list. */
const MAX_TITLE = 120;

/** `#12` for a use case in the same repository, else `owner/repo#12` (both are GitHub references). */
export function referenceFrom(useCase: UseCaseRef, storyRepo: { owner: string; repo: string }): string {
  const same = useCase.owner.toLowerCase() === storyRepo.owner.toLowerCase() && useCase.repo.toLowerCase() === storyRepo.repo.toLowerCase();
  return same ? `#${useCase.number}` : `${useCase.owner}/${useCase.repo}#${useCase.number}`;
}

/** User text goes into a new issue, where `@name` would notify: neutralise mentions, keep the rest of the Markdown. */
function userText(text: string | undefined): string {
  const trimmed = (text ?? "").trim();
  return trimmed === "" ? NO_RESPONSE : neutralizeMentions(trimmed);
}

export function storyTitle(criterion: KeyedCriterion): string {
  const flat = criterion.text.replace(/\s+/g, " ").trim();
  const room = MAX_TITLE - TITLE_PREFIX.length;
  return TITLE_PREFIX + (flat.length > room ? `${flat.slice(0, room - 1)}…` : flat);
}

export function storyDraft(template: FormTemplate, useCase: UseCaseRef, source: StorySource, criterion: KeyedCriterion): StoryDraft {
  const values: Record<string, string> = {
    "use-case": referenceFrom(useCase, useCase),
    "as-a": userText(source.asA),
    "i-want": userText(source.iWant),
    "so-that": userText(source.soThat),
    "acceptance-criteria": `- [ ] ${userText(criterion.text)}`,
    squad: userText(source.squad),
  };
  const sections = template.fields.map((field) => {
    const value = values[field.id] ?? (field.type === "dropdown" ? "None" : field.type === "checkboxes" ? field.options.map((o) => `- [ ] ${o}`).join("\n") : NO_RESPONSE);
    return `### ${field.label}\n\n${value}`;
  });
  return { title: storyTitle(criterion), body: [storyMarker(useCase, criterion.key), ...sections].join("\n\n") + "\n" };
}

import { createHash } from "node:crypto";
import { FORMS_DIR, sameContent } from "../adoption/files.js";

/**
 * Template drift (issue 15): which of a repository's copies of Converge's issue forms differ from the org standard.
 * Pure: the GitHub layer lists and reads files, this module decides. A repository is only asked to take back the forms
 * it has a copy of: a repository without a form of its own already shows the org's (GitHub falls back to the org's
 * `.github` repository only when a repository has no issue templates at all), so adding one would be a change nobody
 * asked for.
 */

/** The branch Converge's drift pull requests come from, found again on every run (one pull request per repository). */
export const TEMPLATES_BRANCH = "converge/templates";

export interface StandardForm {
  /** File name in .github/ISSUE_TEMPLATE, e.g. `use-case.yml`. */
  name: string;
  content: string;
  /** Where the standard comes from: the org's `.github` repository, or the forms Converge ships. */
  source: "org" | "bundled";
}

/**
 * The org standard per form: the org's `.github` copy where it has one, else the bundled form. `orgCopies` holds the
 * org repository's files by name (undefined: it has none).
 */
export function standardForms(bundled: Record<string, string>, orgCopies: Record<string, string | undefined>): StandardForm[] {
  return Object.keys(bundled)
    .sort()
    .map((name) => {
      const org = orgCopies[name];
      return org !== undefined ? { name, content: org, source: "org" as const } : { name, content: bundled[name]!, source: "bundled" as const };
    });
}

/** Git's blob id of a text (what the contents API reports as `sha`), so an unchanged copy needs no download. */
export function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

export interface ListedFile {
  name: string;
  sha: string;
  type: string;
}

/**
 * Forms whose copy in the repository may differ: present (as a file) and not byte-identical to the standard.
 * Their text still has to be read, because a copy differing only in line endings or the final newline is in step.
 */
export function suspects(standard: StandardForm[], listing: ListedFile[], ignore: readonly string[]): StandardForm[] {
  const ignored = new Set(ignore.map((n) => n.toLowerCase()));
  return standard.filter((form) => {
    if (ignored.has(form.name.toLowerCase())) return false;
    const copy = listing.find((f) => f.type === "file" && f.name === form.name);
    return copy !== undefined && copy.sha !== gitBlobSha(form.content);
  });
}

/** Of the suspects, those whose text (`copies`: name → text) really differs from the standard. */
export function drifted(candidates: StandardForm[], copies: Record<string, string | undefined>): StandardForm[] {
  return candidates.filter((form) => {
    const copy = copies[form.name];
    return copy !== undefined && !sameContent(copy, form.content);
  });
}

export function formPath(name: string): string {
  return `${FORMS_DIR}/${name}`;
}

export function driftPullTitle(): string {
  return "Converge: bring the issue forms back to the org standard";
}

/** The pull request's body: what changes, where the standard lives, and how to keep a form of one's own. */
export function driftPullBody(org: string, forms: StandardForm[]): string {
  const list = forms
    .map((f) => `- \`${formPath(f.name)}\`: ${f.source === "org" ? `as in \`${org}/.github\`` : "as shipped with Converge (the org's `.github` repository has no copy)"}`)
    .join("\n");
  return [
    "This repository's copy of Converge's issue forms differs from the org standard. Converge reads use cases by these",
    "forms' fields, so a changed field id or a missing field makes intake reject what people file here.",
    "",
    list,
    "",
    "Merge it to get back in step. Converge keeps this one pull request up to date (branch `converge/templates`) whenever",
    "the standard changes, and never opens a second one. Closing it without merging is a no: it is not proposed again",
    "until the standard changes.",
    "",
    "To keep a form of this repository's own, add it to `templates.ignore` in `.github/converge.yml`",
    "(`templates: { ignore: [user-story.yml] }`), or opt out of the sync entirely with `templates: { sync: false }`.",
  ].join("\n");
}

/**
 * Safe echo of user-written text into Markdown that Converge posts.
 *
 * Converge repeats titles, field values and names in comments and reports. Echoed verbatim they could ping people
 * (`@user`, `@org/team`), inject Markdown or HTML (a title like `</details><img src=…>`), or break a table.
 * Everything user-supplied goes through these helpers; Converge's own links and mentions are built separately.
 */

const ZERO_WIDTH_SPACE = "&#8203;";

/** Characters with meaning in GitHub-flavoured Markdown inline context. */
// Only what can start markup mid-line: emphasis, code, links, autolinked references, tables, strikethrough, HTML.
const MARKDOWN_SPECIALS = /[\\`*_[\]#|~<>]/g;

/** `@name` and `@org/team` would notify people; a zero-width space after `@` keeps the text but not the ping. */
export function neutralizeMentions(text: string): string {
  return text.replace(/@(?=[A-Za-z0-9_-])/g, `@${ZERO_WIDTH_SPACE}`);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * One line of user text rendered literally: whitespace (including newlines) collapsed, HTML and Markdown escaped,
 * mentions neutralised. Safe inside paragraphs, list items, headings and table cells.
 */
export function escapeInline(text: string, maxLength = 300): string {
  let flat = text.replace(/\s+/g, " ").trim();
  if (flat.length > maxLength) flat = `${flat.slice(0, maxLength - 1)}…`;
  const html = escapeHtml(flat);
  const markdown = html.replace(MARKDOWN_SPECIALS, (ch) => `\\${ch}`);
  return neutralizeMentions(markdown);
}

/** User text as inline code: nothing inside is interpreted, and backticks in the text cannot close the span. */
export function escapeCode(text: string, maxLength = 120): string {
  let flat = text.replace(/\s+/g, " ").trim();
  if (flat.length > maxLength) flat = `${flat.slice(0, maxLength - 1)}…`;
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A GitHub login shown without notifying its owner (e.g. "filed by octocat"). */
export function quietLogin(login: string): string {
  return escapeInline(login).replace(/^@?/, "");
}

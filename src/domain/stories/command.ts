import { commandLines } from "../markdown/command-lines.js";
import { parseHandle } from "../values/handles.js";

/** `/stories` on a line of its own (not in a code block or a quote), in any case. */
export function isStoriesCommand(body: string | null | undefined): boolean {
  for (const line of commandLines(body ?? "")) if (/^\/stories\s*$/i.test(line)) return true;
  return false;
}

/**
 * Who may ask for the stories: the use case's product owner (its "Product owner" field), or when that field names
 * nobody valid, the person who filed it. Logins compare case-insensitively, as on GitHub.
 */
export function productOwner(field: string | undefined, issueAuthor: string | undefined): string | undefined {
  return (field ? parseHandle(field) : undefined) ?? issueAuthor;
}

export function isProductOwner(login: string, owner: string | undefined): boolean {
  return owner !== undefined && login.toLowerCase() === owner.toLowerCase();
}

export function refusal(login: string, owner: string | undefined, escape: (text: string) => string): string {
  const who = owner ? `its product owner, ${escape(owner)},` : "its product owner";
  return `${escape(login)}: thank you, but only ${who} can ask for this use case's user stories with \`/stories\`. ` +
    "Please ask them to comment it.";
}

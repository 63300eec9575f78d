/**
 * Hidden markers that let Converge find its own artifacts again (GitHub is the system of record: no database).
 * Markers are only trusted in comments the app authored (see src/github/identity.ts).
 */
export const STATUS_MARKER = "<!-- converge:status -->";
export const INITIATIVE_MARKER = "<!-- converge:initiative -->";

/** Hidden JSON state in a comment. Base64 so that `-->` or any other text in the data cannot end the comment early. */
export function encodeState(name: string, state: unknown): string {
  const payload = Buffer.from(JSON.stringify(state), "utf8").toString("base64");
  return `<!-- converge:state:${name} ${payload} -->`;
}

export function decodeState(body: string, name: string): unknown {
  const match = new RegExp(`<!-- converge:state:${escapeRegExp(name)} ([A-Za-z0-9+/=]+) -->`).exec(body);
  if (!match?.[1]) return undefined;
  try {
    return JSON.parse(Buffer.from(match[1], "base64").toString("utf8"));
  } catch {
    return undefined; // a damaged state block is treated as absent; it is rebuilt on the next write
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

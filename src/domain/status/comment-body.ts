import { STATUS_MARKER, encodeState, decodeState, escapeRegExp } from "./markers.js";

/**
 * The single Converge status comment on a use case is made of named sections (intake, gates, …), each owned by one
 * feature. A feature replaces only its own section, so features never overwrite each other's text.
 */
export interface StatusSection {
  id: string;
  /** Sections are shown in ascending order. */
  order: number;
  body: string;
  /** Hidden machine-readable state for this section (read back with sectionState). */
  state?: unknown;
}

const HEADER = "**Converge** · use-case status";
const FOOTER = "<sub>Maintained by Converge. Edits to this comment are overwritten; edit the issue instead.</sub>";

const SECTION_RE = /<!-- converge:section:([a-z0-9-]+):(\d+) -->\n([\s\S]*?)\n<!-- converge:section:\1:end -->/g;

export function parseSections(body: string): StatusSection[] {
  const sections: StatusSection[] = [];
  for (const match of body.matchAll(SECTION_RE)) {
    const [, id, order, content] = match;
    if (!id || !order || content === undefined) continue;
    sections.push({ id, order: Number(order), body: stripState(content, id), state: decodeState(content, id) });
  }
  return sections;
}

function stripState(content: string, id: string): string {
  return content.replace(new RegExp(`\\n?<!-- converge:state:${escapeRegExp(id)} [A-Za-z0-9+/=]+ -->`), "");
}

export function renderStatusBody(sections: StatusSection[]): string {
  const ordered = [...sections].sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  const parts = ordered.map((section) => {
    const state = section.state === undefined ? "" : `\n${encodeState(section.id, section.state)}`;
    return `<!-- converge:section:${section.id}:${section.order} -->\n${section.body}${state}\n<!-- converge:section:${section.id}:end -->`;
  });
  return [STATUS_MARKER, HEADER, "", ...parts.flatMap((part) => [part, ""]), FOOTER].join("\n");
}

/** Replace (or add) one section, keeping every other section exactly as it was. */
export function withSection(existingBody: string | undefined, section: StatusSection): string {
  const others = existingBody ? parseSections(existingBody).filter((s) => s.id !== section.id) : [];
  return renderStatusBody([...others, section]);
}

export function sectionState(body: string | undefined, id: string): unknown {
  if (!body) return undefined;
  return parseSections(body).find((s) => s.id === id)?.state;
}

export function isStatusComment(body: string | null | undefined): boolean {
  return typeof body === "string" && body.startsWith(STATUS_MARKER);
}

import { partMarker, partOf, reportMarker } from "./markers.js";

/**
 * How a multi-part Markdown report maps onto GitHub (ADR 0090): part 1 is the (or discussion's) body, parts
 * 2…n are Converge's own comments on it, in order, each starting with its part marker. Re-running the week edits the
 * same body and the same comments; comments of parts that no longer exist are deleted. All pure: the GitHub layer
 * carries the actions out.
 */

/** GitHub rejects bodies over 65,536 characters; every body Converge writes stays within this. */
export const POST_LIMIT = 60_000;
/** Room kept in the body for the marker, the mention and the link to last week's report. */
export const HEADER_RESERVE = 1_000;
/** The limit to render the Markdown report's parts with, so the composed bodies fit POST_LIMIT. */
export const RENDER_LIMIT = POST_LIMIT - HEADER_RESERVE;

export class ReportTooLargeError extends Error {
  constructor(
    readonly part: number,
    readonly length: number,
  ) {
    super(
      `part ${part} of the weekly report is ${length} characters; GitHub keeps at most 65,536 per body and Converge writes at most ${POST_LIMIT}. ` +
        "Render the report with a smaller part limit (renderMarkdown(model, { limit })) so long sections move to follow-up parts.",
    );
    this.name = "ReportTooLargeError";
  }
}

export interface PreviousReportLink {
  week: string;
  /** "#123" for an issue in the same repository, or a discussion URL. */
  reference: string;
}

export interface ComposeInput {
  week: string;
  parts: readonly string[];
  previous?: PreviousReportLink | undefined;
  /** "@org/team"; taken from config (trusted), mentioned in the body on every version (an edit that keeps a mention does not notify again). */
  mentionTeam?: string | undefined;
}

export interface ComposedReport {
  title: string;
  body: string;
  /** Bodies of the follow-up comments, part 2 first. */
  comments: string[];
}

export function composeReport(input: ComposeInput): ComposedReport {
  if (input.parts.length === 0) throw new Error("the report has no parts");
  const head: string[] = [reportMarker(input.week)];
  if (input.mentionTeam) head.push(`cc @${input.mentionTeam.replace(/^@/, "")}`);
  const [first, ...rest] = input.parts;
  const tail = input.previous ? `\n\n---\nPrevious report (${input.previous.week}): ${input.previous.reference}\n` : "";
  const body = `${head.join("\n")}\n${first}${tail}`;
  const comments = rest.map((part, i) => `${partMarker(input.week, i + 2)}\n${part}`);
  [body, ...comments].forEach((text, i) => {
    if (text.length > POST_LIMIT) throw new ReportTooLargeError(i + 1, text.length);
  });
  return { title: `Converge weekly report ${input.week}`, body, comments };
}

export interface ExistingPart {
  id: string | number;
  body: string;
}

export type CommentAction =
  | { kind: "create"; part: number; body: string }
  | { kind: "update"; part: number; id: string | number; body: string }
  | { kind: "delete"; part: number; id: string | number };

/**
 * Actions that turn Converge's existing part comments for `week` (already filtered to the app's own) into `wanted`.
 * Unchanged comments are left alone. A duplicate for one part (a run that died between create and read-back) is
 * deleted so exactly one comment per part remains.
 */
export function planPartComments(week: string, existing: readonly ExistingPart[], wanted: readonly string[]): CommentAction[] {
  const byPart = new Map<number, ExistingPart>();
  const actions: CommentAction[] = [];
  for (const comment of existing) {
    const marker = partOf(comment.body);
    if (!marker || marker.week !== week) continue;
    if (byPart.has(marker.part) || marker.part < 2 || marker.part > wanted.length + 1) {
      actions.push({ kind: "delete", part: marker.part, id: comment.id });
      continue;
    }
    byPart.set(marker.part, comment);
  }
  wanted.forEach((body, i) => {
    const part = i + 2;
    const current = byPart.get(part);
    if (!current) actions.push({ kind: "create", part, body });
    else if (current.body !== body) actions.push({ kind: "update", part, id: current.id, body });
  });
  // Creates in part order, after updates and deletes, so the parts read in order on GitHub.
  const order = { delete: 0, update: 1, create: 2 } as const;
  return actions.sort((a, b) => order[a.kind] - order[b.kind] || a.part - b.part);
}

/** The bodies of a posted report in part order (for the read-back check and for last week's summary). */
export function postedParts(body: string, comments: readonly ExistingPart[], week: string): string[] {
  const parts = comments
    .map((c) => ({ c, marker: partOf(c.body) }))
    .filter((x) => x.marker?.week === week)
    .sort((a, b) => a.marker!.part - b.marker!.part)
    .map((x) => x.c.body);
  return [body, ...parts];
}

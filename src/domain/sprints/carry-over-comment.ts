import { z } from "zod";
import { escapeInline } from "../markdown/escape.js";

/**
 * The carry-over suggestion Converge keeps on a story (or use case) that moved to a later sprint while still open
 * (ADR 0113). One comment per issue, found by its marker in Converge's own comments and updated in place; the moves
 * it lists are kept in a hidden JSON line, each move once (by from, to and when), so a redelivered or late event adds
 * nothing and no second comment appears. It only suggests: Converge never moves the issue back.
 */

export const CARRY_OVER_MARKER = "<!-- converge:carry-over -->";
const STATE_LINE = /^<!-- converge:carry-over-state (.*) -->$/m;

export interface SprintMove {
  from: string;
  to: string;
  /** ISO date-time of the move. */
  at: string;
}

const movesSchema = z.array(z.object({ from: z.string().min(1), to: z.string().min(1), at: z.string().min(1) }));

/** The moves recorded in a Converge carry-over comment; none when there is no (readable) state line. */
export function readMoves(body: string | undefined): SprintMove[] {
  const match = body ? STATE_LINE.exec(body) : null;
  if (!match) return [];
  try {
    const parsed = movesSchema.safeParse(JSON.parse(match[1]!));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

function sameMove(a: SprintMove, b: SprintMove): boolean {
  return a.from === b.from && a.to === b.to && Date.parse(a.at) === Date.parse(b.at);
}

/** Recorded moves plus new ones, each once, in time order. */
export function mergeMoves(recorded: readonly SprintMove[], found: readonly SprintMove[]): SprintMove[] {
  const out = [...recorded];
  for (const move of found) if (!out.some((m) => sameMove(m, move))) out.push(move);
  return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

export function renderCarryOverComment(moves: readonly SprintMove[], kind: "story" | "use case"): string {
  const latest = moves.at(-1);
  const lines = [
    CARRY_OVER_MARKER,
    "### Sprint carry-over",
    "",
    latest
      ? `This ${kind} moved to a later sprint while still open, ${moves.length === 1 ? "once" : `${moves.length} times`}:`
      : `This ${kind} has not carried over.`,
    "",
    ...moves.map((m) => `- ${m.at.slice(0, 10)}: ${escapeInline(m.from, 100)} → ${escapeInline(m.to, 100)}`),
    "",
    "**Suggestion** (nothing was changed): check whether it still fits one sprint. Split it into smaller stories, " +
      "re-plan the remaining work with the squad, or close it if it is no longer needed. Converge never moves it back.",
    "",
    // `<`, `>`, `&` and `@` escaped: a sprint title can never close the HTML comment or mention anyone from it.
    `<!-- converge:carry-over-state ${JSON.stringify(moves).replace(/[<>&@]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`)} -->`,
  ];
  return lines.join("\n");
}

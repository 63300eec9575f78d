import type { Initiative, Money, RealizedBenefit } from "../snapshot/schema.js";
import { parseMoney } from "./money.js";
import { commandLines } from "../markdown/command-lines.js";

/**
 * The pure half of `/benefit realized <amount> [as of <date>]` (issue 4): reading the command from a comment and
 * deciding whether the commenter may record it. The GitHub handler (later) fetches the office team's members, calls
 * these, and keeps the records in the initiative's Converge comment.
 */

export const BENEFIT_USAGE = "/benefit realized <amount> [as of YYYY-MM-DD], e.g. /benefit realized €250k as of 2026-10-31";

export type BenefitCommand =
  | { kind: "none" }
  | { kind: "invalid"; problem: string; usage: string }
  | { kind: "realized"; money: Money; asOf: string; asOfDefaulted: boolean };

/**
 * Find the first `/benefit` command at the start of a line, outside code blocks and quotes.
 * `now` (YYYY-MM-DD) is the default "as of" day; an "as of" day after it is refused (benefit cannot be realized
 * in the future). Amounts without a currency are in `defaultCurrency` (the initiative's planned-benefit currency).
 */
export function parseBenefitCommand(body: string, options: { now: string; defaultCurrency: string }): BenefitCommand {
  const line = commandLine(body);
  if (line === null) return { kind: "none" };
  const invalid = (problem: string): BenefitCommand => ({ kind: "invalid", problem, usage: BENEFIT_USAGE });
  const rest = line.replace(/^\/benefit\b/i, "").trim();
  const sub = /^(\S+)\s*(.*)$/s.exec(rest);
  if (!sub) return invalid("missing sub-command");
  if (sub[1]!.toLowerCase() !== "realized" && sub[1]!.toLowerCase() !== "realised") {
    return invalid(`unknown sub-command "${sub[1]!.slice(0, 30)}"`);
  }
  const args = sub[2]!.trim();
  const asOfMatch = /^(.*?)\s*\bas\s+of\s+(\S+)\s*$/i.exec(args);
  const amountText = asOfMatch ? asOfMatch[1]! : args;
  if (amountText === "") return invalid("missing amount");
  const money = parseMoney(amountText, options.defaultCurrency);
  if (!money.ok) return invalid(money.problem);
  let asOf = options.now;
  if (asOfMatch) {
    const day = asOfMatch[2]!;
    if (!isCalendarDay(day)) return invalid(`"as of" needs a date like 2026-10-31, got "${day.slice(0, 30)}"`);
    if (day > options.now) return invalid(`"as of" ${day} is in the future: record benefit once it is realized`);
    asOf = day;
  }
  return { kind: "realized", money: money.money, asOf, asOfDefaulted: asOfMatch === null };
}

/** The first line that starts with `/benefit`, skipping fenced code blocks and `>` quotes. */
function commandLine(body: string): string | null {
  for (const line of commandLines(body)) if (/^\/benefit\b/i.test(line)) return line;
  return null;
}

function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

export interface RecordRequest {
  /** Login of the commenter. */
  commenter: string;
  /** GitHub account type of the commenter ("User", "Bot", …). */
  commenterType?: string;
  initiative: Pick<Initiative, "id" | "owner">;
  /** The configured office team ("@org/slug"), if any. */
  officeTeam?: string | undefined;
  /**
   * Whether the commenter is a member of the office team, as looked up by the caller:
   * "unknown" when the lookup failed (then only the owner may record: fail safe).
   */
  officeMembership: "member" | "not-member" | "unknown";
}

export type RecordDecision = { allowed: true; as: "owner" | "office" } | { allowed: false; reason: string };

/** Only the initiative's owner or a member of the configured office team may record realized benefit. */
export function mayRecordBenefit(request: RecordRequest): RecordDecision {
  const who = request.commenter;
  if (request.commenterType === "Bot") return { allowed: false, reason: `${who} is a bot account: realized benefit is recorded by people` };
  if (sameLogin(who, request.initiative.owner)) return { allowed: true, as: "owner" };
  const team = request.officeTeam?.replace(/^@/, "");
  if (team !== undefined && request.officeMembership === "member") return { allowed: true, as: "office" };
  const allowed = `only the initiative owner (${request.initiative.owner})${team === undefined ? "" : ` or a member of ${team}`} may record realized benefit`;
  if (team !== undefined && request.officeMembership === "unknown") {
    return { allowed: false, reason: `could not verify whether ${who} is a member of ${team}, so nothing was recorded (try again later); ${allowed}` };
  }
  return { allowed: false, reason: `${who} may not record benefit for ${request.initiative.id}: ${allowed}` };
}

/** The record kept in the initiative's Converge comment; `source` (the comment's id) makes redelivery idempotent. */
export function realizedRecord(
  command: Extract<BenefitCommand, { kind: "realized" }>,
  recordedBy: string,
  recordedAt: string,
  source?: string,
): RealizedBenefit {
  const record: RealizedBenefit = { amount: command.money.amount, currency: command.money.currency, asOf: command.asOf, recordedBy, recordedAt };
  return source === undefined ? record : { ...record, source };
}

/** GitHub logins are case-insensitive. */
function sameLogin(a: string, b: string): boolean {
  return a.replace(/^@/, "").toLowerCase() === b.replace(/^@/, "").toLowerCase();
}

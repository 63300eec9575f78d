import { WEEK_PATTERN } from "./week.js";

/**
 * Hidden markers of the weekly report. The report for ISO week W is the one issue (or discussion) whose body Converge
 * wrote and which starts with reportMarker(W); its follow-up parts are Converge's comments on it starting with
 * partMarker(W, n). A marker in anything someone else wrote is never trusted (the GitHub layer checks the author).
 */

const REPORT = /^<!-- converge:weekly-report week=(\d{4}-W\d{2}) -->/;
const PART = /^<!-- converge:weekly-report-part week=(\d{4}-W\d{2}) part=(\d{1,3}) -->/;

export function reportMarker(week: string): string {
  if (!WEEK_PATTERN.test(week)) throw new Error(`not an ISO week: ${week}`);
  return `<!-- converge:weekly-report week=${week} -->`;
}

export function partMarker(week: string, part: number): string {
  return `<!-- converge:weekly-report-part week=${week} part=${part} -->`;
}

/** The week a report body is for, when it starts with the report marker. */
export function reportWeekOf(body: string | null | undefined): string | undefined {
  return body ? REPORT.exec(body)?.[1] : undefined;
}

export function partOf(body: string | null | undefined): { week: string; part: number } | undefined {
  const match = body ? PART.exec(body) : null;
  return match ? { week: match[1]!, part: Number(match[2]) } : undefined;
}

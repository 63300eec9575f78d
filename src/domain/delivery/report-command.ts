import { commandLines } from "../markdown/command-lines.js";
import { escapeInline, quietLogin } from "../markdown/escape.js";

/**
 * `/converge report` (issue 12): a member of the office team asks for this week's report now, in the office
 * repository. Converge answers with exactly one comment per request, found again by the request's comment id in a
 * hidden marker, and edits that comment when the report job has run. Pure: the handler and the job do the I/O.
 */

/** A line that is exactly `/converge report` (case-insensitive); code blocks and quotes do not count. */
export function isReportCommand(body: string | null | undefined): boolean {
  if (!body || !/\/converge\s+report/i.test(body)) return false;
  for (const line of commandLines(body)) if (/^\/converge\s+report\s*$/i.test(line)) return true;
  return false;
}

export function requestMarker(commentId: number): string {
  return `<!-- converge:report-request comment=${commentId} -->`;
}

export type RequestState = "queued" | "done" | "failed" | "refused";

const STATE = /<!-- converge:report-request-state (queued|done|failed|refused) -->/;

/** The state an answer comment records, so a redelivered request can tell whether the job still has to run. */
export function requestState(body: string): RequestState | undefined {
  return STATE.exec(body)?.[1] as RequestState | undefined;
}

function answer(commentId: number, state: RequestState, text: string): string {
  return `${requestMarker(commentId)}\n<!-- converge:report-request-state ${state} -->\n${text}\n`;
}

export function queuedAnswer(commentId: number, requester: string, week: string): string {
  return answer(commentId, "queued", `Thanks, ${quietLogin(requester)}: the ${week} report is being prepared. This comment will link it once it is posted.`);
}

export function doneAnswer(commentId: number, requester: string, result: { week: string; action: string; url: string }): string {
  const verb = result.action === "created" ? "posted" : result.action === "updated" ? "updated" : "already up to date";
  return answer(commentId, "done", `Thanks, ${quietLogin(requester)}: the ${result.week} report is ${verb}: ${result.url}`);
}

export function failedAnswer(commentId: number, requester: string, week: string, problem: string): string {
  return answer(
    commentId,
    "failed",
    `Sorry, ${quietLogin(requester)}: the ${week} report could not be posted.\n\n> ${escapeInline(problem, 1_000)}\n\nFix the cause and comment \`/converge report\` again.`,
  );
}

export type Refusal =
  | { kind: "not-office-repo"; officeRepo: string | undefined; org: string }
  | { kind: "no-office-team" }
  | { kind: "not-member"; team: string }
  | { kind: "unverified"; team: string };

export function refusedAnswer(commentId: number, requester: string, refusal: Refusal): string {
  const who = quietLogin(requester);
  let text: string;
  switch (refusal.kind) {
    case "not-office-repo":
      text = refusal.officeRepo
        ? `Thanks, ${who}. The weekly report is requested in the transformation office's repository, ${escapeInline(`${refusal.org}/${refusal.officeRepo}`)}: please comment \`/converge report\` there.`
        : `Thanks, ${who}. No office repository is configured for the weekly report yet: an admin sets \`delivery.repository\` in ${escapeInline(`${refusal.org}/.github`)} \`.github/converge.yml\`.`;
      break;
    case "no-office-team":
      text = `Thanks, ${who}. On-demand reports are limited to the office team, and none is configured: an admin sets \`report.officeTeam\` in the organisation's \`.github/converge.yml\`. The scheduled report still runs.`;
      break;
    case "not-member":
      text = `Thanks for asking, ${who}. On-demand reports are for members of the office team (${escapeInline(refusal.team)}); please ask one of them. The scheduled weekly report still arrives as usual.`;
      break;
    case "unverified":
      text = `Thanks, ${who}. Converge could not check membership of the office team (${escapeInline(refusal.team)}) just now (it needs the organisation "Members: Read" permission), so no report was started. Please try again later.`;
      break;
  }
  return answer(commentId, "refused", text);
}

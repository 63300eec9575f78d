import type { ConvergeConfig } from "../config/schema.js";
import type { AppIdentity } from "../github/identity.js";
import type { Octokit } from "../github/octokit.js";
import type { SnapshotFetchOptions, SnapshotFetchResult } from "../github/snapshot/index.js";
import { openReportThread, type PostOutcome, type ReportTarget } from "../github/report-post.js";
import type { RetryOptions } from "../github/retry-after.js";
import { DeliveryError } from "../github/delivery-errors.js";
import { buildReport, extractSummary, renderMarkdown, type ReportSummary } from "../domain/report/index.js";
import { RENDER_LIMIT } from "../domain/delivery/plan.js";
import { isoWeekIn } from "../domain/delivery/week.js";
import { syncBoard, type BoardSyncResult } from "../github/board/index.js";

/**
 * The weekly report job (issue 12): fetch the portfolio, build and render the report, post it as this ISO week's
 * report in the office repository. Runs in a queue worker, never inside a webhook handler. Idempotent per week:
 * a retried or duplicated job edits the same issue, so a job that runs twice still leaves one report.
 */

/** Where the portfolio snapshot comes from: src/github/snapshot in production, a file in tests and the demo. */
export type SnapshotSource = (octokit: Octokit, options: SnapshotFetchOptions) => Promise<SnapshotFetchResult>;

export interface ReportJobLog {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
}

export interface ReportJobDeps {
  identity: () => Promise<AppIdentity>;
  snapshotSource: SnapshotSource;
  now: () => Date;
  log: ReportJobLog;
  retry?: RetryOptions;
}

export interface ReportJobInput {
  octokit: Octokit;
  org: string;
  config: ConvergeConfig;
  /** Monte Carlo seed (forecast.method monte-carlo); 1 unless the CLI is told otherwise. */
  seed?: number;
}

export interface ReportJobResult extends PostOutcome {
  week: string;
  target: ReportTarget;
  /** The program board sync that follows the report (board.project); "disabled" when none is configured. */
  board?: BoardSyncResult | { status: "failed"; message: string };
}

export function reportTarget(org: string, config: ConvergeConfig): ReportTarget {
  const delivery = config.delivery;
  if (!delivery.repository) {
    throw new DeliveryError(
      `no report repository configured for ${org}: set delivery.repository (the transformation office's repository) in ${org}/.github/.github/converge.yml`,
    );
  }
  return { owner: org, repo: delivery.repository, kind: delivery.target, category: delivery.discussionCategory, label: delivery.label };
}

export async function runReportJob(input: ReportJobInput, deps: ReportJobDeps): Promise<ReportJobResult> {
  const { octokit, org, config } = input;
  const target = reportTarget(org, config);
  const now = deps.now();
  const week = isoWeekIn(now, config.delivery.schedule.timeZone);
  const identity = await deps.identity();
  const thread = await openReportThread(octokit, target, identity, week, deps.retry ? { retry: deps.retry } : {});

  // Last week's posted report carries the hidden summary that drives "changes since last week".
  let previous: ReportSummary | undefined;
  if (thread.previous) {
    const summary = extractSummary(await thread.previousParts());
    if (summary.ok) previous = summary.summary;
    else deps.log.warn({ week: thread.previous.week, problem: summary.problem }, "last week's report has no readable summary; changes are not compared");
  }

  const { snapshot, stats } = await deps.snapshotSource(octokit, { org, config, now });
  deps.log.info({ org, week, ...stats }, "portfolio snapshot fetched");
  const model = buildReport(snapshot, { now: now.toISOString(), config, seed: input.seed ?? 1, ...(previous ? { previous } : {}) });
  const { parts } = renderMarkdown(model, { limit: RENDER_LIMIT });
  const outcome = await thread.write(parts, { mentionTeam: config.delivery.mentionTeam });
  deps.log.info({ org, week, action: outcome.action, report: outcome.report.url, parts: outcome.parts }, "weekly report posted");
  const board = await syncBoardAfterReport(octokit, { org, config, snapshot, report: model, now, identity }, deps.log);
  return { ...outcome, week, target, board };
}

/**
 * The board shows this week's forecast (Forecast P85, Risk, the status update), so it is synced right after the
 * report is posted. A board problem never fails the report: a missing permission is one clear warning, anything else
 * is logged and repaired by next week's run.
 */
async function syncBoardAfterReport(octokit: Octokit, options: Parameters<typeof syncBoard>[1], log: ReportJobLog): Promise<NonNullable<ReportJobResult["board"]>> {
  try {
    const result = await syncBoard(octokit, options);
    if (result.status === "synced") {
      const { fieldsCreated, itemsAdded, valuesWritten, statusUpdate, notices, requests } = result;
      log.info({ org: options.org, fieldsCreated, itemsAdded, valuesWritten, statusUpdate, requests }, "program board synced");
      for (const notice of notices) log.warn({ org: options.org }, notice);
    } else if (result.status !== "disabled") {
      log.warn({ org: options.org }, result.message);
    }
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn({ org: options.org, error: message }, "program board sync failed; the report was posted");
    return { status: "failed", message };
  }
}

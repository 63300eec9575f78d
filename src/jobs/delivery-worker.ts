import type { AppIdentity } from "../github/identity.js";
import type { Octokit } from "../github/octokit.js";
import { loadOrgConfig } from "../github/org-config.js";
import { writeOwnComment } from "../github/own-comment.js";
import { DeliveryError } from "../github/delivery-errors.js";
import { isoWeekIn } from "../domain/delivery/week.js";
import { doneAnswer, failedAnswer } from "../domain/delivery/report-command.js";
import { runReportJob, type ReportJobResult, type SnapshotSource } from "./report-job.js";
import { isRetryable, type QueueJob } from "./queue.js";

/**
 * What the delivery queue runs (issue 12): the weekly report (scheduled, caught up at start-up, or asked for with
 * `/converge report`) and the reconciliation sweep. A job carries ids only; the worker authenticates as the
 * installation and reads the org config itself, so a job queued in one process runs the same in any other.
 */

export interface ReportRequest {
  repo: string;
  issueNumber: number;
  commentId: number;
  /** Converge's answer comment, edited with the outcome. */
  answerId: number;
  requester: string;
}

export type DeliveryJob =
  | { kind: "report"; installationId: number; org: string; request?: ReportRequest }
  | { kind: "sweep"; installationId: number; org: string; since: string };

export interface WorkerLog {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
}

export interface WorkerDeps {
  /** An Octokit authenticated as the installation (Probot's `app.auth(id)`). */
  auth: (installationId: number) => Promise<Octokit>;
  identity: () => Promise<AppIdentity>;
  now: () => Date;
  snapshotSource: SnapshotSource;
  log: WorkerLog;
  /** The sweep (./sweep.ts), injected so the worker stays small. */
  sweep?: (octokit: Octokit, job: Extract<DeliveryJob, { kind: "sweep" }>) => Promise<void>;
}

/** Job id of an installation's report for one ISO week: the same week is one job across every instance. */
export function reportJobId(installationId: number, week: string): string {
  return `report-${installationId}-${week}`;
}

export function requestJobId(installationId: number, commentId: number): string {
  return `report-request-${installationId}-${commentId}`;
}

export function createDeliveryProcessor(deps: WorkerDeps): (job: QueueJob<DeliveryJob>) => Promise<void> {
  return async (job) => {
    const data = job.data;
    const octokit = await deps.auth(data.installationId);
    if (data.kind === "sweep") {
      if (!deps.sweep) throw new DeliveryError("no reconciliation sweep is configured in this process");
      await deps.sweep(octokit, data);
      return;
    }
    // Every line of a job names it (the job id carries installation and week), as a delivery's lines carry its id.
    const log = { info: (obj: object, msg: string) => deps.log.info({ job: job.id, ...obj }, msg), warn: (obj: object, msg: string) => deps.log.warn({ job: job.id, ...obj }, msg) };
    let result: ReportJobResult;
    let week = isoWeekIn(deps.now(), "UTC");
    try {
      const loaded = await loadOrgConfig(octokit, data.org);
      if (!loaded.ok) throw new DeliveryError(`the organisation's configuration is not valid: ${loaded.problems.join("; ")}`);
      week = isoWeekIn(deps.now(), loaded.config.delivery.schedule.timeZone);
      result = await runReportJob({ octokit, org: data.org, config: loaded.config }, { identity: deps.identity, snapshotSource: deps.snapshotSource, now: deps.now, log });
    } catch (error) {
      const last = !isRetryable(error) || job.attempt >= job.maxAttempts;
      deps.log.warn({ err: error, job: job.id, attempt: job.attempt, last }, "weekly report job failed");
      if (data.request && last) await answer(octokit, data, failedAnswer(data.request.commentId, data.request.requester, week, message(error)), deps.log);
      throw error;
    }
    if (data.request) {
      await answer(octokit, data, doneAnswer(data.request.commentId, data.request.requester, { week: result.week, action: result.action, url: result.report.url }), deps.log);
    }
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function answer(octokit: Octokit, data: Extract<DeliveryJob, { kind: "report" }>, body: string, log: WorkerLog): Promise<void> {
  const request = data.request!;
  try {
    await writeOwnComment(octokit, { owner: data.org, repo: request.repo, issue_number: request.issueNumber }, request.answerId, body);
  } catch (error) {
    // The report itself is posted (or failed for its own reason); a lost answer edit must not re-run the job.
    log.warn({ err: error, comment: request.answerId }, "could not update the answer to /converge report");
  }
}

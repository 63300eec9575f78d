import { z } from "zod";

/**
 * Where and when the weekly report is delivered (issue 12; ADR 0090). Read from the organisation's `.github`
 * repository (`.github/converge.yml`), because a scheduled job has no repository of its own to read config from.
 */

const repoName = z.string().regex(/^[A-Za-z0-9_.-]+$/, "must be a repository name in the organization (no owner), e.g. transformation-office");

/** True when the runtime knows the IANA zone (Intl throws a RangeError for unknown ones). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().min(1).refine(isTimeZone, { error: 'not an IANA time zone (e.g. "Europe/Berlin", "America/Chicago", "UTC")' });
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a 24-hour time like "07:00"' });

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;

export const deliverySection = z
  .object({
    repository: repoName
      .optional()
      .describe("The transformation office's repository (in the installation's organization) the weekly report is posted to. Without it no report is posted."),
    target: z
      .enum(["issue", "discussion"])
      .default("issue")
      .describe("issue: one issue per ISO week (last week's is closed); discussion: one discussion per ISO week in `discussionCategory`."),
    discussionCategory: z
      .string()
      .min(1)
      .max(100)
      .default("Reports")
      .describe("Name (or slug) of an existing Discussions category (target: discussion). GitHub's API cannot create categories."),
    label: z.string().min(1).max(50).default("converge-report").describe("Label on every report issue (and on discussions, when the label exists)."),
    mentionTeam: z
      .string()
      .regex(/^@?[A-Za-z0-9-]+\/[A-Za-z0-9_.-]+$/, { error: 'expected an org team like "@acme/transformation-office"' })
      .optional()
      .describe("Team to @-mention when a week's report is first posted (off unless set). Edits never mention again."),
    schedule: z
      .object({
        enabled: z.boolean().default(true).describe("Post the report on the schedule (false: only on demand)."),
        weekday: z.enum(WEEKDAYS).default("monday"),
        time: clock.default("07:00").describe("Local time of day in `timeZone`."),
        timeZone: timeZone.default("UTC").describe("IANA time zone of the office; also decides which ISO week a report belongs to."),
      })
      .strict()
      .prefault({})
      .describe("When the weekly report runs."),
    reconcile: z
      .object({
        enabled: z.boolean().default(true),
        time: clock.default("03:00").describe("Daily local time (in schedule.timeZone) of the reconciliation sweep."),
        lookbackHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 14)
          .default(26)
          .describe("Use cases updated within this many hours are re-validated (a day plus slack, so one missed sweep loses nothing)."),
      })
      .strict()
      .prefault({})
      .describe("Daily sweep that repairs what a lost webhook missed (GitHub does not retry failed deliveries)."),
  })
  .strict()
  .prefault({});

export type DeliveryConfig = z.infer<typeof deliverySection>;

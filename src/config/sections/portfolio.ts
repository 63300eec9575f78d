import { z } from "zod";

/**
 * Portfolio-from-GitHub settings (issue 11): who the squads are, which sprint model the org runs, and the central
 * program board. Shared by the snapshot fetch (src/github/snapshot), sprints (carry-over, throughput) and the board
 * sync, so all three read one shape. ADR 0060 records the choices.
 */

const repoName = z.string().regex(/^[A-Za-z0-9_.-]+$/, "must be a repository name in the organization (no owner), e.g. quality-vision");
const teamSlug = z
  .string()
  .regex(/^@?(?:[A-Za-z0-9][A-Za-z0-9-]*\/)?[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must be a team as @org/team-slug or team-slug")
  .transform((value) => value.replace(/^@/, ""));
const labelName = z.string().min(1).max(50);

export const squadMappingSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "must be lowercase letters, digits and hyphens (e.g. vision)"),
    name: z.string().min(1).max(100).optional().describe("Display name (default: the id)."),
    repos: z.array(repoName).default([]).describe("Repositories whose stories this squad delivers."),
    teams: z.array(teamSlug).default([]).describe("Teams whose members' stories (by assignee) this squad delivers."),
    labels: z.array(labelName).default([]).describe("Labels that put a story (or use case) in this squad; checked first."),
  })
  .strict();

export const squadsSection = z
  .array(squadMappingSchema)
  .default([])
  .describe(
    "Squads: a story belongs to the first squad whose label it carries, else whose team has its assignee, else whose repos list its repository; " +
      "a story no squad claims belongs to a squad named after its repository.",
  );

export const sprintsSection = z
  .object({
    source: z
      .enum(["iteration", "milestone"])
      .default("iteration")
      .describe("iteration: an iteration field on the program board (one org-wide cadence, preferred); milestone: repository milestones."),
    iterationField: z.string().min(1).max(100).default("Sprint").describe("Name of the iteration field on the program board (source: iteration)."),
    milestonePattern: z
      .string()
      .min(1)
      .default("^Sprint\\b")
      .refine(
        (source) => {
          try {
            new RegExp(source, "i");
            return true;
          } catch {
            return false;
          }
        },
        { error: "not a valid regular expression (sprints.milestonePattern)" },
      )
      .describe("Case-insensitive regular expression for milestone titles that are sprints (source: milestone); the due date is the sprint's end."),
    milestoneLengthDays: z.number().int().min(1).max(56).default(14).describe("Sprint length for milestones (they have no start date)."),
  })
  .strict()
  .prefault({});

export const boardSection = z
  .object({
    project: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Number of the organization's Project (v2) that is the central program board. Unset: no board sync."),
    statusField: z
      .string()
      .min(1)
      .max(100)
      .default("Status")
      .describe("The board's single-select field whose changes Converge records (time in status); GitHub's built-in one is Status."),
    historyEntries: z
      .number()
      .int()
      .min(2)
      .max(50)
      .default(20)
      .describe("How many status changes the board's Status history field keeps per item (oldest dropped first; also capped at 1,000 characters)."),
    statusUpdate: z
      .object({
        enabled: z.boolean().default(true).describe("Write the board's weekly status update (on track / at risk / off track) from the forecast."),
        atRiskShare: z
          .number()
          .min(0)
          .max(1)
          .default(0.1)
          .describe("At risk from this expected share of in-flight use cases missing their deadline (the program's < 10% target)."),
        offTrackShare: z
          .number()
          .min(0)
          .max(1)
          .default(0.25)
          .describe("Off track from this expected share missing their deadline."),
      })
      .strict()
      .refine((s) => s.offTrackShare >= s.atRiskShare, { error: "board.statusUpdate.offTrackShare must be at least atRiskShare" })
      .prefault({}),
  })
  .strict()
  .prefault({});

export type SquadMapping = z.infer<typeof squadMappingSchema>;
export type SprintsConfig = z.infer<typeof sprintsSection>;
export type BoardConfig = z.infer<typeof boardSection>;

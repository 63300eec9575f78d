import { z } from "zod";

/**
 * Use case → user stories (issue 11). Owned by src/domain/stories, src/github/stories.ts and src/handlers/stories.ts.
 * One user-story sub-issue per acceptance criterion, created when the named gate is passed or when the product
 * owner comments `/stories`.
 */
export const storiesSection = z
  .object({
    enabled: z.boolean().default(true).describe("Create user-story sub-issues from a use case's acceptance criteria."),
    onGate: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "must be a gate id from gates.pipeline (e.g. feasibility)")
      .nullable()
      .default("feasibility")
      .describe("Gate id whose valid pass creates the stories; null: only the product owner's `/stories` comment does."),
  })
  .strict()
  .prefault({});

export type StoriesConfig = z.infer<typeof storiesSection>;

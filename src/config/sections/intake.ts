import { z } from "zod";

// GitHub label names are one line; a line break would also end the inline code Converge shows the label in (a
// label "x\n\n@everyone" would then ping everyone).
const labelName = z.string().min(1).max(50).regex(/^[^\r\n]*$/, { error: "a label name must be one line" });

/** Use-case intake settings (issue 2). */
export const intakeSection = z
  .object({
    labels: z
      .object({
        useCase: labelName.default("use-case").describe("Label that marks an issue as a use case (the use-case form applies it)."),
        initiative: labelName.default("initiative").describe("Label that marks an issue as a business initiative."),
        userStory: labelName.default("user-story").describe("Label that marks a user story."),
        needsInfo: labelName.default("needs-info").describe("Label Converge keeps on a use case while its form has problems."),
      })
      .strict()
      .prefault({}),
    labelPrefixes: z
      .object({
        valueStream: z.string().max(30).default("value-stream/"),
        layer: z.string().max(30).default("layer/"),
        plant: z.string().max(30).default("plant/"),
      })
      .strict()
      .prefault({}),
    issueTypes: z
      .object({
        useCase: z.string().min(1).optional().describe("Org issue type that marks a use case, where the org uses issue types."),
        initiative: z.string().min(1).optional().describe("Org issue type that marks an initiative."),
      })
      .strict()
      .prefault({}),
    requireFutureDeadline: z
      .boolean()
      .default(true)
      .describe("Reject a deployment deadline that is already past when the use case is filed."),
    defaultCurrency: z
      .string()
      .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as EUR")
      .default("EUR")
      .describe("Currency assumed for a benefit typed without one (e.g. `250,000`)."),
    maxPlantLabels: z.number().int().min(0).max(50).default(10).describe("At most this many plant/<x> labels per use case."),
  })
  .strict()
  .prefault({});

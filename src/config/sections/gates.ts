import { z } from "zod";

/**
 * Governance gate settings (issue 3). Owned by the gates module (src/domain/gates, src/handlers/gates.ts).
 *
 * A gate is passed by adding its label. Converge checks who added it (teams and/or users named here), that every
 * earlier non-optional gate is passed, and that the gate's requirements hold; otherwise it removes the label again.
 */

// GitHub label names are one line; a line break would also end the inline code Converge shows the label in (a
// label "x\n\n@everyone" would then ping everyone).
const labelName = z.string().min(1).max(50).regex(/^[^\r\n]*$/, { error: "a label name must be one line" });

/** A GitHub login: letters, digits and single hyphens, at most 39 characters; bots end in `[bot]`. A leading `@` is allowed. */
const login = z
  .string()
  .regex(/^@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/, "must be a GitHub login such as octocat or my-app[bot]")
  .transform((value) => value.replace(/^@/, ""));

/** `@org/team`, `org/team` or a bare `team` slug (a team in the organization that owns the repository). */
const teamRef = z
  .string()
  .regex(
    /^@?(?:[A-Za-z0-9][A-Za-z0-9-]*\/)?[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    "must be a team as @org/team-slug, org/team-slug or team-slug (in the repository's organization)",
  )
  .transform((value) => value.replace(/^@/, ""));

export const approversSchema = z
  .object({
    teams: z
      .array(teamRef)
      .default([])
      .describe("Organization teams whose active members may pass this gate: @org/team-slug, or team-slug for the repository's own org."),
    users: z.array(login).default([]).describe("Individual GitHub users who may pass this gate."),
  })
  .strict()
  .prefault({});

const fieldId = z.string().regex(/^[A-Za-z0-9_-]+$/, "must be an issue-form field id (letters, digits, - and _)");

export const requirementsSchema = z
  .object({
    fields: z
      .array(fieldId)
      .default([])
      .describe("Use-case form fields (by id) that must be present and valid before this gate can be passed."),
    formValid: z
      .boolean()
      .default(false)
      .describe("Intake must accept the use case as it is now: every form field complete and valid, and every referenced business initiative an existing initiative (intake's own verdict)."),
    acceptanceCriteriaTicked: z
      .boolean()
      .default(false)
      .describe("Every box of the acceptance-criteria checklist must be ticked."),
    architectAssigned: z
      .boolean()
      .default(false)
      .describe("An IT/OT architect (see gates.architects) must be assigned to the use case."),
    linkedPullRequestMerged: z
      .boolean()
      .default(false)
      .describe("At least one pull request that references the use case must be merged."),
    deployment: z
      .object({
        environment: z
          .string()
          .min(1)
          .describe("Environment name pattern; `*` matches any run of characters (e.g. `prod*`). Case-insensitive."),
      })
      .strict()
      .optional()
      .describe(
        "A successful deployment to a matching environment, created at or after the merge of a linked pull request.",
      ),
  })
  .strict()
  .prefault({});

const gateId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "must be lowercase letters, digits and hyphens (e.g. architecture)");

export const gateSchema = z
  .object({
    id: gateId.describe("Stable id used in /gate commands, the audit trail and requiredBeforeMerge."),
    name: z.string().min(1).max(60).describe("Human-readable gate name shown in the status comment."),
    label: labelName.describe("The label that marks this gate as passed (e.g. gate/3-architecture)."),
    approvers: approversSchema.describe("Who may pass this gate."),
    requirements: requirementsSchema.describe("What must hold before this gate can be passed."),
    optional: z.boolean().default(false).describe("An optional gate never blocks later gates."),
    optionalFor: z
      .array(z.string().min(1).max(50))
      .default([])
      .describe("Value streams (the value-stream/<name> label) for which this gate is optional."),
  })
  .strict();

export type GateConfig = z.infer<typeof gateSchema>;
export type Approvers = z.infer<typeof approversSchema>;
export type GateRequirements = z.infer<typeof requirementsSchema>;

type GateInput = z.input<typeof gateSchema>;

/** The default pipeline: intake → feasibility → IT/OT architecture review → security → MVP → business sign-off → deployed. */
export const DEFAULT_PIPELINE: GateInput[] = [
  {
    id: "intake",
    name: "Intake",
    label: "gate/1-intake",
    approvers: { teams: ["transformation-office"] },
    requirements: { formValid: true },
  },
  {
    id: "feasibility",
    name: "Feasibility",
    label: "gate/2-feasibility",
    approvers: { teams: ["itot-architects", "transformation-office"] },
    requirements: { fields: ["acceptance-criteria", "deadline", "benefit"] },
  },
  {
    id: "architecture",
    name: "IT/OT architecture review",
    label: "gate/3-architecture",
    approvers: { teams: ["itot-architects"] },
    requirements: { architectAssigned: true },
  },
  {
    id: "security",
    name: "Security review",
    label: "gate/4-security",
    approvers: { teams: ["ot-security"] },
  },
  {
    id: "mvp",
    name: "MVP (demo-ready)",
    label: "gate/5-mvp",
    approvers: { teams: ["transformation-office"] },
    requirements: { linkedPullRequestMerged: true },
  },
  {
    id: "business-signoff",
    name: "Business sign-off",
    label: "gate/6-business-signoff",
    approvers: { teams: ["business-owners"] },
    requirements: { acceptanceCriteriaTicked: true },
  },
  {
    id: "deployed",
    name: "Deployed",
    label: "gate/7-deployed",
    approvers: { teams: ["transformation-office"] },
    requirements: { deployment: { environment: "prod*" } },
  },
];

export const gatesSection = z
  .object({
    enabled: z.boolean().default(true).describe("Enforce governance gates on use cases."),
    pipeline: z
      .array(gateSchema)
      .min(1)
      .max(20)
      .prefault(() => structuredClone(DEFAULT_PIPELINE))
      .describe("The gates, in order. Replacing the list replaces the whole default pipeline."),
    requiredBeforeMerge: gateId
      .nullable()
      .default("architecture")
      .describe(
        "Gate id a use case must have passed before a pull request referencing it may merge (check run \"Converge governance\"); null turns the check off.",
      ),
    architects: approversSchema
      .prefault({ teams: ["itot-architects"] })
      .describe("Who counts as an IT/OT architect for the architectAssigned requirement."),
    bots: z
      .array(login)
      .default([])
      .describe("Bot accounts allowed to pass gates (they still need to be approvers of the gate). Other bots never pass a gate."),
    reopenOnEarlyClose: z
      .boolean()
      .default(true)
      .describe("Reopen a use case closed as completed before its final gate was passed, with an explanation."),
    reopenOnScopeChange: z
      .boolean()
      .default(false)
      .describe("When scope changes after a gate was passed, remove that gate's label (re-approval needed) instead of only flagging it."),
    scopeFields: z
      .array(fieldId)
      .default(["acceptance-criteria", "deadline", "benefit"])
      .describe("Form fields whose edit counts as a scope change."),
  })
  .strict()
  .superRefine((value, ctx) => {
    const ids = new Set<string>();
    const labels = new Set<string>();
    value.pipeline.forEach((gate, index) => {
      if (ids.has(gate.id)) ctx.addIssue({ code: "custom", path: ["pipeline", index, "id"], message: `duplicate gate id "${gate.id}"` });
      ids.add(gate.id);
      const label = gate.label.toLowerCase();
      if (labels.has(label)) {
        ctx.addIssue({ code: "custom", path: ["pipeline", index, "label"], message: `duplicate gate label "${gate.label}"` });
      }
      labels.add(label);
      if (gate.approvers.teams.length === 0 && gate.approvers.users.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["pipeline", index, "approvers"],
          message: `gate "${gate.id}" has no approvers: name at least one team or user`,
        });
      }
    });
    if (value.requiredBeforeMerge !== null && !ids.has(value.requiredBeforeMerge)) {
      ctx.addIssue({
        code: "custom",
        path: ["requiredBeforeMerge"],
        message: `"${value.requiredBeforeMerge}" is not a gate id in the pipeline (${[...ids].join(", ")})`,
      });
    }
  })
  .prefault({});

export type GatesConfig = z.infer<typeof gatesSection>;

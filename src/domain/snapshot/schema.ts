import { z } from "zod";

/**
 * The portfolio snapshot (issue 4): everything the weekly rollup needs, as one versioned JSON document.
 * The report is a pure function of (snapshot, now, config, seed). Later issues fill it from GitHub; the demo ships one.
 *
 * Conventions
 * - Timestamps are ISO 8601 date-times with an offset (`2026-11-23T09:00:00Z`); calendar days are `YYYY-MM-DD`.
 * - Issue ids are `owner/repo#number`.
 * - Money is `{ amount, currency }` with an ISO 4217 code; conversion to the reporting currency happens in benefits/.
 * - No transforms: the parsed value is the JSON value, so `docs/snapshot.schema.json` describes it exactly.
 */

export const SNAPSHOT_SCHEMA_VERSION = 1 as const;

const required = (what: string) => (iss: { input?: unknown }) => (iss.input === undefined ? "required" : what);

export const isoDateTime = z.iso
  .datetime({ offset: true, error: required("expected an ISO date-time like 2026-11-23T09:00:00Z") })
  .describe("ISO 8601 date-time with offset, e.g. 2026-11-23T09:00:00Z");
export const isoDate = z.iso
  .date({ error: required("expected a date like 2027-03-31") })
  .describe("Calendar day, YYYY-MM-DD");

export const ISSUE_ID_PATTERN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+#[1-9][0-9]*$/;
const issueId = z
  .string({ error: required("expected a string") })
  .regex(ISSUE_ID_PATTERN, { error: 'expected an issue id like "owner/repo#12"' })
  .describe('Issue id "owner/repo#number"');
export const REPO_PATTERN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const repoName = z
  .string({ error: required("expected a string") })
  .regex(REPO_PATTERN, { error: 'expected a repository like "owner/repo"' })
  .describe('Repository "owner/repo"');
const nonEmpty = z.string({ error: required("expected a string") }).min(1, { error: "must not be empty" });
/** An http(s) link (issue or repository page). Other schemes (javascript:, data:) are refused: reports render it. */
const httpUrl = z.url({ protocol: z.regexes.httpProtocol, error: required("expected an http(s) URL") });
const login = z.string({ error: required("expected a string") }).min(1).describe("GitHub login (no @)");

export const CURRENCY_PATTERN = /^[A-Z]{3}$/;
export const currencyCode = z
  .string({ error: required("expected a currency code") })
  .regex(CURRENCY_PATTERN, { error: 'expected a 3-letter currency code like "EUR"' })
  .describe("ISO 4217 currency code");

export const moneySchema = z
  .object({
    amount: z.number({ error: required("expected a number") }).describe("Amount in `currency` (a yearly amount for planned benefits)"),
    currency: currencyCode,
  })
  .strict();

export const squadSchema = z
  .object({
    id: nonEmpty.describe("Stable squad id, referenced by use cases and stories"),
    name: nonEmpty,
    members: z.array(login).optional(),
  })
  .strict();

export const storySchema = z
  .object({
    id: nonEmpty.describe('User-story id, usually "owner/repo#n"'),
    title: z.string().optional(),
    squad: nonEmpty.describe("Squad id that delivers this story"),
    openedAt: isoDateTime,
    closedAt: isoDateTime.nullable().describe("When the story was closed as done; null while open"),
    sprint: z.string().optional().describe("Sprint (iteration title or milestone) the story was last planned in"),
  })
  .strict();

export const gateEventSchema = z
  .object({
    gate: nonEmpty.describe("Gate id from governance.pipeline"),
    action: z
      .enum(["passed", "reverted"])
      .describe("passed: the gate label was added (gate passed); reverted: the label was removed (gate no longer passed)"),
    actor: login,
    at: isoDateTime,
  })
  .strict();

export const deploymentStateSchema = z
  .enum(["success", "failure", "error", "inactive", "in_progress", "queued", "pending"])
  .describe("GitHub deployment status state");

export const deploymentSchema = z
  .object({
    environment: nonEmpty,
    state: deploymentStateSchema,
    at: isoDateTime,
  })
  .strict();

/** The issue a use case or an initiative is: the same five fields on both. */
const issueIdentity = {
  id: issueId,
  repo: repoName,
  number: z.number().int().positive(),
  title: z.string(),
  url: httpUrl,
};

export const useCaseSchema = z
  .object({
    ...issueIdentity,
    state: z.enum(["open", "closed"]),
    closedAt: isoDateTime.nullable().optional().describe("When the issue was last closed (null or absent while open)"),
    priority: z.number().int().min(1).describe("1 = highest"),
    valueStream: nonEmpty,
    plants: z.array(nonEmpty),
    layers: z.array(nonEmpty).describe("ISA-95 / architecture layers the use case touches"),
    labels: z.array(z.string()).optional(),
    productOwner: login.optional(),
    architect: login.optional(),
    squad: nonEmpty.describe("Squad id that owns the use case"),
    deadline: isoDate.describe("Deployment deadline"),
    filedAt: isoDateTime,
    acceptanceCriteria: z.array(z.string()),
    expectedBenefit: moneySchema.optional(),
    initiatives: z.array(issueId).describe("Ids of the initiatives this use case enables"),
    stories: z.array(storySchema),
    splitAt: isoDateTime.optional().describe("When the use case was first split into stories"),
    gates: z.array(gateEventSchema).describe("Gate label history (labeled = passed, unlabeled = reverted), in time order"),
    deployments: z.array(deploymentSchema),
    deployedAt: isoDateTime.optional().describe("First successful deployment to production (or the deployed gate)"),
    mvpAt: isoDateTime.optional().describe("When the MVP gate was (last) passed"),
    sprint: z.string().optional().describe("Sprint (iteration title or milestone) the use case itself is planned in, when it is on the board or has a milestone"),
  })
  .strict();

export const realizedBenefitSchema = z
  .object({
    amount: z.number({ error: required("expected a number") }),
    currency: currencyCode,
    asOf: isoDate.describe("Day the benefit was realized by"),
    recordedBy: login,
    recordedAt: isoDateTime,
    source: z
      .string()
      .min(1)
      .optional()
      .describe("The comment that recorded it (id or URL): a redelivered or edited command replaces its record, never adds one"),
  })
  .strict();

export const initiativeSchema = z
  .object({
    ...issueIdentity,
    owner: login.describe("Initiative owner: may record realized benefit"),
    valueStream: nonEmpty,
    plannedBenefit: moneySchema.describe("Planned benefit per year once the enabling use cases are live"),
    benefitMeasure: z.string().optional(),
    baseline: z.string().optional(),
    targetDate: isoDate.optional(),
    realized: z.array(realizedBenefitSchema),
  })
  .strict();

export const DEFAULT_GATE_IDS = ["intake", "feasibility", "architecture", "security", "mvp", "signoff", "deployed"] as const;

export const governanceSchema = z
  .object({
    pipeline: z
      .array(
        z
          .object({
            id: nonEmpty,
            label: nonEmpty.describe("Gate label, e.g. gate/3-architecture"),
            requiredBeforeMerge: z.boolean().optional(),
          })
          .strict(),
      )
      .min(1)
      .describe("Gates in order"),
  })
  .strict();

export const defectSchema = z
  .object({
    id: issueId,
    useCase: issueId.describe("Use case the defect is linked to"),
    openedAt: isoDateTime,
    closedAt: isoDateTime.nullable().optional(),
    title: z.string().optional(),
    labels: z.array(z.string()),
  })
  .strict();

export const deploymentStatusSchema = z
  .object({
    repo: repoName,
    environment: nonEmpty,
    state: deploymentStateSchema,
    at: isoDateTime,
  })
  .strict();

export const coverageReadingSchema = z
  .object({
    repo: repoName,
    at: isoDateTime,
    percent: z.number().min(0).max(100),
    source: z.string().optional().describe("Check run or commit status the reading was parsed from"),
  })
  .strict();

export const kpiInputsSchema = z
  .object({
    defects: z.array(defectSchema),
    deploymentStatuses: z.array(deploymentStatusSchema),
    coverage: z.array(coverageReadingSchema),
  })
  .strict();

export const sprintSchema = z
  .object({
    title: nonEmpty.describe("Iteration title or milestone title"),
    start: isoDate.describe("First day (iterations: startDate; milestones: due day − sprints.milestoneLengthDays + 1)"),
    end: isoDate.describe("Last day (iterations: startDate + duration − 1; milestones: the due day in US-Pacific time, as GitHub stores it)"),
  })
  .strict();

export const carryOverSchema = z
  .object({
    story: nonEmpty.describe("Story id"),
    useCase: issueId,
    squad: nonEmpty,
    from: nonEmpty.describe("The sprint the story was planned in and did not finish"),
    to: z.string().nullable().describe("The sprint it moved to (null: still planned in a sprint that has ended)"),
    at: isoDateTime.optional().describe("When it moved (milestones: from the MILESTONED/DEMILESTONED timeline events)"),
  })
  .strict();

export const sprintsSnapshotSchema = z
  .object({
    source: z.enum(["iteration", "milestone"]),
    list: z.array(sprintSchema).describe("Every sprint a story or use case is or was planned in, by start day"),
    carryOver: z
      .array(carryOverSchema)
      .describe("Stories that moved to a later sprint unfinished, or sit unfinished in an ended sprint: suggestions, never forced"),
  })
  .strict();

export const completenessSchema = z
  .object({
    omitted: z
      .array(
        z
          .object({
            id: z.string().optional().describe("Issue id, when one issue was left out"),
            reason: nonEmpty,
          })
          .strict(),
      )
      .describe("What the fetch from GitHub left out, and why (the report says so)"),
  })
  .strict();

/**
 * The previous report's summary, embedded in last week's report. The report module owns its exact schema
 * (src/domain/report/summary.ts); here it is accepted as any JSON object and validated by the report module.
 */
export const previousReportPlaceholder = z.record(z.string(), z.unknown()).describe("Summary embedded by last week's report");

export const portfolioSnapshotSchema = z
  .object({
    $schema: z.string().optional(),
    schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION, { error: `expected schemaVersion ${SNAPSHOT_SCHEMA_VERSION}` }),
    generatedAt: isoDateTime,
    program: z
      .object({
        name: nonEmpty,
        reportingCurrency: currencyCode.describe("Reporting currency the snapshot was built for (config report.reportingCurrency wins)"),
        rates: z
          .record(currencyCode, z.number().positive())
          .optional()
          .describe("Conversion rates into the reporting currency known when the snapshot was built (config report.rates win)"),
      })
      .strict(),
    squads: z.array(squadSchema),
    useCases: z.array(useCaseSchema),
    initiatives: z.array(initiativeSchema),
    governance: governanceSchema,
    kpiInputs: kpiInputsSchema,
    previousReport: previousReportPlaceholder.optional(),
    sprints: sprintsSnapshotSchema.optional().describe("Sprint model and carry-over, when the snapshot was fetched from GitHub"),
    completeness: completenessSchema.optional().describe("Present when the fetch from GitHub could not include everything"),
  })
  .strict()
  .superRefine((snapshot, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const duplicates = (items: { id: string }[], key: string) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        if (seen.has(item.id)) issue([key, i, "id"], `duplicate id "${item.id}"`);
        seen.add(item.id);
      });
      return seen;
    };
    const squads = duplicates(snapshot.squads, "squads");
    const initiatives = duplicates(snapshot.initiatives, "initiatives");
    const useCases = duplicates(snapshot.useCases, "useCases");
    const gates = new Set(snapshot.governance.pipeline.map((g) => g.id));
    snapshot.governance.pipeline.forEach((g, i) => {
      if (snapshot.governance.pipeline.findIndex((o) => o.id === g.id) !== i) issue(["governance", "pipeline", i, "id"], `duplicate gate "${g.id}"`);
    });
    snapshot.useCases.forEach((u, i) => {
      if (u.id !== `${u.repo}#${u.number}`) issue(["useCases", i, "id"], `expected "${u.repo}#${u.number}" (repo#number)`);
      if (!squads.has(u.squad)) issue(["useCases", i, "squad"], `unknown squad "${u.squad}"`);
      u.initiatives.forEach((ref, j) => {
        if (!initiatives.has(ref)) issue(["useCases", i, "initiatives", j], `unknown initiative "${ref}"`);
      });
      u.stories.forEach((s, j) => {
        if (!squads.has(s.squad)) issue(["useCases", i, "stories", j, "squad"], `unknown squad "${s.squad}"`);
        if (s.closedAt !== null && Date.parse(s.closedAt) < Date.parse(s.openedAt)) {
          issue(["useCases", i, "stories", j, "closedAt"], "closed before it was opened");
        }
      });
      u.gates.forEach((g, j) => {
        if (!gates.has(g.gate)) issue(["useCases", i, "gates", j, "gate"], `unknown gate "${g.gate}" (not in governance.pipeline)`);
      });
    });
    snapshot.initiatives.forEach((ini, i) => {
      if (ini.id !== `${ini.repo}#${ini.number}`) issue(["initiatives", i, "id"], `expected "${ini.repo}#${ini.number}" (repo#number)`);
    });
    snapshot.kpiInputs.defects.forEach((d, i) => {
      if (!useCases.has(d.useCase)) issue(["kpiInputs", "defects", i, "useCase"], `unknown use case "${d.useCase}"`);
    });
  });

export type PortfolioSnapshot = z.infer<typeof portfolioSnapshotSchema>;
export type Squad = z.infer<typeof squadSchema>;
export type UseCase = z.infer<typeof useCaseSchema>;
export type Story = z.infer<typeof storySchema>;
export type GateEvent = z.infer<typeof gateEventSchema>;
export type Deployment = z.infer<typeof deploymentSchema>;
export type DeploymentState = z.infer<typeof deploymentStateSchema>;
export type Initiative = z.infer<typeof initiativeSchema>;
export type RealizedBenefit = z.infer<typeof realizedBenefitSchema>;
export type Money = z.infer<typeof moneySchema>;
export type Defect = z.infer<typeof defectSchema>;
export type DeploymentStatus = z.infer<typeof deploymentStatusSchema>;
export type CoverageReading = z.infer<typeof coverageReadingSchema>;
export type KpiInputs = z.infer<typeof kpiInputsSchema>;
export type Governance = z.infer<typeof governanceSchema>;
export type Sprint = z.infer<typeof sprintSchema>;
export type CarryOver = z.infer<typeof carryOverSchema>;
export type SprintsSnapshot = z.infer<typeof sprintsSnapshotSchema>;
export type Completeness = z.infer<typeof completenessSchema>;

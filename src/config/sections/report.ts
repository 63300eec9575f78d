import { z } from "zod";

/** Report, benefits and KPI settings (issue 4). Owned by the report module (benefits, KPIs, rendering). */

const currencyCode = z.string().regex(/^[A-Z]{3}$/, { error: 'expected a 3-letter currency code like "EUR"' });

/** A regular expression given as a string; checked to compile. */
const pattern = (what: string) =>
  z
    .string()
    .min(1)
    .refine(
      (source) => {
        try {
          new RegExp(source, "i");
          return true;
        } catch {
          return false;
        }
      },
      { error: `not a valid regular expression (${what})` },
    );

export const reportSection = z
  .object({
    reportingCurrency: currencyCode
      .default("EUR")
      .describe("Currency every benefit is reported in. Amounts in other currencies are converted with `rates`."),
    rates: z
      .record(currencyCode, z.number().positive())
      .default({})
      .describe(
        "Conversion rates into the reporting currency: 1 unit of the key currency = this many units of the reporting currency (e.g. { USD: 0.92 } when reporting in EUR). An amount in a currency with no rate is reported as a problem, never guessed.",
      ),
    officeTeam: z
      .string()
      .regex(/^@?[A-Za-z0-9-]+\/[A-Za-z0-9_.-]+$/, { error: 'expected an org team like "@acme/transformation-office"' })
      .optional()
      .describe("Org team (\"@org/team-slug\") of the transformation office: its members may record realized benefit for any initiative."),
    productionEnvironmentPattern: pattern("productionEnvironmentPattern")
      .default("^(prod|production)([-_/ ].*)?$")
      .describe("Case-insensitive regular expression for production-like deployment environments (change failure rate)."),
    defectLabel: z
      .string()
      .min(1)
      .max(50)
      .default("defect")
      .describe("Label that marks an issue as a defect (escaped defects: linked to a use case, opened after it deployed)."),
    mvpTargetDays: z.number().int().min(1).max(3650).default(90).describe("Target for time to MVP (intake gate to MVP gate), in days."),
    stuckGateDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(21)
      .describe("A use case waiting for the same gate longer than this many days is listed as stuck."),
    coverage: z
      .object({
        checkName: z
          .string()
          .min(1)
          .default("coverage")
          .describe("Check run name or commit status context on the default branch that carries the coverage figure."),
        pattern: pattern("coverage.pattern")
          .default("(\\d+(?:\\.\\d+)?)\\s*%")
          .describe("Regular expression whose first capture group is the coverage percentage in the check's title, summary or description."),
        minimumPercent: z
          .number()
          .min(0)
          .max(100)
          .default(80)
          .describe("Repositories whose latest coverage is below this are flagged."),
      })
      .strict()
      .prefault({})
      .describe("Where test coverage readings come from."),
    kpiWindowDays: z
      .number()
      .int()
      .min(7)
      .max(730)
      .default(90)
      .describe("Escaped defects and the change failure rate count the last this many days."),
    trendTolerance: z
      .number()
      .min(0)
      .max(1)
      .default(0.02)
      .describe("A KPI that moved by less than this fraction of its previous value is shown as flat (→)."),
  })
  .strict()
  .prefault({});

export type ReportConfig = z.infer<typeof reportSection>;

import { z } from "zod";
import { intakeSection } from "./sections/intake.js";
import { gatesSection } from "./sections/gates.js";
import { forecastSection } from "./sections/forecast.js";
import { reportSection } from "./sections/report.js";
import { deliverySection } from "./sections/delivery.js";
import { boardSection, sprintsSection, squadsSection } from "./sections/portfolio.js";
import { storiesSection } from "./sections/stories.js";
import { templatesSection } from "./sections/templates.js";

/**
 * The one config schema (roadmap: "One config schema drives validation, defaults, the JSON Schema and the docs").
 * Each section is owned by the module that uses it; this file only composes them.
 * `_extends` is consumed by Probot's context.config before validation, so it is allowed but ignored here.
 */
export const configSchema = z
  .object({
    $schema: z.string().optional(),
    _extends: z.string().optional(),
    intake: intakeSection,
    gates: gatesSection,
    forecast: forecastSection,
    report: reportSection,
    squads: squadsSection,
    sprints: sprintsSection,
    board: boardSection,
    delivery: deliverySection,
    stories: storiesSection,
    templates: templatesSection,
  })
  .strict();

export type ConvergeConfig = z.infer<typeof configSchema>;
export type ConvergeConfigInput = z.input<typeof configSchema>;

export function defaultConfig(): ConvergeConfig {
  return configSchema.parse({});
}

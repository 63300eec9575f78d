import type { SprintsConfig } from "../../config/sections/portfolio.js";
import type { UseCaseStatus } from "../report/model.js";
import type { OwnedFieldSpec, SelectColor } from "./types.js";

/** Names of the fields Converge owns on the program board (docs/board.md). */
export const FIELD = {
  gate: "Gate",
  valueStream: "Value stream",
  deadline: "Deadline",
  plannedBenefit: "Planned benefit",
  initiatives: "Initiatives",
  sprint: "Sprint",
  forecastP85: "Forecast P85",
  risk: "Risk",
  statusSince: "Status since",
  statusHistory: "Status history",
} as const;

/** Risk options, one per forecast status of the weekly report, in severity order. */
export const RISK_OPTIONS: ReadonlyArray<{ status: UseCaseStatus; name: string; color: SelectColor }> = [
  { status: "overdue", name: "Overdue", color: "RED" },
  { status: "off_track", name: "Off track", color: "ORANGE" },
  { status: "at_risk", name: "At risk", color: "YELLOW" },
  { status: "on_track", name: "On track", color: "GREEN" },
  { status: "no_forecast", name: "No forecast", color: "GRAY" },
  { status: "deployed", name: "Deployed", color: "BLUE" },
];

export function riskName(status: UseCaseStatus): string {
  return RISK_OPTIONS.find((o) => o.status === status)?.name ?? "No forecast";
}

/**
 * Every field Converge owns, for a gate pipeline and a sprint model (ADR 0110). With iteration sprints the squads plan
 * on the board's own iteration field (sprints.iterationField): that field is theirs, Converge reads it and never
 * writes it, so it is not listed here. With milestone sprints the board gets a Converge text field "Sprint" that
 * mirrors each issue's sprint milestone.
 */
export function ownedFieldSpecs(pipeline: readonly string[], sprints: SprintsConfig): OwnedFieldSpec[] {
  const specs: OwnedFieldSpec[] = [
    {
      name: FIELD.gate,
      dataType: "SINGLE_SELECT",
      options: pipeline.map((gate) => ({ name: gate, color: "PURPLE" as const, description: `Last gate passed: ${gate}` })),
    },
    { name: FIELD.valueStream, dataType: "TEXT" },
    { name: FIELD.deadline, dataType: "DATE" },
    { name: FIELD.plannedBenefit, dataType: "NUMBER" },
    { name: FIELD.initiatives, dataType: "TEXT" },
  ];
  // With iteration sprints the iteration field may itself be called "Sprint": then it is the squads' field.
  if (sprints.source === "milestone") specs.push({ name: FIELD.sprint, dataType: "TEXT" });
  specs.push(
    { name: FIELD.forecastP85, dataType: "DATE" },
    {
      name: FIELD.risk,
      dataType: "SINGLE_SELECT",
      options: RISK_OPTIONS.map((o) => ({ name: o.name, color: o.color, description: `Weekly forecast: ${o.name.toLowerCase()}` })),
    },
    { name: FIELD.statusSince, dataType: "DATE", recorded: true },
    { name: FIELD.statusHistory, dataType: "TEXT", recorded: true },
  );
  return specs;
}

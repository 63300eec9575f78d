import type { ConvergeConfig } from "../../config/schema.js";

/** A label Converge relies on, as `converge init` creates it. Colours are 6 hex digits without `#` (GitHub's form). */
export interface LabelSpec {
  name: string;
  color: string;
  description: string;
}

export interface ExistingLabel {
  name: string;
  color: string;
  description: string | null;
}

export interface LabelPlan {
  create: LabelSpec[];
  /** `current` is the name as GitHub has it (label names compare case-insensitively). */
  update: Array<LabelSpec & { current: string }>;
}

// GitHub caps a label description at 100 characters.
const clip = (text: string) => (text.length <= 100 ? text : `${text.slice(0, 99)}…`);

/**
 * The labels Converge reads and writes, named as the config names them. Value-stream, layer and plant labels are not
 * listed: Converge creates those on demand from the form's answers. Gates share one colour family, darker as they go.
 */
export function convergeLabels(config: ConvergeConfig): LabelSpec[] {
  const { labels } = config.intake;
  const gateColors = ["c5def5", "a2c4f0", "7fa9ea", "5c8fe3", "3a74dc", "1f5fc9", "1a4fa8", "163f87"];
  return [
    { name: labels.useCase, color: "0e8a16", description: "A use case, filed with the Use case form (Converge)" },
    { name: labels.initiative, color: "5319e7", description: "A business initiative that use cases enable (Converge)" },
    { name: labels.userStory, color: "fbca04", description: "A user story a squad delivers for a use case (Converge)" },
    { name: labels.needsInfo, color: "d93f0b", description: "Converge found problems in the form: see its status comment" },
    ...config.gates.pipeline.map((gate, index) => ({
      name: gate.label,
      color: gateColors[Math.min(index, gateColors.length - 1)]!,
      description: clip(`Gate ${index + 1}: ${gate.name} passed${gate.optional ? " (optional)" : ""}; only its approvers may add it (Converge)`),
    })),
  ];
}

/**
 * What to create and what to correct so that every Converge label exists with its colour and description. A label
 * that exists with another colour or description is updated (Converge owns these labels); extra labels are left alone.
 */
export function planLabels(wanted: LabelSpec[], existing: ExistingLabel[]): LabelPlan {
  const byName = new Map(existing.map((l) => [l.name.toLowerCase(), l]));
  const plan: LabelPlan = { create: [], update: [] };
  for (const spec of wanted) {
    const have = byName.get(spec.name.toLowerCase());
    if (!have) plan.create.push(spec);
    else if (have.color.toLowerCase() !== spec.color || (have.description ?? "") !== spec.description || have.name !== spec.name) {
      plan.update.push({ ...spec, current: have.name });
    }
  }
  return plan;
}

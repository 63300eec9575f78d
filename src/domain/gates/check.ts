import { escapeInline } from "../markdown/escape.js";
import { mergeGateStatus } from "./evaluate.js";
import { passedGateIds, type GatesConfig } from "./model.js";
import type { UseCaseRef } from "./pr-references.js";

export const CHECK_NAME = "Converge governance";

/** What the GitHub layer learned about one referenced use case. */
export type UseCaseState =
  | { ref: UseCaseRef; found: true; title: string; labels: readonly string[]; isPullRequest?: boolean }
  | { ref: UseCaseRef; found: false; error: string };

export interface CheckOutcome {
  conclusion: "success" | "failure";
  title: string;
  summary: string;
}

function name(ref: UseCaseRef, current: { owner: string; repo: string }): string {
  const same = ref.owner.toLowerCase() === current.owner.toLowerCase() && ref.repo.toLowerCase() === current.repo.toLowerCase();
  return same ? `#${ref.number}` : `${ref.owner}/${ref.repo}#${ref.number}`;
}

/**
 * The "Converge governance" check of a pull request: success only when every use case it references has passed the
 * gate required before merge. A use case that could not be read fails the check (fail safe) with the reason.
 */
export function evaluateMergeCheck(input: {
  config: GatesConfig;
  useCases: readonly UseCaseState[];
  current: { owner: string; repo: string };
}): CheckOutcome | undefined {
  const { config, useCases, current } = input;
  if (useCases.length === 0) return undefined;
  const lines: string[] = [];
  let blocked = 0;
  let gateName = "";
  for (const useCase of useCases) {
    const label = name(useCase.ref, current);
    if (!useCase.found) {
      blocked += 1;
      lines.push(`- ❌ ${label}: could not be read (${escapeInline(useCase.error)}), so Converge cannot confirm its gates.`);
      continue;
    }
    if (useCase.isPullRequest) {
      blocked += 1;
      lines.push(`- ❌ ${label} is a pull request, not a use case.`);
      continue;
    }
    const status = mergeGateStatus(config, passedGateIds(config, useCase.labels));
    if (!status.required) return undefined;
    gateName = status.gate.name;
    if (status.passed) {
      lines.push(`- ✅ ${label} ${escapeInline(useCase.title)}: passed ${escapeInline(status.gate.name)} (\`${status.gate.label}\`).`);
    } else {
      blocked += 1;
      lines.push(
        `- ❌ ${label} ${escapeInline(useCase.title)}: has not passed ${escapeInline(status.gate.name)} (\`${status.gate.label}\`) yet.`,
      );
    }
  }
  if (blocked === 0) {
    return { conclusion: "success", title: `${gateName || "Required gate"} passed`, summary: lines.join("\n") };
  }
  const what = gateName ? `${gateName} not passed` : "use case not verified";
  return {
    conclusion: "failure",
    title: `${what} (${blocked} of ${useCases.length} use case${useCases.length === 1 ? "" : "s"})`,
    summary: [
      "This pull request may merge once every use case it references has passed the gate the config requires before merge.",
      "",
      ...lines,
      "",
      "The check updates by itself when the gate changes; no new push is needed.",
    ].join("\n"),
  };
}

export function noUseCaseOutcome(): CheckOutcome {
  return {
    conclusion: "success",
    title: "No use case referenced",
    summary: "This pull request references no use case (`Closes #N` or `Use case: #N` in its description), so no gate applies.",
  };
}

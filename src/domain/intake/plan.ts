import type { ConvergeConfig } from "../../config/schema.js";
import type { FormTemplate } from "../forms/template.js";
import { parseIssueBody } from "../forms/parse-body.js";
import { validateForm, type Problem } from "../forms/validate.js";
import type { StatusSection } from "../status/comment-body.js";
import { formatReference, referenceKey, type IssueReference } from "../values/references.js";
import { planLabels, type LabelChange } from "./labels.js";
import { asPartialUseCase, type PartialUseCase } from "./use-case.js";
import { linkedUseCase, updateInitiativeComment, type InitiativeLookup } from "./initiatives.js";
import { renderProblems, renderSummaryCard } from "./status-card.js";

/**
 * Intake as two pure steps around one batched lookup:
 *   analyzeUseCase (parse + validate the body)  →  [GitHub: look up the referenced initiatives]  →  planIntake
 * The handler, the CLI and the demo all run these same functions.
 */

export const INTAKE_SECTION = { id: "intake", order: 10 } as const;

export interface UseCaseIssue {
  owner: string;
  repo: string;
  number: number;
  title: string;
  /** ISO time the issue was filed: deadlines must be later than this. */
  createdAt: string;
  labels: string[];
  body: string | null;
}

export interface Analysis {
  useCase: PartialUseCase;
  record: Record<string, unknown>;
  problems: Problem[];
  references: IssueReference[];
}

export function analyzeUseCase(template: FormTemplate, issue: UseCaseIssue, config: ConvergeConfig): Analysis {
  const parsed = parseIssueBody(template, issue.body);
  const { record, problems } = validateForm(template, parsed, {
    owner: issue.owner,
    repo: issue.repo,
    filedAt: new Date(issue.createdAt),
    requireFutureDate: config.intake.requireFutureDeadline,
    defaultCurrency: config.intake.defaultCurrency,
  });
  const useCase = asPartialUseCase(record);
  return { useCase, record, problems, references: useCase.initiatives ?? [] };
}

/** Hidden state Converge keeps in its status section: which initiatives it has listed this use case on. */
export interface IntakeState {
  valid: boolean;
  links: string[];
}

export function readIntakeState(state: unknown): IntakeState {
  if (state && typeof state === "object" && Array.isArray((state as IntakeState).links)) {
    const links = (state as IntakeState).links.filter((l): l is string => typeof l === "string");
    return { valid: (state as IntakeState).valid === true, links };
  }
  return { valid: false, links: [] };
}

export interface InitiativeWrite {
  ref: IssueReference;
  commentId: number | undefined;
  body: string;
}

export interface IntakePlan {
  problems: Problem[];
  labels: LabelChange;
  section: StatusSection;
  initiativeWrites: InitiativeWrite[];
  linked: InitiativeLookup[];
}

export function initiativeProblem(template: FormTemplate, lookup: InitiativeLookup, initiativeLabel: string): Problem | undefined {
  const field = template.fields.find((f) => f.id === "initiatives");
  const label = field?.label ?? "Business initiatives enabled";
  const ref = formatReference(lookup.ref);
  if (!lookup.found) {
    return { field: "initiatives", label, message: `${ref} does not exist, or Converge is not installed on its repository.`, example: "#12" };
  }
  if (!lookup.isInitiative) {
    return { field: "initiatives", label, message: `${ref} is not a business initiative (it has no "${initiativeLabel}" label). File it with the business-initiative form or add the label.`, example: "#12" };
  }
  return undefined;
}

export function planIntake(
  template: FormTemplate,
  issue: UseCaseIssue,
  analysis: Analysis,
  lookups: InitiativeLookup[],
  previous: IntakeState,
  config: ConvergeConfig,
): IntakePlan {
  const byKey = new Map(lookups.map((l) => [referenceKey(l.ref), l]));
  const current = analysis.references.map((ref) => byKey.get(referenceKey(ref)) ?? { ref, found: false, isInitiative: false });
  const linkProblems = current.map((l) => initiativeProblem(template, l, config.intake.labels.initiative)).filter((p): p is Problem => !!p);
  const problems = [...analysis.problems, ...linkProblems];
  const linked = current.filter((l) => l.found && l.isInitiative);
  const valid = problems.length === 0;

  const self = linkedUseCase({ owner: issue.owner, repo: issue.repo, number: issue.number }, issue.title, valid);
  const writes: InitiativeWrite[] = [];
  for (const initiative of linked) {
    const body = updateInitiativeComment(initiative.comment?.body, self, true);
    if (body !== undefined) writes.push({ ref: initiative.ref, commentId: initiative.comment?.id, body });
  }
  const linkedKeys = new Set(linked.map((l) => referenceKey(l.ref)));
  for (const key of previous.links) {
    if (linkedKeys.has(key)) continue;
    const gone = byKey.get(key);
    if (!gone?.comment) continue; // nothing of ours to update there
    const body = updateInitiativeComment(gone.comment.body, self, false);
    if (body !== undefined) writes.push({ ref: gone.ref, commentId: gone.comment.id, body });
  }

  const body = valid ? renderSummaryCard(template, analysis.useCase, linked) : renderProblems(problems);
  const state: IntakeState = { valid, links: [...linkedKeys].sort() };
  return {
    problems,
    labels: planLabels(issue.labels, analysis.useCase, !valid, config.intake),
    section: { ...INTAKE_SECTION, body, state },
    initiativeWrites: writes,
    linked,
  };
}

/** Every initiative the lookup must cover: the ones named now and the ones listed before (to unlink). */
export function referencesToLookUp(analysis: Analysis, previous: IntakeState): IssueReference[] {
  const all = new Map(analysis.references.map((r) => [referenceKey(r), r]));
  for (const key of previous.links) {
    const match = /^([^/]+)\/([^#]+)#(\d+)$/.exec(key);
    if (match?.[1] && match[2] && match[3] && !all.has(key)) all.set(key, { owner: match[1], repo: match[2], number: Number(match[3]) });
  }
  return [...all.values()];
}

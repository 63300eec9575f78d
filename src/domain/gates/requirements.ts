import { escapeCode } from "../markdown/escape.js";
import type { GateConfig } from "./model.js";

/**
 * Facts about a use case that gate requirements are checked against. The GitHub layer gathers only the facts the
 * gate needs; a fact left undefined means "could not be determined", which never satisfies a requirement.
 */
export interface RequirementFacts {
  /**
   * The parsed use-case form: each field by id, and intake's verdict on the live issue as Markdown lines (the same
   * lines the intake section shows, initiative references included). No lines means intake accepts the use case.
   */
  form?: {
    problems: readonly string[];
    fields: Readonly<Record<string, { present: boolean; problem?: string }>>;
  };
  /** The acceptance-criteria checklist: how many boxes, how many ticked. */
  acceptanceCriteria?: { total: number; ticked: number };
  /** Whether an IT/OT architect is assigned; "unknown" when a team lookup for an assignee failed. */
  architectAssigned?: boolean | "unknown";
  /** Pull requests that reference the use case and are merged. */
  mergedPullRequests?: ReadonlyArray<{ number: number; mergedAt: string }>;
  /** Deployments of the repository with their latest status. */
  deployments?: ReadonlyArray<{ environment: string; state: string; createdAt: string }>;
}

export interface RequirementProblem {
  requirement: "fields" | "formValid" | "acceptanceCriteriaTicked" | "architectAssigned" | "linkedPullRequestMerged" | "deployment";
  /** Plain text (no user input other than what the config names), ready to be shown. */
  message: string;
  /** True when the requirement could not be checked (as opposed to checked and unmet). */
  unverified?: boolean;
  /** Markdown lines listed under the message (already escaped): intake's problems, worded as its section words them. */
  details?: readonly string[];
}

/** `*` matches any run of characters; everything else is literal; case-insensitive. */
export function environmentMatches(pattern: string, environment: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "i").test(environment);
}

/** Every unmet requirement of a gate, in config order. An empty list means the requirements hold. */
export function requirementProblems(gate: GateConfig, facts: RequirementFacts): RequirementProblem[] {
  const req = gate.requirements;
  const problems: RequirementProblem[] = [];

  if (req.fields.length > 0 || req.formValid) {
    if (!facts.form) {
      problems.push(
        req.formValid
          ? { requirement: "formValid", message: "intake's verdict (the form and its initiative references) could not be checked", unverified: true }
          : { requirement: "fields", message: "the use-case form could not be read", unverified: true },
      );
    } else {
      for (const id of req.fields) {
        const field = facts.form.fields[id];
        if (!field?.present) problems.push({ requirement: "fields", message: `form field \`${id}\` is missing` });
        else if (field.problem) problems.push({ requirement: "fields", message: `form field \`${id}\` is not valid` });
      }
      if (req.formValid && facts.form.problems.length > 0) {
        const n = facts.form.problems.length;
        problems.push({
          requirement: "formValid",
          message: `intake says this use case needs changes (${n} problem${n === 1 ? "" : "s"}, as in the intake section)`,
          details: facts.form.problems,
        });
      }
    }
  }

  if (req.acceptanceCriteriaTicked) {
    const ac = facts.acceptanceCriteria;
    if (!ac) problems.push({ requirement: "acceptanceCriteriaTicked", message: "the acceptance-criteria checklist could not be read", unverified: true });
    else if (ac.total === 0) problems.push({ requirement: "acceptanceCriteriaTicked", message: "the acceptance-criteria checklist has no items" });
    else if (ac.ticked < ac.total) {
      problems.push({
        requirement: "acceptanceCriteriaTicked",
        message: `acceptance criteria: ${ac.ticked} of ${ac.total} ticked (all must be ticked)`,
      });
    }
  }

  if (req.architectAssigned) {
    if (facts.architectAssigned === undefined || facts.architectAssigned === "unknown") {
      problems.push({ requirement: "architectAssigned", message: "could not verify that an IT/OT architect is assigned", unverified: true });
    } else if (!facts.architectAssigned) {
      problems.push({ requirement: "architectAssigned", message: "no IT/OT architect is assigned" });
    }
  }

  const merged = facts.mergedPullRequests;
  if (req.linkedPullRequestMerged || req.deployment) {
    if (!merged) problems.push({ requirement: "linkedPullRequestMerged", message: "could not read the linked pull requests", unverified: true });
    else if (merged.length === 0) problems.push({ requirement: "linkedPullRequestMerged", message: "no linked pull request is merged" });
  }

  if (req.deployment) {
    const pattern = req.deployment.environment;
    if (!facts.deployments) {
      problems.push({ requirement: "deployment", message: "could not read the deployments", unverified: true });
    } else if (merged && merged.length > 0) {
      const firstMerge = Math.min(...merged.map((pr) => Date.parse(pr.mergedAt)));
      const ok = facts.deployments.some(
        (d) => d.state === "success" && environmentMatches(pattern, d.environment) && Date.parse(d.createdAt) >= firstMerge,
      );
      if (!ok) {
        problems.push({
          requirement: "deployment",
          message: `no successful deployment to an environment matching ${escapeCode(pattern)} since the linked pull request was merged`,
        });
      }
    }
  }

  return problems;
}

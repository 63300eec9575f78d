import type { Context, Probot } from "probot";
import type { AppDeps } from "./deps.js";
import type { ConvergeConfig } from "../config/schema.js";
import { isOwnSender } from "../github/identity.js";
import { loadOrgConfig } from "../github/org-config.js";
import { withKeyLock } from "../github/keyed-lock.js";
import { explainBoardError } from "../github/board/errors.js";
import type { BoardClient } from "../github/board/graphql.js";
import { recordStatusChange, resolveBoardItem, type ResolvedItem } from "../github/board/item.js";
import { recordCarryOver } from "../github/sprints.js";
import { carryOverKind } from "./sprints.js";

type ItemEdited = Context<"projects_v2_item.edited">;

interface FieldChange {
  field_node_id?: string;
  field_type?: string;
  field_name?: string;
  project_number?: number;
  from?: unknown;
  to?: unknown;
}

/** Orgs whose missing Projects permission was already logged by this process: said once, not on every event. */
const warned = new Set<string>();

/**
 * `projects_v2_item.edited` on the program board (ADR 0112, 0113). The event carries no repository or issue number:
 * the item is resolved through GraphQL first. A change of the board's Status is appended to the item's Status history
 * (time in each status; GitHub keeps none); a move of an open story or use case to a later iteration is recorded as
 * carry-over in Converge's comment on the issue, as a suggestion. Converge's own field writes are ignored.
 */
export function registerBoard(app: Probot, deps: AppDeps): void {
  app.on("projects_v2_item.edited", async (context) => {
    const { projects_v2_item: item, sender } = context.payload;
    const change = (context.payload.changes as { field_value?: FieldChange } | undefined)?.field_value;
    // Only single-select (Status) and iteration (Sprint) changes matter; a draft's body edit has no field_value.
    if (!change?.field_node_id || (change.field_type !== "single_select" && change.field_type !== "iteration")) return;
    if (isOwnSender(sender, await deps.identity())) return;
    await withKeyLock(`board-item:${item.node_id}`, () => onFieldChange(context, change, deps));
  });
}

async function onFieldChange(context: ItemEdited, change: FieldChange, deps: AppDeps): Promise<void> {
  const org = context.payload.organization.login;
  const loaded = await loadOrgConfig(context.octokit, org);
  if (!loaded.ok) {
    context.log.warn({ org, problems: loaded.problems }, "board: the organization's Converge config is invalid; nothing recorded");
    return;
  }
  const config = loaded.config;
  const project = config.board.project;
  if (project === undefined) return;
  // Newer payloads name the project and field; skip other projects without a request.
  if (change.project_number !== undefined && change.project_number !== project) return;

  const client: BoardClient = { octokit: context.octokit, requests: 0 };
  let resolved: ResolvedItem | undefined;
  try {
    resolved = await resolveBoardItem(client, context.payload.projects_v2_item.node_id ?? "", change.field_node_id!);
  } catch (error) {
    const problem = explainBoardError(error, org, project);
    if (!problem) throw error;
    if (!warned.has(org)) context.log.warn({ org }, problem.message);
    warned.add(org);
    return;
  }
  if (!resolved || resolved.project.number !== project) return;
  const fieldName = change.field_name ?? resolved.changedField;
  const at = context.payload.projects_v2_item.updated_at ?? deps.now().toISOString();

  if (change.field_type === "single_select" && fieldName === config.board.statusField) {
    const status = optionName(change.to) ?? (change.to === null ? "" : stringValue(resolved.values[config.board.statusField]));
    const recorded = await recordStatusChange(client, resolved, { status, at }, config.board.historyEntries);
    context.log.info({ item: resolved.id, status, recorded }, recorded ? "board: status change recorded" : "board: status change already recorded");
    return;
  }
  if (change.field_type === "iteration" && config.sprints.source === "iteration" && fieldName === config.sprints.iterationField) {
    await iterationCarryOver(context, config, resolved, change, at, deps);
  }
}

async function iterationCarryOver(context: ItemEdited, config: ConvergeConfig, item: ResolvedItem, change: FieldChange, at: string, deps: AppDeps): Promise<void> {
  const issue = item.issue;
  if (!issue?.open) return; // a move after it was done is bookkeeping, not carry-over
  const kind = carryOverKind(config, issue.labels);
  if (!kind) return;
  // First planned into a sprint (from: null) or taken out of one (to: null): no move to a later sprint.
  if (change.from === null || change.to === null) return;
  const from = iteration(change.from);
  const to = iteration(change.to);
  if (!from || !to) {
    context.log.info({ item: item.id }, "board: iteration change without both sprints in the event; no carry-over to record");
    return;
  }
  if (!(to.startDate > from.startDate)) return; // moved to an earlier or the same sprint: pulled in, not carried over
  const outcome = await recordCarryOver(
    context.octokit,
    { owner: issue.owner, repo: issue.repo, issue_number: issue.number },
    await deps.identity(),
    [{ from: from.title, to: to.title, at }],
    kind,
  );
  context.log.info({ issue: `${issue.owner}/${issue.repo}#${issue.number}`, outcome }, "board: iteration carry-over");
}

function optionName(value: unknown): string | undefined {
  return typeof value === "object" && value !== null && typeof (value as { name?: unknown }).name === "string" ? (value as { name: string }).name : undefined;
}

function stringValue(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function iteration(value: unknown): { title: string; startDate: string } | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as { title?: unknown; start_date?: unknown };
  return typeof v.title === "string" && typeof v.start_date === "string" ? { title: v.title, startDate: v.start_date.slice(0, 10) } : undefined;
}

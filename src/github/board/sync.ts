import type { ConvergeConfig } from "../../config/schema.js";
import { boardFieldSpecs, desiredItems, itemKey, planFields, planWrites, type FieldWrite } from "../../domain/board/plan.js";
import { boardStatusUpdate, boardStatusWeek, type BoardStatusUpdate } from "../../domain/board/status-update.js";
import type { BoardField, OwnedFieldSpec } from "../../domain/board/types.js";
import { isoWeek } from "../../domain/report/format.js";
import type { ReportModel } from "../../domain/report/model.js";
import type { PortfolioSnapshot } from "../../domain/snapshot/schema.js";
import { botLogin, type AppIdentity } from "../identity.js";
import type { Octokit } from "../octokit.js";
import { explainBoardError, isNotFound } from "./errors.js";
import { graphql, runAliased, type AliasedOp, type BoardClient } from "./graphql.js";
import { readBoard, toBoardField, type Board, type StatusUpdateNode } from "./read.js";

/**
 * Keep the central program board in step with the portfolio (ADR 0110): every use case and initiative on the
 * board, Converge's own fields created when missing and their values written only where they differ, and the week's
 * status update computed from the forecast. Fields Converge does not own are never written. A second run with
 * nothing changed reads the board and writes nothing.
 */

export interface SyncBoardOptions {
  org: string;
  config: ConvergeConfig;
  snapshot: PortfolioSnapshot;
  /** The built weekly report: Forecast P85 and Risk per use case, and the board's status update. */
  report?: ReportModel;
  now: Date;
  /** Who Converge is, to recognise its own status updates; without it only a bot's update with the marker counts. */
  identity?: AppIdentity;
}

export type BoardSyncResult =
  | { status: "disabled"; message: string }
  | { status: "forbidden" | "not-found"; message: string; requests: number }
  | {
      status: "synced";
      project: { id: string; number: number; title: string };
      fieldsCreated: string[];
      itemsAdded: number;
      valuesWritten: number;
      statusUpdate: "created" | "updated" | "unchanged" | "skipped";
      /** Things people should fix (a field of the wrong type, a missing option, an issue GitHub cannot find). */
      notices: string[];
      requests: number;
    };

export async function syncBoard(octokit: Octokit, options: SyncBoardOptions): Promise<BoardSyncResult> {
  const number = options.config.board.project;
  if (number === undefined) return { status: "disabled", message: "board.project is not set: no program board to sync." };
  const client: BoardClient = { octokit, requests: 0 };
  try {
    return await runSync(client, number, options);
  } catch (error) {
    const problem = explainBoardError(error, options.org, number);
    if (problem) return { status: problem.kind, message: problem.message, requests: client.requests };
    throw error;
  }
}

async function runSync(client: BoardClient, number: number, options: SyncBoardOptions): Promise<BoardSyncResult> {
  const { org, config, snapshot, report } = options;
  const board = await readBoard(client, org, number);
  if (!board) throw Object.assign(new Error(`no project ${number}`), { errors: [{ type: "NOT_FOUND", message: `Could not resolve to a ProjectV2 with the number ${number}.` }] });
  const notices: string[] = [];

  // 1. Fields Converge owns, created when missing (a same-named field of another type is someone else's).
  const specs = boardFieldSpecs(snapshot, config);
  const fieldPlan = planFields(board.fields, specs);
  notices.push(...fieldPlan.notices);
  board.fields.push(...(await createFields(client, board.id, fieldPlan.create)));

  // 2. Every use case and initiative on the board.
  const desired = desiredItems(snapshot, config, report);
  const onBoard = new Set(board.items.flatMap((i) => (i.contentKey ? [itemKey(i.contentKey)] : [])));
  const missing = desired.map((d) => d.contentKey).filter((key) => !onBoard.has(itemKey(key)));
  const added = await addItems(client, board, missing, notices);

  // 3. Values, only where they differ.
  const writePlan = planWrites(board.fields, specs, board.items, desired);
  notices.push(...writePlan.notices);
  await writeValues(client, board.id, writePlan.writes);

  // 4. The week's status update.
  let statusUpdate: "created" | "updated" | "unchanged" | "skipped" = "skipped";
  if (report && config.board.statusUpdate.enabled) {
    if (report.meta.isoWeek < isoWeek(options.now.toISOString())) {
      notices.push(`The report is for ${report.meta.isoWeek}, an earlier week: the board's status update was left as it is.`);
    } else {
      statusUpdate = await upsertStatusUpdate(client, board, boardStatusUpdate(report, config.board.statusUpdate), options.identity);
    }
  }

  return {
    status: "synced",
    project: { id: board.id, number, title: board.title },
    fieldsCreated: fieldPlan.create.map((s) => s.name),
    itemsAdded: added,
    valuesWritten: writePlan.writes.length,
    statusUpdate,
    notices,
    requests: client.requests,
  };
}

const FIELD_PAYLOAD = `{ projectV2Field {
  ... on ProjectV2FieldCommon { id name dataType }
  ... on ProjectV2SingleSelectField { options { id name } }
} }`;

/** Create Converge's missing fields (one request for all of them); returns them as board fields. */
export async function createFields(client: BoardClient, projectId: string, specs: readonly OwnedFieldSpec[]): Promise<BoardField[]> {
  if (specs.length === 0) return [];
  const ops: AliasedOp[] = specs.map((spec) => ({
    inputType: "CreateProjectV2FieldInput",
    mutation: "createProjectV2Field",
    selection: FIELD_PAYLOAD,
    input: {
      projectId,
      name: spec.name,
      dataType: spec.dataType,
      ...(spec.options ? { singleSelectOptions: spec.options.map((o) => ({ name: o.name, color: o.color, description: o.description })) } : {}),
    },
  }));
  const created = await runAliased<{ projectV2Field: Parameters<typeof toBoardField>[0] | null }>(
    client,
    (defs, body) => `mutation ConvergeBoardCreateFields(${defs}) { ${body} }`,
    ops,
    { once: true }, // a retried create would add a second field of the same name (ADR 0150)
  );
  return created.flatMap((c) => (c.projectV2Field ? (toBoardField(c.projectV2Field) ?? []) : []));
}

const LOOKUPS_PER_REQUEST = 50;

/** Add the issues to the board: their node ids looked up in batches, then one aliased add per issue. */
async function addItems(client: BoardClient, board: Board, keys: readonly string[], notices: string[]): Promise<number> {
  const contentIds: Array<{ key: string; id: string }> = [];
  for (let start = 0; start < keys.length; start += LOOKUPS_PER_REQUEST) {
    const chunk = keys.slice(start, start + LOOKUPS_PER_REQUEST).map((key) => {
      const [repo, n] = key.split("#") as [string, string];
      const [owner, name] = repo.split("/") as [string, string];
      return { key, owner, name, number: Number(n) };
    });
    const defs = chunk.map((_c, i) => `$o${i}: String!, $n${i}: String!, $k${i}: Int!`).join(", ");
    const body = chunk.map((_c, i) => `r${i}: repository(owner: $o${i}, name: $n${i}) { issue(number: $k${i}) { id } }`).join("\n");
    const variables = Object.fromEntries(chunk.flatMap((c, i) => [[`o${i}`, c.owner], [`n${i}`, c.name], [`k${i}`, c.number]]));
    let data: Record<string, { issue: { id: string } | null } | null>;
    try {
      data = await graphql(client, `query ConvergeBoardContent(${defs}) { ${body} }`, variables);
    } catch (error) {
      // A deleted, transferred or unreachable issue fails only its own alias: keep the others.
      const partial = (error as { data?: typeof data }).data;
      if (!isNotFound(error) || !partial) throw error;
      data = partial;
    }
    chunk.forEach((c, i) => {
      const id = data[`r${i}`]?.issue?.id;
      if (id) contentIds.push({ key: c.key, id });
      else notices.push(`${c.key} could not be added to the board: GitHub cannot find it (deleted, transferred, or in a repository the app is not installed on).`);
    });
  }
  if (contentIds.length === 0) return 0;
  const added = await runAliased<{ item: { id: string } | null }>(
    client,
    (defs, body) => `mutation ConvergeBoardAddItems(${defs}) { ${body} }`,
    contentIds.map((c) => ({
      inputType: "AddProjectV2ItemByIdInput",
      mutation: "addProjectV2ItemById",
      selection: "{ item { id } }",
      input: { projectId: board.id, contentId: c.id },
    })),
  );
  added.forEach((a, i) => {
    if (a.item) board.items.push({ id: a.item.id, contentKey: contentIds[i]!.key, values: {} });
  });
  return contentIds.length;
}

/** Write (or clear) item field values, batched. Also used by the webhook recorder for Status since / Status history. */
export async function writeValues(client: BoardClient, projectId: string, writes: readonly FieldWrite[]): Promise<void> {
  if (writes.length === 0) return;
  await runAliased(
    client,
    (defs, body) => `mutation ConvergeBoardWriteValues(${defs}) { ${body} }`,
    writes.map((w): AliasedOp =>
      w.value === null
        ? {
            inputType: "ClearProjectV2ItemFieldValueInput",
            mutation: "clearProjectV2ItemFieldValue",
            selection: "{ clientMutationId }",
            input: { projectId, itemId: w.itemId, fieldId: w.fieldId },
          }
        : {
            inputType: "UpdateProjectV2ItemFieldValueInput",
            mutation: "updateProjectV2ItemFieldValue",
            selection: "{ clientMutationId }",
            input: { projectId, itemId: w.itemId, fieldId: w.fieldId, value: w.value },
          },
    ),
  );
}

function isOwnStatusUpdate(node: StatusUpdateNode, identity: AppIdentity | undefined): boolean {
  if (node.creator?.__typename !== "Bot") return false;
  if (!identity?.slug) return true;
  // GraphQL gives a bot's login without the "[bot]" suffix REST shows; accept both.
  return node.creator.login === identity.slug || node.creator.login === botLogin(identity);
}

async function upsertStatusUpdate(
  client: BoardClient,
  board: Board,
  update: BoardStatusUpdate,
  identity: AppIdentity | undefined,
): Promise<"created" | "updated" | "unchanged"> {
  const own = board.statusUpdates.find((s) => boardStatusWeek(s.body) === update.week && isOwnStatusUpdate(s, identity));
  if (own) {
    if (own.body === update.body && own.status === update.status && own.startDate === update.startDate) return "unchanged";
    await graphql(
      client,
      `mutation ConvergeBoardUpdateStatus($input: UpdateProjectV2StatusUpdateInput!) { updateProjectV2StatusUpdate(input: $input) { statusUpdate { id } } }`,
      { input: { statusUpdateId: own.id, status: update.status, startDate: update.startDate, body: update.body } },
    );
    return "updated";
  }
  await graphql(
    client,
    `mutation ConvergeBoardCreateStatus($input: CreateProjectV2StatusUpdateInput!) { createProjectV2StatusUpdate(input: $input) { statusUpdate { id } } }`,
    { input: { projectId: board.id, status: update.status, startDate: update.startDate, body: update.body } },
    { once: true }, // a retried create would post the week's status twice; the next sync updates it by marker
  );
  return "created";
}

import type { FieldWrite } from "../../domain/board/plan.js";
import { FIELD } from "../../domain/board/fields.js";
import { recordStatus, parseStatusHistory, formatStatusHistory } from "../../domain/board/history.js";
import type { BoardField, BoardValue } from "../../domain/board/types.js";
import { graphql, type BoardClient } from "./graphql.js";
import { FIELD_VALUE_SELECTION, itemValues, toBoardField, type RawFieldValue } from "./read.js";
import { createFields, writeValues } from "./sync.js";

/**
 * One board item, resolved from a `projects_v2_item` event. The event names the item, its project and the changed
 * field only by node id (no repository, no issue number): one query returns the project, the issue on the item, its
 * field values, the project's fields and the changed field's name.
 */

const ITEM_QUERY = `query ConvergeBoardItem($item: ID!, $field: ID!) {
  item: node(id: $item) {
    __typename
    ... on ProjectV2Item {
      id
      project {
        id
        number
        fields(first: 50) {
          nodes {
            ... on ProjectV2FieldCommon { id name dataType }
            ... on ProjectV2SingleSelectField { options { id name } }
          }
        }
      }
      content {
        __typename
        ... on Issue { id number state repository { nameWithOwner } labels(first: 50) { nodes { name } } }
      }
      fieldValues(first: 50) { nodes { ${FIELD_VALUE_SELECTION} } }
    }
  }
  field: node(id: $field) { __typename ... on ProjectV2FieldCommon { id name } }
}`;

export interface ResolvedIssue {
  owner: string;
  repo: string;
  number: number;
  open: boolean;
  labels: string[];
}

export interface ResolvedItem {
  id: string;
  project: { id: string; number: number };
  fields: BoardField[];
  /** The issue on the item; undefined for draft issues and pull requests. */
  issue?: ResolvedIssue;
  values: Record<string, BoardValue>;
  /** Name of the field the event changed (null when GitHub no longer knows it). */
  changedField: string | null;
}

interface ItemResponse {
  item: {
    __typename: string;
    id?: string;
    project?: { id: string; number: number; fields: { nodes: Array<Parameters<typeof toBoardField>[0] | null> } };
    content?: {
      __typename: string;
      number?: number;
      state?: string;
      repository?: { nameWithOwner: string };
      labels?: { nodes: Array<{ name: string } | null> };
    } | null;
    fieldValues?: { nodes: Array<RawFieldValue | null> };
  } | null;
  field: { __typename: string; name?: string } | null;
}

export async function resolveBoardItem(client: BoardClient, itemId: string, fieldId: string): Promise<ResolvedItem | undefined> {
  const data = await graphql<ItemResponse>(client, ITEM_QUERY, { item: itemId, field: fieldId });
  const item = data.item;
  if (!item || item.__typename !== "ProjectV2Item" || !item.id || !item.project) return undefined;
  const c = item.content;
  let issue: ResolvedIssue | undefined;
  if (c?.__typename === "Issue" && c.repository && c.number) {
    const [owner, repo] = c.repository.nameWithOwner.split("/") as [string, string];
    issue = { owner, repo, number: c.number, open: c.state === "OPEN", labels: (c.labels?.nodes ?? []).flatMap((l) => (l ? [l.name] : [])) };
  }
  return {
    id: item.id,
    project: { id: item.project.id, number: item.project.number },
    fields: item.project.fields.nodes.flatMap((f) => (f ? (toBoardField(f) ?? []) : [])),
    ...(issue ? { issue } : {}),
    values: itemValues(item.fieldValues?.nodes ?? []),
    changedField: data.field?.name ?? null,
  };
}

/**
 * Record a status change on the item's own Status history / Status since fields (ADR 0112), creating those fields
 * when the board does not have them yet. Returns false when the change was already recorded (a redelivery).
 */
export async function recordStatusChange(
  client: BoardClient,
  item: ResolvedItem,
  change: { status: string; at: string },
  maxEntries: number,
): Promise<boolean> {
  const history = parseStatusHistory(typeof item.values[FIELD.statusHistory] === "string" ? (item.values[FIELD.statusHistory] as string) : null);
  const next = recordStatus(history, change, maxEntries);
  if (!next.changed) return false;

  const fields = [...item.fields];
  const wanted = [
    { name: FIELD.statusHistory, dataType: "TEXT" as const },
    { name: FIELD.statusSince, dataType: "DATE" as const },
  ];
  const missing = wanted.filter((w) => !fields.some((f) => f.name === w.name));
  fields.push(...(await createFields(client, item.project.id, missing)));

  const writes: FieldWrite[] = [];
  const historyField = fields.find((f) => f.name === FIELD.statusHistory && f.dataType === "TEXT");
  const sinceField = fields.find((f) => f.name === FIELD.statusSince && f.dataType === "DATE");
  const key = item.issue ? `${item.issue.owner}/${item.issue.repo}#${item.issue.number}` : item.id;
  if (historyField) writes.push({ itemId: item.id, contentKey: key, field: FIELD.statusHistory, fieldId: historyField.id, value: { text: formatStatusHistory(next.entries) } });
  const since = next.entries.at(-1)!.at.slice(0, 10);
  if (sinceField && item.values[FIELD.statusSince] !== since) {
    writes.push({ itemId: item.id, contentKey: key, field: FIELD.statusSince, fieldId: sinceField.id, value: { date: since } });
  }
  await writeValues(client, item.project.id, writes);
  return writes.length > 0;
}

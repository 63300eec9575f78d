import type { BoardField, BoardItem, BoardValue, FieldDataType } from "../../domain/board/types.js";
import { graphql, type BoardClient } from "./graphql.js";

/**
 * Read the program board (an organization's Project v2): its fields, every item with the issue on it and its field
 * values, and Converge's recent status updates. Items come 100 per request (GitHub's maximum page), the fields and
 * status updates only with the first page.
 */

const FIELD_SELECTION = `
  ... on ProjectV2FieldCommon { id name dataType }
  ... on ProjectV2SingleSelectField { options { id name } }
  ... on ProjectV2IterationField {
    configuration {
      iterations { id title startDate duration }
      completedIterations { id title startDate duration }
    }
  }`;

export const FIELD_VALUE_SELECTION = `
  __typename
  ... on ProjectV2ItemFieldTextValue { text field { ... on ProjectV2FieldCommon { id name } } }
  ... on ProjectV2ItemFieldNumberValue { number field { ... on ProjectV2FieldCommon { id name } } }
  ... on ProjectV2ItemFieldDateValue { date field { ... on ProjectV2FieldCommon { id name } } }
  ... on ProjectV2ItemFieldSingleSelectValue { name optionId field { ... on ProjectV2FieldCommon { id name } } }
  ... on ProjectV2ItemFieldIterationValue { title iterationId startDate duration field { ... on ProjectV2FieldCommon { id name } } }`;

const BOARD_QUERY = `query ConvergeBoard($org: String!, $number: Int!, $cursor: String, $first: Boolean!) {
  organization(login: $org) {
    projectV2(number: $number) {
      id
      title
      fields(first: 50) @include(if: $first) { nodes { ${FIELD_SELECTION} } }
      statusUpdates(first: 10, orderBy: { field: CREATED_AT, direction: DESC }) @include(if: $first) {
        nodes { id body status startDate creator { __typename login } }
      }
      items(first: 100, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id
          content {
            __typename
            ... on Issue { id number repository { nameWithOwner } }
          }
          fieldValues(first: 50) { nodes { ${FIELD_VALUE_SELECTION} } }
        }
      }
    }
  }
}`;

export interface RawFieldValue {
  __typename: string;
  text?: string | null;
  number?: number | null;
  date?: string | null;
  name?: string | null;
  optionId?: string | null;
  title?: string | null;
  iterationId?: string | null;
  startDate?: string | null;
  duration?: number | null;
  field?: { id?: string; name?: string } | null;
}

interface RawField {
  id?: string;
  name?: string;
  dataType?: string;
  options?: Array<{ id: string; name: string }>;
  configuration?: {
    iterations: Array<{ id: string; title: string; startDate: string; duration: number }>;
    completedIterations: Array<{ id: string; title: string; startDate: string; duration: number }>;
  };
}

interface RawItem {
  id: string;
  content: { __typename: string; id?: string; number?: number; repository?: { nameWithOwner: string } } | null;
  fieldValues: { nodes: Array<RawFieldValue | null> };
}

export interface StatusUpdateNode {
  id: string;
  body: string | null;
  status: string | null;
  startDate: string | null;
  creator: { __typename: string; login: string } | null;
}

interface BoardPage {
  organization: {
    projectV2: {
      id: string;
      title: string;
      fields?: { nodes: Array<RawField | null> };
      statusUpdates?: { nodes: Array<StatusUpdateNode | null> };
      items: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<RawItem | null> };
    } | null;
  } | null;
}

export interface Board {
  id: string;
  title: string;
  fields: BoardField[];
  items: BoardItem[];
  statusUpdates: StatusUpdateNode[];
}

const TYPES: ReadonlySet<string> = new Set<FieldDataType>(["TEXT", "NUMBER", "DATE", "SINGLE_SELECT", "ITERATION"]);

export function toBoardField(raw: RawField): BoardField | undefined {
  if (!raw.id || !raw.name) return undefined;
  const dataType = raw.dataType && TYPES.has(raw.dataType) ? (raw.dataType as FieldDataType) : "OTHER";
  const field: BoardField = { id: raw.id, name: raw.name, dataType };
  if (raw.options) field.options = raw.options;
  if (raw.configuration) field.iterations = [...raw.configuration.completedIterations, ...raw.configuration.iterations];
  return field;
}

/** A field value as the plan compares it: option names and iteration titles, dates as YYYY-MM-DD. */
export function fieldValue(raw: RawFieldValue): BoardValue {
  switch (raw.__typename) {
    case "ProjectV2ItemFieldTextValue":
      return raw.text ?? null;
    case "ProjectV2ItemFieldNumberValue":
      return raw.number ?? null;
    case "ProjectV2ItemFieldDateValue":
      return raw.date ? raw.date.slice(0, 10) : null;
    case "ProjectV2ItemFieldSingleSelectValue":
      return raw.name ?? null;
    case "ProjectV2ItemFieldIterationValue":
      return raw.title ?? null;
    default:
      return null;
  }
}

export function itemValues(nodes: ReadonlyArray<RawFieldValue | null>): Record<string, BoardValue> {
  const values: Record<string, BoardValue> = {};
  for (const node of nodes) {
    const name = node?.field?.name;
    if (!node || !name) continue;
    const value = fieldValue(node);
    if (value !== null) values[name] = value;
  }
  return values;
}

export async function readBoard(client: BoardClient, org: string, number: number): Promise<Board | undefined> {
  let cursor: string | null = null;
  let first = true;
  const board: Board = { id: "", title: "", fields: [], items: [], statusUpdates: [] };
  for (;;) {
    const page: BoardPage = await graphql<BoardPage>(client, BOARD_QUERY, { org, number, cursor, first });
    const project = page.organization?.projectV2;
    if (!project) return undefined;
    if (first) {
      board.id = project.id;
      board.title = project.title;
      board.fields = (project.fields?.nodes ?? []).flatMap((f) => (f ? (toBoardField(f) ?? []) : []));
      board.statusUpdates = (project.statusUpdates?.nodes ?? []).filter((s): s is StatusUpdateNode => s !== null);
    }
    for (const item of project.items.nodes) {
      if (!item) continue;
      const c = item.content;
      const contentKey = c?.__typename === "Issue" && c.repository && c.number ? `${c.repository.nameWithOwner}#${c.number}` : null;
      board.items.push({ id: item.id, contentKey, values: itemValues(item.fieldValues.nodes) });
    }
    if (!project.items.pageInfo.hasNextPage || !project.items.pageInfo.endCursor) return board;
    cursor = project.items.pageInfo.endCursor;
    first = false;
  }
}

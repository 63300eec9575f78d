import { Kind, parse, type FieldNode, type OperationDefinitionNode, type ValueNode } from "graphql";
import type nock from "nock";
import { mockGraphql, type GraphqlCall } from "./probot.js";

/**
 * A stateful organization Project (v2) behind POST /graphql, for board tests: it answers Converge's board queries
 * from its state and applies the mutations it receives (aliased batches included), so a second sync runs against
 * what the first one wrote. Documents are still validated against GitHub's schema by mockGraphql.
 */

type Value = { text: string } | { number: number } | { date: string } | { singleSelectOptionId: string } | { iterationId: string };

export interface FakeField {
  id: string;
  name: string;
  dataType: string;
  options?: Array<{ id: string; name: string }>;
  iterations?: Array<{ id: string; title: string; startDate: string; duration: number }>;
}

export interface FakeItem {
  id: string;
  content: { __typename: "Issue" | "DraftIssue"; id: string; number?: number; repo?: string; state?: "OPEN" | "CLOSED"; labels?: string[] };
  values: Map<string, Value>;
}

export interface FakeStatusUpdate {
  id: string;
  body: string;
  status: string;
  startDate: string | null;
  creator: { __typename: string; login: string };
}

export class FakeBoard {
  id = "PVT_kwDOAWcTxs4ACgDd";
  title = "Program board";
  number = 7;
  org = "voltaic";
  fields: FakeField[] = [
    { id: "PVTF_title", name: "Title", dataType: "TITLE" },
    { id: "PVTSSF_status", name: "Status", dataType: "SINGLE_SELECT", options: [{ id: "st1", name: "Todo" }, { id: "st2", name: "In progress" }, { id: "st3", name: "Done" }] },
  ];
  items: FakeItem[] = [];
  statusUpdates: FakeStatusUpdate[] = [];
  /** Issues GitHub knows: `owner/repo#n` → node id. */
  issues = new Map<string, string>();
  /** Every mutation field applied, in order (e.g. "updateProjectV2ItemFieldValue"). */
  mutations: string[] = [];
  calls: GraphqlCall[] = [];
  /** Answer every request as an installation without the Projects permission. */
  forbidden = false;
  private seq = 0;

  field(name: string): FakeField {
    const f = this.fields.find((x) => x.name === name);
    if (!f) throw new Error(`no field ${name}`);
    return f;
  }

  addIssue(key: string): string {
    const id = `I_${key.replace(/[^A-Za-z0-9]/g, "")}`;
    this.issues.set(key, id);
    return id;
  }

  /** Put an issue on the board directly (as people do), returning the item. */
  putItem(key: string, extra: Partial<FakeItem["content"]> = {}): FakeItem {
    const id = this.issues.get(key) ?? this.addIssue(key);
    const [repo, n] = key.split("#") as [string, string];
    const item: FakeItem = { id: `PVTI_${++this.seq}`, content: { __typename: "Issue", id, number: Number(n), repo, state: "OPEN", labels: [], ...extra }, values: new Map() };
    this.items.push(item);
    return item;
  }

  value(item: FakeItem, fieldName: string): unknown {
    const field = this.field(fieldName);
    const v = item.values.get(field.id);
    if (!v) return undefined;
    if ("singleSelectOptionId" in v) return field.options?.find((o) => o.id === v.singleSelectOptionId)?.name;
    return Object.values(v)[0];
  }

  itemFor(key: string): FakeItem | undefined {
    return this.items.find((i) => i.content.repo && `${i.content.repo}#${i.content.number}` === key);
  }

  /** Register `times` answers on the scope. */
  serve(scope: nock.Scope, times: number): void {
    for (let i = 0; i < times; i++) mockGraphql(scope, (call) => this.respond(call), this.calls);
  }

  /** One request that GitHub applies and then answers 502 (the write happened; the client cannot know). */
  serveAppliedThen502(scope: nock.Scope): void {
    scope.post("/graphql").reply((_uri, body) => {
      this.calls.push(body as GraphqlCall);
      this.respond(body as GraphqlCall);
      return [502, { message: "Server Error" }];
    });
  }

  respond(call: GraphqlCall): unknown {
    if (this.forbidden) {
      return { data: null, errors: [{ type: "FORBIDDEN", path: ["organization"], message: "Resource not accessible by integration" }] };
    }
    const doc = parse(call.query);
    const op = doc.definitions[0] as OperationDefinitionNode;
    const vars = call.variables ?? {};
    if (op.operation === "query") {
      const name = op.name?.value;
      if (name === "ConvergeBoard") return { data: this.page(vars) };
      if (name === "ConvergeBoardContent") {
        const data: Record<string, unknown> = {};
        const errors: unknown[] = [];
        for (const sel of op.selectionSet.selections as FieldNode[]) {
          const alias = sel.alias!.value;
          const i = alias.slice(1);
          const key = `${String(vars[`o${i}`])}/${String(vars[`n${i}`])}#${String(vars[`k${i}`])}`;
          const id = this.issues.get(key);
          data[alias] = id ? { issue: { id } } : null;
          if (!id) errors.push({ type: "NOT_FOUND", path: [alias], message: `Could not resolve to a Repository with the name '${key}'.` });
        }
        return errors.length ? { data, errors } : { data };
      }
      if (name === "ConvergeBoardItem") return { data: this.itemNode(vars) };
      throw new Error(`fake board: unexpected query ${name}`);
    }
    const data: Record<string, unknown> = {};
    for (const sel of op.selectionSet.selections as FieldNode[]) {
      const input = argValue(sel.arguments?.find((a) => a.name.value === "input")?.value, vars) as Record<string, any>;
      this.mutations.push(sel.name.value);
      data[sel.alias?.value ?? sel.name.value] = this.apply(sel.name.value, input);
    }
    return { data };
  }

  private apply(mutation: string, input: Record<string, any>): unknown {
    switch (mutation) {
      case "createProjectV2Field": {
        const field: FakeField = { id: `PVTF_${++this.seq}`, name: input.name, dataType: input.dataType };
        if (input.singleSelectOptions) field.options = input.singleSelectOptions.map((o: { name: string }, i: number) => ({ id: `${field.id}_o${i}`, name: o.name }));
        this.fields.push(field);
        return { projectV2Field: { id: field.id, name: field.name, dataType: field.dataType, ...(field.options ? { options: field.options } : {}) } };
      }
      case "addProjectV2ItemById": {
        const existing = this.items.find((i) => i.content.id === input.contentId);
        if (existing) return { item: { id: existing.id } };
        const key = [...this.issues].find(([, id]) => id === input.contentId)![0];
        return { item: { id: this.putItem(key).id } };
      }
      case "updateProjectV2ItemFieldValue":
        this.items.find((i) => i.id === input.itemId)!.values.set(input.fieldId, input.value);
        return { clientMutationId: null };
      case "clearProjectV2ItemFieldValue":
        this.items.find((i) => i.id === input.itemId)!.values.delete(input.fieldId);
        return { clientMutationId: null };
      case "createProjectV2StatusUpdate": {
        const s: FakeStatusUpdate = { id: `PVTSU_${++this.seq}`, body: input.body, status: input.status, startDate: input.startDate ?? null, creator: { __typename: "Bot", login: "converge" } };
        this.statusUpdates.unshift(s);
        return { statusUpdate: { id: s.id } };
      }
      case "updateProjectV2StatusUpdate": {
        const s = this.statusUpdates.find((x) => x.id === input.statusUpdateId)!;
        Object.assign(s, { body: input.body ?? s.body, status: input.status ?? s.status, startDate: input.startDate ?? s.startDate });
        return { statusUpdate: { id: s.id } };
      }
      default:
        throw new Error(`fake board: unexpected mutation ${mutation}`);
    }
  }

  private page(vars: Record<string, unknown>): unknown {
    if (vars.org !== this.org || vars.number !== this.number) return { organization: { projectV2: null } };
    const start = vars.cursor ? Number(vars.cursor) : 0;
    const slice = this.items.slice(start, start + 100);
    return {
      organization: {
        projectV2: {
          id: this.id,
          title: this.title,
          ...(vars.first
            ? {
                fields: { nodes: this.fields.map((f) => this.fieldNode(f)) },
                statusUpdates: { nodes: this.statusUpdates.slice(0, 10) },
              }
            : {}),
          items: {
            pageInfo: { hasNextPage: start + 100 < this.items.length, endCursor: String(start + 100) },
            nodes: slice.map((i) => this.itemJson(i)),
          },
        },
      },
    };
  }

  private fieldNode(f: FakeField): unknown {
    const node: Record<string, unknown> = { id: f.id, name: f.name, dataType: f.dataType };
    if (f.options) node.options = f.options;
    if (f.iterations) node.configuration = { iterations: f.iterations, completedIterations: [] };
    return node;
  }

  itemJson(i: FakeItem): unknown {
    const content =
      i.content.__typename === "Issue"
        ? {
            __typename: "Issue",
            id: i.content.id,
            number: i.content.number,
            state: i.content.state ?? "OPEN",
            repository: { nameWithOwner: i.content.repo },
            labels: { nodes: (i.content.labels ?? []).map((name) => ({ name })) },
          }
        : { __typename: "DraftIssue" };
    const nodes = [...i.values].map(([fieldId, v]) => {
      const f = this.fields.find((x) => x.id === fieldId)!;
      const field = { id: f.id, name: f.name };
      if ("text" in v) return { __typename: "ProjectV2ItemFieldTextValue", text: v.text, field };
      if ("number" in v) return { __typename: "ProjectV2ItemFieldNumberValue", number: v.number, field };
      if ("date" in v) return { __typename: "ProjectV2ItemFieldDateValue", date: v.date, field };
      if ("singleSelectOptionId" in v) {
        return { __typename: "ProjectV2ItemFieldSingleSelectValue", optionId: v.singleSelectOptionId, name: f.options!.find((o) => o.id === v.singleSelectOptionId)!.name, field };
      }
      const it = f.iterations!.find((x) => x.id === v.iterationId)!;
      return { __typename: "ProjectV2ItemFieldIterationValue", iterationId: it.id, title: it.title, startDate: it.startDate, duration: it.duration, field };
    });
    return { id: i.id, content, fieldValues: { nodes } };
  }

  private itemNode(vars: Record<string, unknown>): unknown {
    const item = this.items.find((i) => i.id === vars.item);
    const field = this.fields.find((f) => f.id === vars.field);
    return {
      item: item
        ? { __typename: "ProjectV2Item", ...(this.itemJson(item) as object), project: { id: this.id, number: this.number, fields: { nodes: this.fields.map((f) => this.fieldNode(f)) } } }
        : null,
      field: field ? { __typename: "ProjectV2SingleSelectField", id: field.id, name: field.name } : null,
    };
  }
}

function argValue(node: ValueNode | undefined, vars: Record<string, unknown>): unknown {
  if (!node) return undefined;
  switch (node.kind) {
    case Kind.VARIABLE:
      return vars[node.name.value];
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, argValue(f.value, vars)]));
    case Kind.LIST:
      return node.values.map((v) => argValue(v, vars));
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    default:
      return null;
  }
}
